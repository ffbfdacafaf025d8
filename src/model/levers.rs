//! The lever registry: every numeric, month or choice input of a scenario, addressed by a
//! stable path `<id>.<field>` (spec §2), with its label, unit, group and allowed range; the
//! part of that range an analysis may use ([`analysis_limits`]) and where the lever plausibly
//! lies ([`plausible_range`]).
//!
//! This is the single list of inputs. Sliders, the CLI's `--set`, validation ranges and the
//! analyses all come from [`visit_fields`]; nothing else enumerates a scenario's fields.

use std::fmt;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal_macros::dec;
use serde::Serialize;

use super::money::{DecimalError, exact_decimal};
use super::month::{Month, MonthParseError};
use super::scenario::{Amortization, CovenantTerms, DelayPolicy, FacilityKind, Rate, Scenario};

/// The groups of the levers panel, in the order the app shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Group {
    InterestRates,
    DrawAmounts,
    OpenAiContract,
    DeliveryPartners,
    Customers,
    GpuPrices,
    IpoEquity,
    CostsCapex,
    AccountingCollateral,
    Contracts,
    DebtTerms,
    Covenants,
    Opening,
}

impl Group {
    pub const ALL: [Self; 13] = [
        Self::InterestRates,
        Self::DrawAmounts,
        Self::OpenAiContract,
        Self::DeliveryPartners,
        Self::Customers,
        Self::GpuPrices,
        Self::IpoEquity,
        Self::CostsCapex,
        Self::AccountingCollateral,
        Self::Contracts,
        Self::DebtTerms,
        Self::Covenants,
        Self::Opening,
    ];

    pub const fn label(self) -> &'static str {
        match self {
            Self::InterestRates => "Interest rates",
            Self::DrawAmounts => "Draw amounts",
            Self::OpenAiContract => "OpenAI contract",
            Self::DeliveryPartners => "Delivery partners",
            Self::Customers => "Customers",
            Self::GpuPrices => "GPU prices",
            Self::IpoEquity => "IPO & equity",
            Self::CostsCapex => "Costs & capex",
            Self::AccountingCollateral => "Accounting & collateral",
            Self::Contracts => "Other contracts",
            Self::DebtTerms => "Debt terms",
            Self::Covenants => "Covenants",
            Self::Opening => "Opening position & horizon",
        }
    }

    /// The mission's own levers: shown open in the app.
    pub const fn is_primary(self) -> bool {
        matches!(
            self,
            Self::InterestRates
                | Self::DrawAmounts
                | Self::OpenAiContract
                | Self::DeliveryPartners
                | Self::Customers
                | Self::GpuPrices
                | Self::IpoEquity
                | Self::CostsCapex
                | Self::AccountingCollateral
        )
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What values a lever takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeverKind {
    /// A decimal in `min..=max`; slider positions move by `step`. `whole` levers take integers only.
    Number {
        min: Decimal,
        max: Decimal,
        step: Decimal,
        whole: bool,
    },
    /// A month in `min..=max`, moved by one month.
    Month { min: Month, max: Month },
    /// One of a few names.
    Choice { choices: &'static [&'static str] },
}

/// A lever's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeverValue {
    Number(Decimal),
    Month(Month),
    Choice(&'static str),
}

impl fmt::Display for LeverValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(value) => write!(f, "{}", value.normalize()),
            Self::Month(month) => write!(f, "{month}"),
            Self::Choice(name) => f.write_str(name),
        }
    }
}

/// One input of a scenario, as the registry describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Lever {
    pub path: String,
    pub label: String,
    pub group: Group,
    /// `$M`, `%`, `months`, `MW`, `$M/MW`, `x`, or empty.
    pub unit: &'static str,
    pub kind: LeverKind,
    pub value: LeverValue,
    /// The preset's note on where this input came from.
    pub source: Option<String>,
}

/// Why a lever could not be read or set.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LeverError {
    #[error("unknown lever `{path}` (`coreweave-whatif levers PRESET` lists the preset's levers)")]
    UnknownPath { path: String },
    #[error("{path}: {message}")]
    BadValue { path: String, message: String },
}

/// A mutable slot in a scenario, typed by what it holds.
pub(crate) enum Slot<'a> {
    Decimal(&'a mut Decimal),
    Count(&'a mut u32),
    Month(&'a mut Month),
    /// A month that may be absent (a covenant window's end): absent reads as `default`.
    OptionalMonth {
        slot: &'a mut Option<Month>,
        default: Month,
    },
    DelayPolicy(&'a mut DelayPolicy),
    Flag(&'a mut bool),
}

/// A field of a scenario with its description, as [`visit_fields`] hands it out.
///
/// Nothing here is formatted: the path and label are built only when a [`Lever`] is, so walking
/// every field (validation, setting one lever) allocates nothing.
pub(crate) struct Field<'a> {
    /// A list item's id or a section's name; empty for the top-level `horizon_months`.
    pub item: &'a str,
    /// Whether `item` is a list item's id (source notes may be keyed by it).
    pub is_list_item: bool,
    pub name: &'static str,
    /// Whose field it is, for the label ("DDTL 2.0"), and a word before it ("Site ").
    pub owner: Option<(&'static str, &'a str)>,
    pub label: &'static str,
    pub group: Group,
    pub unit: &'static str,
    pub kind: LeverKind,
    pub slot: Slot<'a>,
}

impl Field<'_> {
    /// `<item>.<name>`, or `<name>` at the top level.
    pub fn path(&self) -> String {
        if self.item.is_empty() {
            self.name.to_owned()
        } else {
            format!("{}.{}", self.item, self.name)
        }
    }

    /// Whether this field's path is `path`, without building it.
    pub fn is_at(&self, path: &str) -> bool {
        if self.item.is_empty() {
            return path == self.name;
        }
        path.strip_prefix(self.item)
            .and_then(|rest| rest.strip_prefix('.'))
            == Some(self.name)
    }

    /// `DDTL 2.0: spread over SOFR`; when another item would read the same (two contracts
    /// with OpenAI), the item's id tells them apart: `OpenAI (openai_2): start`.
    pub fn label_text(&self, shared: &SharedLabels) -> String {
        let plain = self.plain_label();
        match self.owner {
            Some((prefix, owner)) if shared.contains(&plain) => {
                format!("{prefix}{owner} ({}): {}", self.item, self.label)
            }
            _ => plain,
        }
    }

    /// The label without an item id: `OpenAI: start`.
    fn plain_label(&self) -> String {
        match self.owner {
            Some((prefix, owner)) => format!("{prefix}{owner}: {}", self.label),
            None => self.label.to_owned(),
        }
    }
}

/// Labels that two fields or more of a scenario would share (see [`Field::label_text`]).
pub(crate) type SharedLabels = std::collections::HashSet<String>;

/// The labels of `scenario` that more than one field has.
fn shared_labels(scenario: &mut Scenario) -> SharedLabels {
    let mut seen = std::collections::HashSet::new();
    let mut shared = SharedLabels::new();
    visit_fields(scenario, &mut |field| {
        let label = field.plain_label();
        if !seen.insert(label.clone()) {
            shared.insert(label);
        }
    });
    shared
}

const POLICY_CHOICES: &[&str] = &["Shift", "Truncate"];
const FLAG_CHOICES: &[&str] = &["false", "true"];

const fn number(min: Decimal, max: Decimal, step: Decimal) -> LeverKind {
    LeverKind::Number {
        min,
        max,
        step,
        whole: false,
    }
}

const fn whole(min: u32, max: u32) -> LeverKind {
    LeverKind::Number {
        min: Decimal::from_parts(min, 0, 0, false, 0),
        max: Decimal::from_parts(max, 0, 0, false, 0),
        step: Decimal::ONE,
        whole: true,
    }
}

const fn months(min: Month, max: Month) -> LeverKind {
    LeverKind::Month { min, max }
}

// The ranges below are also the validation bounds of a preset: any value inside them runs.
const PCT_0_100: LeverKind = number(dec!(0), dec!(100), dec!(1));
const RATE_PCT: LeverKind = number(dec!(0), dec!(25), dec!(0.05));
const BIG_MUSD: LeverKind = number(dec!(0), dec!(60000), dec!(50));
const DEBT_MUSD: LeverKind = number(dec!(0), dec!(50000), dec!(10));
const EARLIEST_INPUT: Month = Month::ym(2020, 1);
const LATEST_INPUT: Month = Month::ym(2035, 12);
const FIRST_MODEL_MONTH: Month = Month::ym(2025, 1);
const LATEST_MATURITY: Month = Month::ym(2040, 12);

/// A top-level section of a scenario: the item of its levers' paths (`opening.cash`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Section {
    /// The scenario's own `horizon_months`, whose path has no item.
    Horizon,
    Opening,
    Rates,
    CoreScientific,
    Opex,
    Market,
    Capex,
    /// The income statement (spec §8.1): levers only when the section is there.
    Accounting,
    RevolverPolicy,
    /// Interest on a funding gap (spec §8.3): a lever only when the section is there.
    FundingGap,
}

impl Section {
    const fn name(self) -> &'static str {
        match self {
            Self::Horizon => "",
            Self::Opening => "opening",
            Self::Rates => "rates",
            Self::CoreScientific => "core_scientific",
            Self::Opex => "opex",
            Self::Market => "market",
            Self::Capex => "capex",
            Self::Accounting => "accounting",
            Self::RevolverPolicy => "revolver_policy",
            Self::FundingGap => "funding_gap",
        }
    }
}

/// Where a lever's field lives: a section, or a list item by index. Found once from a path
/// ([`Place::of`]), it lets a lever be set by visiting only its item's few fields. Levers never
/// add or remove list items, so an index stays right for every setting of one scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    Section(Section),
    Contract(usize),
    Cut(usize),
    Partner(usize),
    Site(usize),
    Facility(usize),
    Equity(usize),
    Covenant(usize),
}

impl Place {
    /// The place of the lever at `path`: the first in preset order with a field there, as
    /// [`lever`] finds it. Only places whose item starts the path are visited.
    pub(crate) fn of(scenario: &mut Scenario, path: &str) -> Result<Self, LeverError> {
        for place in places(scenario) {
            if place.holds(scenario, path) {
                return Ok(place);
            }
        }
        Err(LeverError::UnknownPath {
            path: path.to_owned(),
        })
    }

    /// Whether the lever at `path` is here; a place whose item does not start the path is not
    /// visited.
    fn holds(self, scenario: &mut Scenario, path: &str) -> bool {
        let may_hold = self.item(scenario).is_some_and(|item| {
            item.is_empty()
                || path
                    .strip_prefix(item)
                    .is_some_and(|rest| rest.starts_with('.'))
        });
        let mut found = false;
        if may_hold {
            visit_place(scenario, self, &mut |field| found |= field.is_at(path));
        }
        found
    }

    /// The section's name or the list item's id; `None` past the end of a list.
    fn item(self, scenario: &Scenario) -> Option<&str> {
        match self {
            Self::Section(section) => Some(section.name()),
            Self::Contract(index) => scenario.contracts.get(index).map(|it| it.id.as_str()),
            Self::Cut(index) => scenario.customer_cuts.get(index).map(|it| it.id.as_str()),
            Self::Partner(index) => scenario.partners.get(index).map(|it| it.id.as_str()),
            Self::Site(index) => scenario.sites.get(index).map(|it| it.id.as_str()),
            Self::Facility(index) => scenario.facilities.get(index).map(|it| it.id.as_str()),
            Self::Equity(index) => scenario.equity.get(index).map(|it| it.id.as_str()),
            Self::Covenant(index) => scenario.covenants.get(index).map(|it| it.id.as_str()),
        }
    }
}

/// Every place of `scenario`, in preset order: the order of [`levers`] and of validation's
/// messages.
fn places(scenario: &Scenario) -> impl Iterator<Item = Place> + use<> {
    use Place as P;
    use Section as S;
    let sections =
        |sections: &'static [Section]| sections.iter().map(|&section| P::Section(section));
    let items = |len: usize, place: fn(usize) -> Place| (0..len).map(place);
    sections(&[S::Horizon, S::Opening, S::Rates])
        .chain(items(scenario.contracts.len(), P::Contract))
        .chain(items(scenario.customer_cuts.len(), P::Cut))
        .chain(sections(&[S::CoreScientific]))
        .chain(items(scenario.partners.len(), P::Partner))
        .chain(sections(&[S::Opex, S::Market]))
        .chain(items(scenario.sites.len(), P::Site))
        .chain(sections(&[S::Capex, S::Accounting]))
        .chain(items(scenario.facilities.len(), P::Facility))
        .chain(sections(&[S::RevolverPolicy, S::FundingGap]))
        .chain(items(scenario.equity.len(), P::Equity))
        .chain(items(scenario.covenants.len(), P::Covenant))
}

/// Hands every field of `scenario` to `visit`, in preset order.
pub(crate) fn visit_fields(scenario: &mut Scenario, visit: &mut dyn FnMut(Field<'_>)) {
    for place in places(scenario) {
        visit_place(scenario, place, visit);
    }
}

/// Hands the fields at `place` of `scenario` to `visit`, in preset order (none past the end
/// of a list).
///
/// Kept as a table, one lever a line, so the registry reads at a glance.
#[rustfmt::skip]
fn visit_place(scenario: &mut Scenario, place: Place, visit: &mut dyn FnMut(Field<'_>)) {
    use Group as G;
    use Section as S;
    let choice = |choices| LeverKind::Choice { choices };
    match place {
        Place::Section(which) => {
            let section = |name, label, group, unit, kind, slot| Field {
                item: which.name(), is_list_item: false, name, owner: None, label, group, unit, kind, slot,
            };
            match which {
                S::Horizon => visit(section("horizon_months", "Horizon", G::Opening, "months", whole(12, 120), Slot::Count(&mut scenario.horizon_months))),
                S::Opening => {
                    let opening = &mut scenario.opening;
                    visit(section("cash", "Opening cash (2025-01)", G::Opening, "$M", number(dec!(-10000), dec!(50000), dec!(10)), Slot::Decimal(&mut opening.cash)));
                    visit(section("mw_online", "Opening power online", G::Opening, "MW", number(dec!(0), dec!(10000), dec!(5)), Slot::Decimal(&mut opening.mw_online)));
                }
                S::Rates => visit(section("sofr_pct", "SOFR", G::InterestRates, "%", number(dec!(0), dec!(15), dec!(0.05)), Slot::Decimal(&mut scenario.rates.sofr_pct))),
                S::CoreScientific => {
                    let cs = &mut scenario.core_scientific;
                    let core_scientific = Some(("", "Core Scientific"));
                    visit(Field { owner: core_scientific, ..section("delay_months", "delivery delay", G::DeliveryPartners, "months", whole(0, 36), Slot::Count(&mut cs.delay_months)) });
                    visit(Field { owner: core_scientific, ..section("delay_policy", "delayed contracts", G::DeliveryPartners, "", choice(POLICY_CHOICES), Slot::DelayPolicy(&mut cs.delay_policy)) });
                }
                S::Opex => {
                    let opex = &mut scenario.opex;
                    visit(section("cost_of_revenue_pct", "Cost of revenue", G::CostsCapex, "% of revenue", PCT_0_100, Slot::Decimal(&mut opex.cost_of_revenue_pct)));
                    visit(section("other_opex_pct", "Other opex", G::CostsCapex, "% of revenue", PCT_0_100, Slot::Decimal(&mut opex.other_opex_pct)));
                    visit(section("fixed_monthly", "Fixed costs", G::CostsCapex, "$M/month", number(dec!(0), dec!(1000), dec!(1)), Slot::Decimal(&mut opex.fixed_monthly)));
                    visit(section("fixed_growth_pct", "Fixed-cost growth", G::CostsCapex, "% a year", number(dec!(-50), dec!(100), dec!(1)), Slot::Decimal(&mut opex.fixed_growth_pct)));
                    visit(section("cost_per_mw_month", "Cost per MW online", G::CostsCapex, "$M/MW/month", number(dec!(0), dec!(2), dec!(0.005)), Slot::Decimal(&mut opex.cost_per_mw_month)));
                }
                S::Market => {
                    let market = &mut scenario.market;
                    visit(section("price_index_pct", "GPU price level", G::GpuPrices, "% of preset", number(dec!(0), dec!(300), dec!(1)), Slot::Decimal(&mut market.price_index_pct)));
                    // Below 100 % a year: (1 − decline) stays positive, so prices never turn negative.
                    visit(section("price_decline_pct_per_year", "GPU price decline", G::GpuPrices, "% a year", number(dec!(-50), dec!(90), dec!(1)), Slot::Decimal(&mut market.price_decline_pct_per_year)));
                }
                S::Capex => {
                    let capex = &mut scenario.capex;
                    visit(section("lead_months", "Capex lead time", G::CostsCapex, "months", whole(1, 24), Slot::Count(&mut capex.lead_months)));
                    visit(section("follows_delay", "Capex waits for a late partner", G::CostsCapex, "", choice(FLAG_CHOICES), Slot::Flag(&mut capex.follows_delay)));
                }
                S::Accounting => {
                    let Some(accounting) = &mut scenario.accounting else { return };
                    visit(section("useful_life_months", "GPU useful life", G::AccountingCollateral, "months", whole(12, 120), Slot::Count(&mut accounting.useful_life_months)));
                    visit(section("opening_book_value", "Book value at 2025-01", G::AccountingCollateral, "$M", BIG_MUSD, Slot::Decimal(&mut accounting.opening_book_value)));
                    visit(section("opening_life_left_months", "Opening assets' life left", G::AccountingCollateral, "months", whole(1, 120), Slot::Count(&mut accounting.opening_life_left_months)));
                    visit(section("stock_comp_monthly", "Stock compensation", G::AccountingCollateral, "$M/month", number(dec!(0), dec!(1000), dec!(1)), Slot::Decimal(&mut accounting.stock_comp_monthly)));
                    visit(section("capitalised_interest_pct", "Interest capitalised", G::AccountingCollateral, "%", PCT_0_100, Slot::Decimal(&mut accounting.capitalised_interest_pct)));
                    visit(section("tax_pct", "Tax on profits", G::AccountingCollateral, "%", number(dec!(0), dec!(50), dec!(1)), Slot::Decimal(&mut accounting.tax_pct)));
                }
                S::FundingGap => {
                    let Some(gap) = &mut scenario.funding_gap else { return };
                    visit(section("rate_pct", "Rate on a funding gap", G::InterestRates, "%", number(dec!(0), dec!(30), dec!(0.05)), Slot::Decimal(&mut gap.rate_pct)));
                }
                S::RevolverPolicy => visit(section("target_cash", "Revolver target cash", G::DebtTerms, "$M", number(dec!(0), dec!(10000), dec!(10)), Slot::Decimal(&mut scenario.revolver_policy.target_cash))),
            }
        }
        Place::Contract(index) => {
            let Some(contract) = scenario.contracts.get_mut(index) else { return };
            let item = contract.id.as_str();
            let group = if item == "openai" { G::OpenAiContract } else { G::Contracts };
            let owner = Some(("", contract.customer.as_str()));
            let field = |name, label, unit, kind, slot| Field { item, is_list_item: true, name, owner, label, group, unit, kind, slot };
            visit(field("total_value", "contract value", "$M", BIG_MUSD, Slot::Decimal(&mut contract.total_value)));
            visit(field("start", "start", "", months(EARLIEST_INPUT, LATEST_INPUT), Slot::Month(&mut contract.start)));
            visit(field("term_months", "term", "months", whole(1, 120), Slot::Count(&mut contract.term_months)));
            visit(field("ramp_months", "ramp", "months", whole(0, 36), Slot::Count(&mut contract.ramp_months)));
            visit(field("prepay_pct", "prepayment", "%", PCT_0_100, Slot::Decimal(&mut contract.prepay_pct)));
        }
        Place::Cut(index) => {
            let Some(cut) = scenario.customer_cuts.get_mut(index) else { return };
            let item = cut.id.as_str();
            let owner = Some(("", cut.customer.as_str()));
            let field = |name, label, unit, kind, slot| Field { item, is_list_item: true, name, owner, label, group: G::Customers, unit, kind, slot };
            visit(field("cut_pct", "revenue cut", "%", PCT_0_100, Slot::Decimal(&mut cut.cut_pct)));
            visit(field("from", "cut from", "", months(EARLIEST_INPUT, LATEST_INPUT), Slot::Month(&mut cut.from)));
        }
        Place::Partner(index) => {
            let Some(partner) = scenario.partners.get_mut(index) else { return };
            let item = partner.id.as_str();
            let owner = Some(("", partner.name.as_str()));
            let field = |name, label, unit, kind, slot| Field { item, is_list_item: true, name, owner, label, group: G::DeliveryPartners, unit, kind, slot };
            visit(field("delay_months", "delivery delay", "months", whole(0, 36), Slot::Count(&mut partner.delay_months)));
            visit(field("delay_policy", "delayed contracts", "", choice(POLICY_CHOICES), Slot::DelayPolicy(&mut partner.delay_policy)));
        }
        Place::Site(index) => {
            let Some(site) = scenario.sites.get_mut(index) else { return };
            let item = site.id.as_str();
            let owner = Some(("Site ", item));
            let field = |name, label, unit, kind, slot| Field { item, is_list_item: true, name, owner, label, group: G::CostsCapex, unit, kind, slot };
            visit(field("mw", "power", "MW", number(dec!(0), dec!(5000), dec!(5)), Slot::Decimal(&mut site.mw)));
            visit(field("online", "online", "", months(EARLIEST_INPUT, LATEST_INPUT), Slot::Month(&mut site.online)));
            visit(field("capex_per_mw", "capex per MW", "$M/MW", number(dec!(0), dec!(100), dec!(0.5)), Slot::Decimal(&mut site.capex_per_mw)));
            visit(field("reimbursement", "build-out paid to partner", "$M", number(dec!(0), dec!(10000), dec!(10)), Slot::Decimal(&mut site.reimbursement)));
            visit(Field { group: G::GpuPrices, ..field("revenue_per_mw_month", "revenue per MW", "$M/MW/month", number(dec!(0), dec!(3), dec!(0.01)), Slot::Decimal(&mut site.revenue_per_mw_month)) });
            visit(field("fill_months", "months to fill", "months", whole(1, 36), Slot::Count(&mut site.fill_months)));
        }
        Place::Facility(index) => {
            let Some(facility) = scenario.facilities.get_mut(index) else { return };
            let item = facility.id.as_str();
            let owner = Some(("", facility.name.as_str()));
            let revolver = facility.kind == FacilityKind::Revolver;
            // Draw levers belong with the draw amounts only where there is something left to draw;
            // the test reads the commitment, itself a debt-terms lever, so no dragged slider moves group.
            let draw_group = if revolver || facility.commitment > facility.opening_balance { G::DrawAmounts } else { G::DebtTerms };
            let commitment_group = if revolver { G::DrawAmounts } else { G::DebtTerms };
            let field = |name, label, group, unit, kind, slot| Field { item, is_list_item: true, name, owner, label, group, unit, kind, slot };
            match &mut facility.rate {
                Rate::Floating { spread_pct } => visit(field("spread_pct", "spread over SOFR", G::InterestRates, "%", RATE_PCT, Slot::Decimal(spread_pct))),
                Rate::Fixed { coupon_pct } => visit(field("coupon_pct", "coupon", G::InterestRates, "%", RATE_PCT, Slot::Decimal(coupon_pct))),
            }
            visit(field("commitment", "commitment", commitment_group, "$M", DEBT_MUSD, Slot::Decimal(&mut facility.commitment)));
            if !revolver {
                let draws = &mut facility.draws;
                visit(field("draws.total", "draws", draw_group, "$M", DEBT_MUSD, Slot::Decimal(&mut draws.total)));
                visit(field("draws.from", "first draw", draw_group, "", months(EARLIEST_INPUT, LATEST_INPUT), Slot::Month(&mut draws.from)));
                visit(field("draws.months", "draw period", draw_group, "months", whole(1, 60), Slot::Count(&mut draws.months)));
            }
            visit(field("opening_balance", "balance at 2025-01", G::DebtTerms, "$M", DEBT_MUSD, Slot::Decimal(&mut facility.opening_balance)));
            visit(field("maturity", "maturity", G::DebtTerms, "", months(FIRST_MODEL_MONTH, LATEST_MATURITY), Slot::Month(&mut facility.maturity)));
            match &mut facility.amortization {
                Amortization::None => {}
                Amortization::Fixed { amount, every, from } => {
                    visit(field("amortization.amount", "amortisation payment", G::DebtTerms, "$M", number(dec!(0), dec!(10000), dec!(5)), Slot::Decimal(amount)));
                    visit(field("amortization.every", "amortisation interval", G::DebtTerms, "months", whole(1, 12), Slot::Count(every)));
                    visit(field("amortization.from", "first amortisation", G::DebtTerms, "", months(EARLIEST_INPUT, LATEST_MATURITY), Slot::Month(from)));
                }
                Amortization::Level { every, from } => {
                    visit(field("amortization.every", "amortisation interval", G::DebtTerms, "months", whole(1, 12), Slot::Count(every)));
                    // Spec §3.4: a level schedule is sized on a modelled balance, so it starts in 2025 or later.
                    visit(field("amortization.from", "first amortisation", G::DebtTerms, "", months(FIRST_MODEL_MONTH, LATEST_MATURITY), Slot::Month(from)));
                }
            }
            if !revolver {
                visit(field("sweep_pct", "sweep of other draws", G::DebtTerms, "%", PCT_0_100, Slot::Decimal(&mut facility.sweep_pct)));
            }
            if let Some(funds) = &mut facility.funds {
                visit(field("funds.advance_pct", "share of capex funded", G::DrawAmounts, "%", PCT_0_100, Slot::Decimal(&mut funds.advance_pct)));
            }
            if let Some(collateral) = &mut facility.collateral {
                let group = G::AccountingCollateral;
                if let Some(advance_pct) = &mut collateral.advance_pct {
                    visit(field("collateral.advance_pct", "borrowing base (advance rate)", group, "% of collateral", PCT_0_100, Slot::Decimal(advance_pct)));
                }
                visit(field("collateral.opening_value", "collateral at 2025-01", group, "$M", BIG_MUSD, Slot::Decimal(&mut collateral.opening_value)));
                visit(field("collateral.opening_life_months", "opening collateral's life", group, "months", whole(1, 120), Slot::Count(&mut collateral.opening_life_months)));
                visit(field("collateral.every", "borrowing-base test interval", group, "months", whole(1, 12), Slot::Count(&mut collateral.every)));
                visit(field("collateral.from", "first borrowing-base test", group, "", months(EARLIEST_INPUT, LATEST_MATURITY), Slot::Month(&mut collateral.from)));
            }
        }
        Place::Equity(index) => {
            let Some(raise) = scenario.equity.get_mut(index) else { return };
            let item = raise.id.as_str();
            let owner = if item == "ipo" { Some(("", "IPO")) } else { Some(("Equity ", item)) };
            let field = |name, label, unit, kind, slot| Field { item, is_list_item: true, name, owner, label, group: G::IpoEquity, unit, kind, slot };
            visit(field("amount", "net proceeds", "$M", BIG_MUSD, Slot::Decimal(&mut raise.amount)));
            visit(field("month", "month", "", months(EARLIEST_INPUT, LATEST_INPUT), Slot::Month(&mut raise.month)));
        }
        Place::Covenant(index) => {
            // A covenant window's end defaults to the horizon's last month (read before the borrow).
            let last_month = Month::from_index(scenario.horizon_months as i32 - 1);
            let Some(covenant) = scenario.covenants.get_mut(index) else { return };
            let item = covenant.id.as_str();
            let owner = Some(("", covenant.name.as_str()));
            let field = |name, label, unit, kind, slot| Field { item, is_list_item: true, name, owner, label, group: G::Covenants, unit, kind, slot };
            match &mut covenant.terms {
                CovenantTerms::MinLiquidity { floor, pct, .. } => {
                    // A zero floor would make the headroom % divide by zero (spec §3.8: floor > 0).
                    visit(field("floor", "floor", "$M", number(dec!(1), dec!(10000), dec!(5)), Slot::Decimal(floor)));
                    visit(field("pct", "share of facility balance", "%", number(dec!(0), dec!(25), dec!(0.1)), Slot::Decimal(pct)));
                }
                CovenantTerms::Dscr { min, .. } => visit(field("min", "minimum coverage", "x", number(dec!(0.1), dec!(10), dec!(0.05)), Slot::Decimal(min))),
                CovenantTerms::MaxLeverage { max } => visit(field("max", "limit (debt / EBITDA)", "x", number(dec!(0.5), dec!(30), dec!(0.1)), Slot::Decimal(max))),
                CovenantTerms::MinInterestCoverage { min } => visit(field("min", "minimum (EBITDA / interest)", "x", number(dec!(0.1), dec!(10), dec!(0.05)), Slot::Decimal(min))),
                CovenantTerms::MaxLtv { max_pct, .. } => visit(field("max_pct", "limit (loan to collateral value)", "%", number(dec!(1), dec!(1000), dec!(1)), Slot::Decimal(max_pct))),
            }
            // Spec §7.2: the window a covenant is tested in; absent means the whole horizon.
            visit(field("from", "tested from", "", months(FIRST_MODEL_MONTH, LATEST_INPUT), Slot::OptionalMonth { slot: &mut covenant.from, default: FIRST_MODEL_MONTH }));
            visit(field("until", "tested until", "", months(FIRST_MODEL_MONTH, LATEST_INPUT), Slot::OptionalMonth { slot: &mut covenant.until, default: last_month }));
        }
    }
}

impl Slot<'_> {
    fn value(&self) -> LeverValue {
        match self {
            Slot::Decimal(value) => LeverValue::Number(**value),
            Slot::Count(value) => LeverValue::Number(Decimal::from(**value)),
            Slot::Month(month) => LeverValue::Month(**month),
            Slot::OptionalMonth { slot, default } => LeverValue::Month(slot.unwrap_or(*default)),
            Slot::DelayPolicy(policy) => LeverValue::Choice(POLICY_CHOICES[**policy as usize]),
            Slot::Flag(flag) => LeverValue::Choice(FLAG_CHOICES[usize::from(**flag)]),
        }
    }

    /// Writes `value` after checking it against `kind` (`unit` is for the message).
    pub(crate) fn set(
        &mut self,
        kind: &LeverKind,
        unit: &'static str,
        value: &LeverValue,
    ) -> Result<(), ValueError> {
        check_value(kind, unit, value)?;
        match (self, value) {
            (Slot::Decimal(slot), LeverValue::Number(value)) => **slot = *value,
            (Slot::Count(slot), LeverValue::Number(value)) => {
                **slot = value.to_u32().ok_or_else(|| ValueError::NotWhole {
                    value: value.normalize().to_string(),
                })?;
            }
            (Slot::Month(slot), LeverValue::Month(month)) => **slot = *month,
            // Setting the shown default on an absent month keeps it absent (the file unchanged).
            (Slot::OptionalMonth { slot, default }, LeverValue::Month(month)) => {
                if slot.is_some() || month != default {
                    **slot = Some(*month);
                }
            }
            (Slot::DelayPolicy(slot), LeverValue::Choice(name)) => {
                **slot = if *name == "Truncate" {
                    DelayPolicy::Truncate
                } else {
                    DelayPolicy::Shift
                }
            }
            (Slot::Flag(slot), LeverValue::Choice(name)) => **slot = *name == "true",
            (_, value) => {
                return Err(ValueError::WrongKind {
                    value: value.to_string(),
                });
            }
        }
        Ok(())
    }
}

/// Why a value does not fit a lever, in words for people (issue 9): "must be between 0 and 15
/// months", not "-5 is outside 0..=15".
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// `side` is "low"/"high" for numbers, "early"/"late" for months.
    #[error("{value} is too {side}: must be between {min} and {max}{}", unit_suffix(.unit))]
    OutOfRange {
        value: String,
        side: &'static str,
        min: String,
        max: String,
        unit: &'static str,
    },
    #[error("{value} is not a whole number")]
    NotWhole { value: String },
    #[error("`{value}` is not one of {}", .choices.join(", "))]
    NotAChoice {
        value: String,
        choices: &'static [&'static str],
    },
    #[error("`{value}` is not a number")]
    NotANumber { value: String },
    #[error("`{value}` is not a month (YYYY-MM)")]
    NotAMonth { value: String },
    #[error("`{value}` is the wrong kind of value for this lever")]
    WrongKind { value: String },
    /// Text that does not read as a number.
    #[error(transparent)]
    NotADecimal(#[from] DecimalError),
    /// Text that does not read as a month.
    #[error(transparent)]
    NotAMonthText(#[from] MonthParseError),
}

/// ` months`, ` %`, ` $M`: a unit after a number, or nothing.
fn unit_suffix(unit: &str) -> String {
    if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    }
}

/// Checks a value against a lever's kind and range; `unit` words the range error.
pub fn check_value(
    kind: &LeverKind,
    unit: &'static str,
    value: &LeverValue,
) -> Result<(), ValueError> {
    match (kind, value) {
        (
            LeverKind::Number {
                min, max, whole, ..
            },
            LeverValue::Number(value),
        ) => {
            if value < min || value > max {
                return Err(ValueError::OutOfRange {
                    value: value.normalize().to_string(),
                    side: if value < min { "low" } else { "high" },
                    min: min.normalize().to_string(),
                    max: max.normalize().to_string(),
                    unit,
                });
            }
            if *whole && !value.fract().is_zero() {
                return Err(ValueError::NotWhole {
                    value: value.normalize().to_string(),
                });
            }
            Ok(())
        }
        (LeverKind::Month { min, max }, LeverValue::Month(month)) => {
            if month < min || month > max {
                return Err(ValueError::OutOfRange {
                    value: month.to_string(),
                    side: if month < min { "early" } else { "late" },
                    min: min.to_string(),
                    max: max.to_string(),
                    unit,
                });
            }
            Ok(())
        }
        (LeverKind::Choice { choices }, LeverValue::Choice(name)) if choices.contains(name) => {
            Ok(())
        }
        (LeverKind::Choice { choices }, value) => Err(ValueError::NotAChoice {
            value: value.to_string(),
            choices,
        }),
        (LeverKind::Number { .. }, value) => Err(ValueError::NotANumber {
            value: value.to_string(),
        }),
        (LeverKind::Month { .. }, value) => Err(ValueError::NotAMonth {
            value: value.to_string(),
        }),
    }
}

/// Reads the text of a value (`--set PATH=TEXT`, a typed entry) for a lever of `kind`.
pub fn read_value(kind: &LeverKind, text: &str) -> Result<LeverValue, ValueError> {
    match kind {
        LeverKind::Number { .. } => Ok(LeverValue::Number(exact_decimal(text)?)),
        LeverKind::Month { .. } => Ok(LeverValue::Month(text.trim().parse::<Month>()?)),
        LeverKind::Choice { choices } => choices
            .iter()
            .find(|choice| choice.eq_ignore_ascii_case(text.trim()))
            .map(|choice| LeverValue::Choice(choice))
            .ok_or_else(|| ValueError::NotAChoice {
                value: text.to_owned(),
                choices,
            }),
    }
}

/// Where a lever plausibly lies (issues 9 and 13): the span the tornado swings it over by
/// default and the range Monte Carlo draws from when no distribution is given. Distinct from
/// the validation range (`LeverKind`), which is every value the model accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plausible {
    pub low: LeverValue,
    pub high: LeverValue,
    /// Which rule gave the range, in words.
    pub note: &'static str,
}

/// Months either side of a date or a month count in its plausible range.
pub const PLAUSIBLE_MONTHS: i32 = 3;
/// The plausible range of an amount, a price or a share: its value ± this %.
pub const PLAUSIBLE_SHARE_PCT: Decimal = dec!(25);
/// A figure of the opening position (reported at 2025-01): its value ± this %.
pub const PLAUSIBLE_OPENING_PCT: Decimal = dec!(5);
/// A rate spread or coupon: its value ± this many % points (100 bp).
pub const PLAUSIBLE_SPREAD_POINTS: Decimal = dec!(1);
/// SOFR, % (its range since 2023 and the forward curve's).
pub const PLAUSIBLE_SOFR: (Decimal, Decimal) = (dec!(3), dec!(6));
/// A delivery partner's delay, months: on time to a year late.
pub const PLAUSIBLE_DELAY_MONTHS: (u32, u32) = (0, 12);

/// The plausible range of `lever` in `scenario` (`None` for a choice). The rules, first match:
///
/// - `rates.sofr_pct`: 3–6 %; a partner's `delay_months`: 0–12 months;
/// - a spread or coupon: its value ± 100 bp;
/// - a date, or a whole number of months: its value ± 3 months;
/// - a figure of the opening position (cash, power, a facility's balance): its value ± 5 %;
/// - a share (%) at 0 (a prepayment, a revenue cut): 0 ± a tenth of its validation range;
/// - any other number: its value ± 25 % (an amount at 0 — a facility or a stream that is not
///   there — stays at 0: bringing it in is a change of structure, not a plausible swing);
///
/// always widened to hold the current value and narrowed to [`analysis_limits`], so it never
/// dates a flow before the model's first month.
pub fn plausible_range(scenario: &Scenario, lever: &Lever) -> Option<Plausible> {
    let (floor, ceiling) = analysis_limits(scenario, lever)?;
    let (low, high, note) = match (&lever.kind, &lever.value) {
        (LeverKind::Number { min, max, .. }, LeverValue::Number(value)) => {
            let value = *value;
            let (low, high, note) = if lever.path == "rates.sofr_pct" {
                (PLAUSIBLE_SOFR.0, PLAUSIBLE_SOFR.1, "SOFR 3–6 %")
            } else if lever.path.ends_with(".delay_months") {
                (
                    Decimal::from(PLAUSIBLE_DELAY_MONTHS.0),
                    Decimal::from(PLAUSIBLE_DELAY_MONTHS.1),
                    "a delivery delay of 0–12 months",
                )
            } else if lever.group == Group::InterestRates {
                (
                    value - PLAUSIBLE_SPREAD_POINTS,
                    value + PLAUSIBLE_SPREAD_POINTS,
                    "a spread or coupon ±100 bp",
                )
            } else if lever.unit == "months" {
                let months = Decimal::from(PLAUSIBLE_MONTHS);
                (value - months, value + months, "a month count ±3 months")
            } else if lever.group == Group::Opening || lever.path.ends_with(".opening_balance") {
                let delta = (value * PLAUSIBLE_OPENING_PCT / Decimal::ONE_HUNDRED).abs();
                (
                    value - delta,
                    value + delta,
                    "a reported opening figure ±5 %",
                )
            } else if value.is_zero() && lever.unit.starts_with('%') {
                let tenth = (*max - *min) / Decimal::TEN;
                (-tenth, tenth, "a share at 0: ± a tenth of its range")
            } else {
                let delta = (value * PLAUSIBLE_SHARE_PCT / Decimal::ONE_HUNDRED).abs();
                (value - delta, value + delta, "its value ±25 %")
            };
            let (LeverValue::Number(floor), LeverValue::Number(ceiling)) = (floor, ceiling) else {
                return None;
            };
            (
                LeverValue::Number(low.min(value).clamp(floor, ceiling)),
                LeverValue::Number(high.max(value).clamp(floor, ceiling)),
                note,
            )
        }
        (LeverKind::Month { .. }, LeverValue::Month(month)) => {
            let (LeverValue::Month(floor), LeverValue::Month(ceiling)) = (floor, ceiling) else {
                return None;
            };
            (
                LeverValue::Month(month.plus(-PLAUSIBLE_MONTHS).clamp(floor, ceiling)),
                LeverValue::Month(month.plus(PLAUSIBLE_MONTHS).clamp(floor, ceiling)),
                "a date ±3 months",
            )
        }
        _ => return None,
    };
    Some(Plausible { low, high, note })
}

/// The part of a lever's validation range an analysis moves it over (`None` for a choice):
/// the whole range, except that **no analysis dates a flow before the model's first month**
/// (2025-01; `docs/model.md`, "Dates before the model starts"):
///
/// - a date lever starts no earlier than 2025-01, and a site's `online` no earlier than
///   2025-01 plus the capex lead time (its capex is paid that many months ahead);
/// - `capex.lead_months` goes no higher than the months from 2025-01 to the earliest site's
///   `online`;
/// - a preset value already past those limits (a contract signed in 2024) is kept as the limit:
///   the lever can move from it, just not further into the past.
pub fn analysis_limits(scenario: &Scenario, lever: &Lever) -> Option<(LeverValue, LeverValue)> {
    match (&lever.kind, &lever.value) {
        (LeverKind::Number { min, max, .. }, LeverValue::Number(value)) => {
            let mut max = *max;
            if lever.path == "capex.lead_months"
                && let Some(earliest) = scenario.sites.iter().map(|site| site.online).min()
            {
                let room = Decimal::from((earliest.index() - FIRST_MODEL_MONTH.index()).max(0));
                max = max.min(room.max(*value));
            }
            Some((LeverValue::Number(*min), LeverValue::Number(max.max(*min))))
        }
        (LeverKind::Month { min, max }, LeverValue::Month(value)) => {
            let is_site_online = scenario
                .sites
                .iter()
                .any(|site| lever.path.strip_suffix(".online") == Some(site.id.as_str()));
            let lead = if is_site_online {
                i32::try_from(scenario.capex.lead_months).unwrap_or(i32::MAX)
            } else {
                0
            };
            let floor = FIRST_MODEL_MONTH.plus(lead).min(*value).max(*min);
            Some((
                LeverValue::Month(floor),
                LeverValue::Month((*max).max(floor)),
            ))
        }
        _ => None,
    }
}

/// Every lever of `scenario`, with its current value, in panel order within preset order.
pub fn levers(scenario: &Scenario) -> Vec<Lever> {
    let mut copy = scenario.clone();
    let shared = shared_labels(&mut copy);
    let mut out = Vec::new();
    visit_fields(&mut copy, &mut |field| {
        out.push(lever_of(&scenario.meta.sources, &shared, field))
    });
    out
}

/// The registry's description of one field, with its source note.
fn lever_of(
    sources: &std::collections::BTreeMap<String, String>,
    shared: &SharedLabels,
    field: Field<'_>,
) -> Lever {
    let path = field.path();
    let source = sources
        .get(&path)
        .or_else(|| {
            field
                .is_list_item
                .then(|| sources.get(field.item))
                .flatten()
        })
        .cloned();
    Lever {
        value: field.slot.value(),
        label: field.label_text(shared),
        path,
        group: field.group,
        unit: field.unit,
        kind: field.kind,
        source,
    }
}

/// The lever at `path`.
pub fn lever(scenario: &Scenario, path: &str) -> Result<Lever, LeverError> {
    let mut copy = scenario.clone();
    let shared = shared_labels(&mut copy);
    let mut found = None;
    visit_fields(&mut copy, &mut |field| {
        if found.is_none() && field.is_at(path) {
            found = Some(lever_of(&scenario.meta.sources, &shared, field));
        }
    });
    found.ok_or_else(|| LeverError::UnknownPath {
        path: path.to_owned(),
    })
}

/// Sets the lever at `path` to `value`, checked against its range.
pub fn set_lever(
    scenario: &mut Scenario,
    path: &str,
    value: &LeverValue,
) -> Result<(), LeverError> {
    let place = Place::of(scenario, path)?;
    set_at(scenario, place, path, value)
}

/// Sets the lever at `path`, visiting only the fields at `place` when it is there (as it is
/// wherever `place` came from [`Place::of`] for this scenario or a copy of it). A place that
/// does not hold the lever is found again from the path: never a write to another field.
pub(crate) fn set_lever_at(
    scenario: &mut Scenario,
    place: Place,
    path: &str,
    value: &LeverValue,
) -> Result<(), LeverError> {
    match set_at(scenario, place, path, value) {
        Err(LeverError::UnknownPath { .. }) => set_lever(scenario, path, value),
        done => done,
    }
}

/// Sets the field at `path` among those at `place`; `UnknownPath` when none is there.
fn set_at(
    scenario: &mut Scenario,
    place: Place,
    path: &str,
    value: &LeverValue,
) -> Result<(), LeverError> {
    let mut outcome = Err(LeverError::UnknownPath {
        path: path.to_owned(),
    });
    visit_place(scenario, place, &mut |mut field| {
        if field.is_at(path) {
            outcome = field
                .slot
                .set(&field.kind, field.unit, value)
                .map_err(|err| LeverError::BadValue {
                    path: path.to_owned(),
                    message: err.to_string(),
                });
        }
    });
    outcome
}

/// Sets the lever at `path` from text, as `--set PATH=TEXT` does.
pub fn set_lever_text(scenario: &mut Scenario, path: &str, text: &str) -> Result<(), LeverError> {
    let kind = lever(scenario, path)?.kind;
    let value = read_value(&kind, text).map_err(|err| LeverError::BadValue {
        path: path.to_owned(),
        message: err.to_string(),
    })?;
    set_lever(scenario, path, &value)
}

/// Applies `PATH=VALUE` assignments in order, stopping at the first that fails.
pub fn apply_assignments<S: AsRef<str>>(
    scenario: &mut Scenario,
    assignments: &[S],
) -> Result<(), LeverError> {
    for assignment in assignments {
        let assignment = assignment.as_ref();
        let (path, text) = assignment
            .split_once('=')
            .ok_or_else(|| LeverError::BadValue {
                path: assignment.to_owned(),
                message: "expected PATH=VALUE".to_owned(),
            })?;
        set_lever_text(scenario, path.trim(), text)?;
    }
    Ok(())
}

/// The problems of each field whose value is outside its lever's range, as `(path, message)`.
pub(crate) fn out_of_range_fields(scenario: &mut Scenario) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    visit_fields(scenario, &mut |field| {
        if let Err(err) = check_value(&field.kind, field.unit, &field.slot.value()) {
            problems.push((field.path(), err.to_string()));
        }
    });
    problems
}
