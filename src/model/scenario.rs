//! The scenario as a preset holds it (spec §2): lenient serde types, checked by
//! [`crate::model::validate`] before anything runs them.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::money::dec;
use super::month::Month;

/// The preset format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// Everything one what-if run needs. Field names are the preset's and spec §2's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub meta: Meta,
    pub horizon_months: u32,
    pub opening: Opening,
    pub rates: Rates,
    #[serde(default)]
    pub contracts: Vec<Contract>,
    #[serde(default)]
    pub customer_cuts: Vec<CustomerCut>,
    #[serde(default)]
    pub core_scientific: CoreScientific,
    pub opex: Opex,
    #[serde(default)]
    pub sites: Vec<Site>,
    #[serde(default)]
    pub capex: CapexPolicy,
    #[serde(default)]
    pub facilities: Vec<Facility>,
    #[serde(default)]
    pub revolver_policy: RevolverPolicy,
    #[serde(default)]
    pub equity: Vec<EquityRaise>,
    #[serde(default)]
    pub covenants: Vec<Covenant>,
    /// The Monte Carlo set-up: seed, runs and a distribution per lever path (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub montecarlo: Option<super::analysis::MonteCarloSpec>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub format_version: u32,
    /// Where each input came from, keyed by lever path (`openai.total_value`) or item id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opening {
    /// Cash at 2025-01-01, $M.
    #[serde(with = "dec")]
    pub cash: Decimal,
    #[serde(with = "dec")]
    pub mw_online: Decimal,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    /// The flat benchmark every floating facility pays its spread over, % a year.
    #[serde(with = "dec")]
    pub sofr_pct: Decimal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Capacity {
    /// Served from capacity already online: never delayed.
    #[default]
    Existing,
    /// Served from Core Scientific sites: starts `core_scientific.delay_months` late.
    CoreScientific,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    pub id: String,
    pub customer: String,
    #[serde(with = "dec")]
    pub total_value: Decimal,
    pub start: Month,
    pub term_months: u32,
    #[serde(default)]
    pub ramp_months: u32,
    #[serde(default)]
    pub capacity: Capacity,
    #[serde(with = "dec", default)]
    pub prepay_pct: Decimal,
    #[serde(default)]
    pub pledged_to: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerCut {
    pub id: String,
    pub customer: String,
    #[serde(with = "dec")]
    pub cut_pct: Decimal,
    pub from: Month,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum DelayPolicy {
    /// The whole contract moves later: no revenue is lost, only deferred.
    #[default]
    Shift,
    /// The contract still ends on schedule: the delayed months are lost.
    Truncate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CoreScientific {
    pub delay_months: u32,
    #[serde(default)]
    pub delay_policy: DelayPolicy,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opex {
    #[serde(with = "dec")]
    pub cost_of_revenue_pct: Decimal,
    #[serde(with = "dec")]
    pub other_opex_pct: Decimal,
    #[serde(with = "dec")]
    pub fixed_monthly: Decimal,
    #[serde(with = "dec", default)]
    pub fixed_growth_pct: Decimal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Partner {
    #[default]
    Own,
    CoreScientific,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub id: String,
    #[serde(with = "dec")]
    pub mw: Decimal,
    pub online: Month,
    #[serde(default)]
    pub partner: Partner,
    /// $M of capex per MW brought online.
    #[serde(with = "dec")]
    pub capex_per_mw: Decimal,
    /// $M we pay the partner for its build-out, over the same months as the capex.
    #[serde(with = "dec", default)]
    pub reimbursement: Decimal,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapexPolicy {
    pub lead_months: u32,
    #[serde(default)]
    pub follows_delay: bool,
}

impl Default for CapexPolicy {
    fn default() -> Self {
        Self {
            lead_months: 6,
            follows_delay: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FacilityKind {
    Term,
    Revolver,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Rate {
    Floating {
        #[serde(with = "dec")]
        spread_pct: Decimal,
    },
    Fixed {
        #[serde(with = "dec")]
        coupon_pct: Decimal,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draws {
    #[serde(with = "dec")]
    pub total: Decimal,
    pub from: Month,
    pub months: u32,
}

impl Default for Draws {
    fn default() -> Self {
        Self {
            total: Decimal::ZERO,
            from: Month::from_index(0),
            months: 1,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub enum Amortization {
    /// Nothing before maturity: a bullet.
    #[default]
    None,
    /// `amount` every `every` months from `from`.
    Fixed {
        #[serde(with = "dec")]
        amount: Decimal,
        every: u32,
        from: Month,
    },
    /// The balance at `from`, in equal payments every `every` months up to maturity.
    Level { every: u32, from: Month },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    pub id: String,
    pub name: String,
    pub kind: FacilityKind,
    #[serde(with = "dec")]
    pub opening_balance: Decimal,
    #[serde(with = "dec")]
    pub commitment: Decimal,
    pub rate: Rate,
    #[serde(default)]
    pub draws: Draws,
    #[serde(default)]
    pub amortization: Amortization,
    pub maturity: Month,
    #[serde(with = "dec", default)]
    pub sweep_pct: Decimal,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RevolverPolicy {
    /// Cash the revolver draws up to, and repays down to, $M.
    #[serde(with = "dec")]
    pub target_cash: Decimal,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EquityRaise {
    pub id: String,
    #[serde(with = "dec")]
    pub amount: Decimal,
    pub month: Month,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CovenantTerms {
    /// Liquidity (cash plus undrawn revolver) at least `max(floor, pct % of a facility's balance)`, monthly.
    MinLiquidity {
        #[serde(with = "dec")]
        floor: Decimal,
        #[serde(with = "dec")]
        pct: Decimal,
        of_facility: String,
    },
    /// Pledged contracts' gross profit over a facility's debt service, at quarter ends.
    Dscr {
        facility: String,
        #[serde(with = "dec")]
        min: Decimal,
    },
    /// Total debt over annualised trailing EBITDA, at quarter ends.
    MaxLeverage {
        #[serde(with = "dec")]
        max: Decimal,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Covenant {
    pub id: String,
    pub name: String,
    pub terms: CovenantTerms,
}
