//! The scenario as a preset holds it (spec §2): lenient serde types, checked by
//! [`crate::model::validate`] before anything runs them.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::money::dec;
use super::montecarlo_spec::Distribution;
use super::month::Month;

/// The newest preset format this build reads. A file is written with the lowest version that
/// holds it ([`Scenario::required_format_version`]), so a v1 scenario still saves as v1.
pub const FORMAT_VERSION: u32 = 3;

/// The first format with capacity revenue, capex profiles, funded draws, the market section
/// and reported figures (spec §6).
pub const FORMAT_V2: u32 = 2;

/// The first format with the income statement, GPU collateral, interest on a funding gap and
/// the P&L figures of `reported[]` (spec §8.1–§8.3).
pub const FORMAT_V3: u32 = 3;

fn is_zero(value: &Decimal) -> bool {
    value.is_zero()
}

fn is_one(value: &u32) -> bool {
    *value == 1
}

fn one() -> u32 {
    1
}

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
    /// Delivery partners other than Core Scientific (spec §7.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partners: Vec<DeliveryPartner>,
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
    /// GPU rental prices for capacity revenue (spec §6.2); the default changes nothing.
    #[serde(default, skip_serializing_if = "Market::is_neutral")]
    pub market: Market,
    /// Figures the company reported, set beside the model's by the backtest (spec §6.6).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reported: Vec<Reported>,
    /// The income statement: depreciation, stock compensation, capitalised interest and tax
    /// (spec §8.1). Absent, the ledger has no P&L columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounting: Option<Accounting>,
    /// Interest on a negative cash balance (spec §8.3). Absent, a shortfall is free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding_gap: Option<FundingGap>,
    /// The Monte Carlo set-up: seed, runs and a distribution per lever path (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub montecarlo: Option<super::montecarlo_spec::MonteCarloSpec>,
}

impl Scenario {
    /// The facilities a coverage (`Dscr`) covenant tests, once each in covenant order: only
    /// pledges to these count (spec §3.8).
    pub fn coverage_tested_facilities(&self) -> Vec<&str> {
        let mut tested = Vec::new();
        for covenant in &self.covenants {
            if let CovenantTerms::Dscr { facility, .. } = &covenant.terms
                && !tested.contains(&facility.as_str())
            {
                tested.push(facility.as_str());
            }
        }
        tested
    }

    /// The lowest format version that holds this scenario: 2 once any spec §6 or §7 field is
    /// used (a partner's sites and contracts name a listed partner, so `partners` covers them).
    pub fn required_format_version(&self) -> u32 {
        let uses_v2 = !self.market.is_neutral()
            || !self.reported.is_empty()
            || !self.capex.profile.is_empty()
            || !self.opex.cost_per_mw_month.is_zero()
            || self.facilities.iter().any(|f| f.funds.is_some())
            || !self.partners.is_empty()
            || self.montecarlo.as_ref().is_some_and(|spec| {
                spec.levers
                    .iter()
                    .any(|(_, distribution)| matches!(distribution, Distribution::Int { .. }))
            })
            || self.covenants.iter().any(|c| {
                c.from.is_some()
                    || c.until.is_some()
                    || matches!(
                        c.terms,
                        CovenantTerms::MinLiquidity {
                            of_facility: None,
                            ..
                        }
                    )
            })
            || self.sites.iter().any(|s| {
                !s.revenue_per_mw_month.is_zero() || s.fill_months != 1 || s.pledged_to.is_some()
            });
        if self.uses_v3() {
            FORMAT_V3
        } else if uses_v2 {
            FORMAT_V2
        } else {
            1
        }
    }

    /// Whether any spec §8 field is used: `accounting`, `funding_gap`, a facility's
    /// `collateral`, a v3 covenant kind or a P&L figure in `reported[]`.
    fn uses_v3(&self) -> bool {
        self.accounting.is_some()
            || self.funding_gap.is_some()
            || self.facilities.iter().any(|f| f.collateral.is_some())
            || self.covenants.iter().any(|c| {
                matches!(
                    c.terms,
                    CovenantTerms::MinInterestCoverage { .. } | CovenantTerms::MaxLtv { .. }
                )
            })
            || self.reported.iter().any(Reported::has_pnl_figure)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub format_version: u32,
    /// Where each input came from, keyed by lever path (`openai.total_value`) or item id.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "unique_keys"
    )]
    pub sources: BTreeMap<String, String>,
}

/// Reads `meta.sources`, refusing a key written twice: a map would keep only the last note,
/// and the other would vanish without a word.
fn unique_keys<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    struct UniqueKeys;

    impl<'de> Visitor<'de> for UniqueKeys {
        type Value = BTreeMap<String, String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map from an input's path or id to its source note")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut notes = BTreeMap::new();
            // Checked before the note is read, so the error points at the repeated key.
            while let Some(key) = map.next_key::<String>()? {
                if notes.contains_key(&key) {
                    return Err(de::Error::custom(format_args!(
                        "the key `{key}` is given twice"
                    )));
                }
                notes.insert(key, map.next_value()?);
            }
            Ok(notes)
        }
    }

    deserializer.deserialize_map(UniqueKeys)
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

/// What a contract is served from (spec §7.1). Written `Existing`, `CoreScientific`, or a
/// partner's id bare (`capacity: galaxy`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Capacity {
    /// Served from capacity already online: never delayed.
    #[default]
    Existing,
    /// Served from Core Scientific sites: starts `core_scientific.delay_months` late.
    CoreScientific,
    /// Served from another delivery partner's sites: starts that partner's delay late.
    Partner(String),
}

impl Capacity {
    /// The delivery partner whose delay moves this contract, if any.
    pub fn partner_id(&self) -> Option<&str> {
        match self {
            Self::Existing => None,
            Self::CoreScientific => Some(CORE_SCIENTIFIC_ID),
            Self::Partner(id) => Some(id),
        }
    }
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

/// The id under which the v1 `core_scientific` section is a delivery partner (spec §7.1).
pub const CORE_SCIENTIFIC_ID: &str = "core_scientific";

/// A data-centre partner that builds sites for us (spec §7.1): its sites, and the contracts
/// served from them, come online `delay_months` late.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryPartner {
    pub id: String,
    pub name: String,
    #[serde(default)]
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
    /// Power, rent and site staff per MW online, $M a month (spec §6.3), paid whether or not
    /// the capacity earns yet.
    #[serde(with = "dec", default, skip_serializing_if = "is_zero")]
    pub cost_per_mw_month: Decimal,
}

/// Who builds a site (spec §7.1). Written `Own`, `CoreScientific`, or a partner's id bare
/// (`partner: galaxy`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Partner {
    #[default]
    Own,
    CoreScientific,
    /// Another delivery partner, by id.
    Id(String),
}

impl Partner {
    /// The delivery partner whose delay moves this site, if any.
    pub fn partner_id(&self) -> Option<&str> {
        match self {
            Self::Own => None,
            Self::CoreScientific => Some(CORE_SCIENTIFIC_ID),
            Self::Id(id) => Some(id),
        }
    }
}

/// RON spells a partner reference as a bare word: the v1 names (`Own`, `Existing`,
/// `CoreScientific`) or a partner's id. RON only hands a bare word's text to an enum's variant
/// name, so both are read and written through that path; a partner id is written back raw.
mod partner_ref {
    use std::fmt;

    use serde::de::{self, Deserializer, EnumAccess, VariantAccess, Visitor};
    use serde::{Deserialize, Serialize, Serializer};

    use super::{CORE_SCIENTIFIC_ID, Capacity, Partner};

    /// The bare word, read as an identifier.
    struct Word(String);

    impl<'de> Deserialize<'de> for Word {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct WordVisitor;
            impl Visitor<'_> for WordVisitor {
                type Value = Word;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a name")
                }
                fn visit_str<E: de::Error>(self, text: &str) -> Result<Word, E> {
                    Ok(Word(text.to_owned()))
                }
            }
            deserializer.deserialize_identifier(WordVisitor)
        }
    }

    /// Reads a bare word (`Own`, `galaxy`) or, for JSON and other formats, a string.
    fn read_word<'de, D: Deserializer<'de>>(
        deserializer: D,
        name: &'static str,
        variants: &'static [&'static str],
    ) -> Result<String, D::Error> {
        struct WordOrString;
        impl<'de> Visitor<'de> for WordOrString {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a bare name: a built-in one or a delivery partner's id")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<String, E> {
                Ok(text.to_owned())
            }
            fn visit_enum<A: EnumAccess<'de>>(self, access: A) -> Result<String, A::Error> {
                let (word, variant): (Word, _) = access.variant()?;
                variant.unit_variant()?;
                Ok(word.0)
            }
        }
        deserializer.deserialize_enum(name, variants, WordOrString)
    }

    /// Writes a bare word: a built-in name as a unit variant, a partner id raw in RON.
    fn write_word<S: Serializer>(
        serializer: S,
        name: &'static str,
        builtin: Option<(u32, &'static str)>,
        id: &str,
    ) -> Result<S::Ok, S::Error> {
        match builtin {
            Some((index, variant)) => serializer.serialize_unit_variant(name, index, variant),
            None if serializer.is_human_readable() => match ron::value::RawValue::from_ron(id) {
                Ok(raw) => raw.serialize(serializer),
                Err(_) => serializer.serialize_str(id),
            },
            None => serializer.serialize_str(id),
        }
    }

    const CAPACITY: &[&str] = &["Existing", "CoreScientific"];
    const PARTNER: &[&str] = &["Own", "CoreScientific"];

    impl<'de> Deserialize<'de> for Capacity {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            Ok(
                match read_word(deserializer, "Capacity", CAPACITY)?.as_str() {
                    "Existing" => Self::Existing,
                    "CoreScientific" | CORE_SCIENTIFIC_ID => Self::CoreScientific,
                    id => Self::Partner(id.to_owned()),
                },
            )
        }
    }

    impl Serialize for Capacity {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Self::Existing => write_word(serializer, "Capacity", Some((0, "Existing")), ""),
                Self::CoreScientific => {
                    write_word(serializer, "Capacity", Some((1, "CoreScientific")), "")
                }
                Self::Partner(id) => write_word(serializer, "Capacity", None, id),
            }
        }
    }

    impl<'de> Deserialize<'de> for Partner {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            Ok(
                match read_word(deserializer, "Partner", PARTNER)?.as_str() {
                    "Own" => Self::Own,
                    "CoreScientific" | CORE_SCIENTIFIC_ID => Self::CoreScientific,
                    id => Self::Id(id.to_owned()),
                },
            )
        }
    }

    impl Serialize for Partner {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Self::Own => write_word(serializer, "Partner", Some((0, "Own")), ""),
                Self::CoreScientific => {
                    write_word(serializer, "Partner", Some((1, "CoreScientific")), "")
                }
                Self::Id(id) => write_word(serializer, "Partner", None, id),
            }
        }
    }
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
    /// Capacity revenue from customers not named in `contracts`, $M per MW a month at full
    /// fill (spec §6.2). Zero where a named contract already pays for the site.
    #[serde(with = "dec", default, skip_serializing_if = "is_zero")]
    pub revenue_per_mw_month: Decimal,
    /// Months from online to fully sold (1 = full from the first month).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub fill_months: u32,
    /// The facility whose coverage test this site's gross profit counts toward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pledged_to: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapexPolicy {
    pub lead_months: u32,
    #[serde(default)]
    pub follows_delay: bool,
    /// When capex is paid around the online month (spec §6.4); empty means `lead_months`
    /// equal parts before it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profile: Vec<CapexPayment>,
}

impl Default for CapexPolicy {
    fn default() -> Self {
        Self {
            lead_months: 6,
            follows_delay: false,
            profile: Vec::new(),
        }
    }
}

/// One part of the capex payment profile: `pct` % of a site's capex (and reimbursement) is
/// paid `offset` months from its online month (negative = before delivery, positive = vendor
/// terms after it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapexPayment {
    pub offset: i32,
    #[serde(with = "dec")]
    pub pct: Decimal,
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
    /// Draws that pay a share of the named sites' capex as it is paid (spec §6.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funds: Option<Funds>,
    /// The GPUs the facility is secured on, and its borrowing base (spec §8.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collateral: Option<Collateral>,
}

/// What a facility is secured on (spec §8.2): the named sites' equipment at its depreciated
/// cost, plus an opening pool of older GPUs, all marked to rental prices. With `advance_pct`
/// the facility may lend at most that share of the value: in each test month any excess is
/// prepaid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Collateral {
    pub sites: Vec<String>,
    /// $M of equipment online before 2025-01 that secures the facility.
    #[serde(with = "dec", default, skip_serializing_if = "is_zero")]
    pub opening_value: Decimal,
    /// Months over which `opening_value` runs down to nothing, from 2025-01.
    #[serde(default = "forty_eight")]
    pub opening_life_months: u32,
    /// The borrowing base: the balance may be at most this % of the collateral's value.
    #[serde(with = "dec::option", default, skip_serializing_if = "Option::is_none")]
    pub advance_pct: Option<Decimal>,
    /// Months between borrowing-base tests.
    #[serde(default = "three")]
    pub every: u32,
    /// The first test month.
    #[serde(default = "first_quarter_end")]
    pub from: Month,
}

fn forty_eight() -> u32 {
    48
}

fn three() -> u32 {
    3
}

fn seventy_two() -> u32 {
    72
}

fn first_quarter_end() -> Month {
    Month::ym(2025, 3)
}

/// The income statement's inputs (spec §8.1). Depreciation and stock compensation are not
/// cash; tax is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accounting {
    /// The GPU fleet's useful life: each site's capex is depreciated straight-line over it
    /// from its effective online month.
    #[serde(default = "seventy_two")]
    pub useful_life_months: u32,
    /// $M of property and equipment in service at 2025-01, net of depreciation.
    #[serde(with = "dec", default)]
    pub opening_book_value: Decimal,
    /// Months over which `opening_book_value` is depreciated, from 2025-01.
    #[serde(default = "forty_eight")]
    pub opening_life_left_months: u32,
    /// Non-cash stock-based compensation, $M a month.
    #[serde(with = "dec", default)]
    pub stock_comp_monthly: Decimal,
    /// One-off stock compensation (awards vesting at an IPO), $M in a month.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stock_comp: Vec<StockCompCharge>,
    /// Share of interest capitalised into construction in progress, %.
    #[serde(with = "dec", default)]
    pub capitalised_interest_pct: Decimal,
    /// Tax on a month's positive pre-tax income, %, paid in cash that month.
    #[serde(with = "dec", default)]
    pub tax_pct: Decimal,
}

impl Default for Accounting {
    fn default() -> Self {
        Self {
            useful_life_months: 72,
            opening_book_value: Decimal::ZERO,
            opening_life_left_months: 48,
            stock_comp_monthly: Decimal::ZERO,
            stock_comp: Vec::new(),
            capitalised_interest_pct: Decimal::ZERO,
            tax_pct: Decimal::ZERO,
        }
    }
}

/// A one-off stock compensation charge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockCompCharge {
    pub month: Month,
    #[serde(with = "dec")]
    pub amount: Decimal,
}

/// Interest on a funding gap (spec §8.3): a month that opens with negative cash pays this
/// rate on the shortfall, as if it were borrowed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundingGap {
    /// % a year.
    #[serde(with = "dec")]
    pub rate_pct: Decimal,
}

/// A delayed-draw loan or vendor financing that advances `advance_pct` % of each capex
/// invoice of `sites`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Funds {
    pub sites: Vec<String>,
    #[serde(with = "dec")]
    pub advance_pct: Decimal,
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
        /// The facility whose balance `pct` applies to; none means a flat `floor`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        of_facility: Option<String>,
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
    /// Trailing EBITDA over trailing interest expense, at quarter ends (spec §8.1).
    MinInterestCoverage {
        #[serde(with = "dec")]
        min: Decimal,
    },
    /// A collateralised facility's balance over its collateral's value, %, at quarter ends
    /// (spec §8.2).
    MaxLtv {
        facility: String,
        #[serde(with = "dec")]
        max_pct: Decimal,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Covenant {
    pub id: String,
    pub name: String,
    pub terms: CovenantTerms,
    /// The first and last months it is tested in, inclusive (spec §7.2); none means from the
    /// start or to the end of the horizon. Outside its window it is not tested at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Month>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Month>,
}

/// GPU rental prices, applied to capacity revenue only: named contracts are fixed-price.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Market {
    /// Price level against the preset's `revenue_per_mw_month`, % (100 = as written).
    #[serde(with = "dec", default = "hundred")]
    pub price_index_pct: Decimal,
    /// Yearly fall in rental prices, %, compounding each model year from 2026.
    #[serde(with = "dec", default)]
    pub price_decline_pct_per_year: Decimal,
}

fn hundred() -> Decimal {
    Decimal::ONE_HUNDRED
}

impl Default for Market {
    fn default() -> Self {
        Self {
            price_index_pct: Decimal::ONE_HUNDRED,
            price_decline_pct_per_year: Decimal::ZERO,
        }
    }
}

impl Market {
    /// Whether prices are as the sites state them (the v1 behaviour).
    pub fn is_neutral(&self) -> bool {
        *self == Self::default()
    }
}

/// Figures the company reported for a month (spec §6.6); the ledger ignores them, the
/// backtest sets the model's beside them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reported {
    pub month: Month,
    /// Revenue of the quarter ending in `month`, $M.
    #[serde(with = "dec::option", default, skip_serializing_if = "Option::is_none")]
    pub revenue_quarter: Option<Decimal>,
    /// Cash at the end of `month`, $M.
    #[serde(with = "dec::option", default, skip_serializing_if = "Option::is_none")]
    pub cash: Option<Decimal>,
    /// Debt principal at the end of `month`, $M.
    #[serde(with = "dec::option", default, skip_serializing_if = "Option::is_none")]
    pub debt: Option<Decimal>,
    /// Active power at the end of `month`, MW.
    #[serde(with = "dec::option", default, skip_serializing_if = "Option::is_none")]
    pub mw_online: Option<Decimal>,
    /// Net income of the quarter ending in `month`, $M (a loss is negative; spec §8.1).
    #[serde(with = "dec::option", default, skip_serializing_if = "Option::is_none")]
    pub net_income_quarter: Option<Decimal>,
    /// Adjusted operating income (before stock compensation) of the quarter, $M.
    #[serde(with = "dec::option", default, skip_serializing_if = "Option::is_none")]
    pub adjusted_operating_income_quarter: Option<Decimal>,
    /// Interest expense of the quarter, $M.
    #[serde(with = "dec::option", default, skip_serializing_if = "Option::is_none")]
    pub interest_expense_quarter: Option<Decimal>,
    /// Where the figures come from (a filing, a results release).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

impl Reported {
    /// Whether the entry reports an income-statement figure (spec §8.1).
    pub fn has_pnl_figure(&self) -> bool {
        self.net_income_quarter.is_some()
            || self.adjusted_operating_income_quarter.is_some()
            || self.interest_expense_quarter.is_some()
    }
}
