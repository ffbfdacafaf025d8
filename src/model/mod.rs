//! The pure model: scenario in, monthly ledger and KPIs out. No egui, no I/O, no clock.

pub mod analysis;
pub mod backtest;
pub mod engine;
pub mod extends;
pub mod levers;
pub mod money;
pub mod montecarlo_spec;
pub mod month;
pub mod outcome;
pub mod preset;
pub mod scenario;
pub mod validate;
pub mod warnings;

pub use engine::{ModelError, run};
pub use levers::{
    Group, Lever, LeverError, LeverKind, LeverValue, levers, set_lever, set_lever_text,
};
pub use montecarlo_spec::{Distribution, DistributionError, MonteCarloSpec};
pub use month::Month;
pub use outcome::{Kpis, MonthRow, Outcome};
pub use preset::{PresetError, default_scenario, parse_preset, parse_scenario, to_ron};
pub use scenario::Scenario;
pub use validate::{ValidScenario, ValidationError, montecarlo_issues, spec_warnings, validate};
