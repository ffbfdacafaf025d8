//! The pure model: scenario in, monthly ledger and KPIs out. No egui, no I/O, no clock.
//!
//! Its modules are private; every item the rest of the crate, the tests and the benches use is
//! exported here, one path each (`model::Outcome`, `model::run_into`), the way `rust_decimal`
//! does. [`analysis`] stays a namespace of its own: its items are many and all about the
//! analyses. See `docs/architecture.md`.

pub mod analysis;
mod backtest;
mod engine;
mod extends;
mod levers;
mod money;
mod montecarlo_spec;
mod month;
mod outcome;
mod preset;
mod scenario;
mod validate;
mod warnings;

pub use backtest::{BacktestRow, ReportedFigure, mean_absolute_error_pct};
pub use engine::{ModelError, run, run_into};
pub use extends::{
    Additions, ApplyError, ExtendsFile, MAX_EXTENDS_DEPTH, MetaPatch, TextMap, changes_against,
    unchangeable_differences,
};
pub use levers::{
    Group, Lever, LeverError, LeverKind, LeverValue, Plausible, ValueError, analysis_limits,
    apply_assignments, check_value, lever, levers, plausible_range, read_value, set_lever,
    set_lever_text,
};
pub use money::{DISPLAY_DP, DecimalError, round_for_display};
pub use montecarlo_spec::{Distribution, DistributionError, MonteCarloSpec};
pub use month::{Month, MonthParseError};
pub use outcome::{
    BASE_COLUMNS, Breach, Cell, CollateralMonth, CovenantKind, CovenantKpi, CovenantTest,
    FacilityMonth, Kpis, MonthRow, Outcome, PNL_COLUMNS, PnlMonth, YearKpi, figure_at,
    pnl_figure_at,
};
pub use preset::{
    BaseText, ExtendsError, PresetError, PresetSource, ReadBase, SHIPPED_PRESETS, default_scenario,
    is_extends, parse_extends_file, parse_preset, parse_scenario, resolve_preset, to_ron,
};
pub use scenario::{
    Accounting, Amortization, CORE_SCIENTIFIC_ID, Capacity, CapexPayment, CapexPolicy, Collateral,
    Contract, CoreScientific, Covenant, CovenantTerms, CustomerCut, DelayPolicy, DeliveryPartner,
    Draws, EquityRaise, Facility, FacilityKind, FundingGap, Funds, Market, Meta, Opening, Opex,
    Partner, Rate, Rates, Reported, RevolverPolicy, Scenario, Site, StockCompCharge,
};
pub use validate::{
    Issue, MAX_LIST_ITEMS, MAX_REPORTED, ValidScenario, ValidationError, field_labels,
    montecarlo_issues, spec_warnings, validate,
};
pub use warnings::{Warning, warnings};
