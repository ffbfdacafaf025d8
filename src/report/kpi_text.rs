//! The analysis KPIs as text: which ones a scenario offers, their labels, their values and
//! differences, and the rows of a baseline comparison. Shared by the app's tabs, the memo and
//! the CLI.
//!
//! A KPI is written in its own unit: money in $B, a ratio covenant's headroom in % of its limit,
//! a breach as a month. A minimum-liquidity covenant's headroom is money: liquidity above the
//! threshold at its tightest month (a percentage of a small floor reads as −56,164 %).

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::format::{busd, grouped, lever_value_text};
use crate::model::analysis::Kpi;
use crate::model::{CovenantTerms, LeverValue, Month, Outcome, Scenario};

/// How a KPI's figure is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KpiUnit {
    /// An amount in $M, written in $B.
    Money,
    /// A ratio covenant's headroom, % of its limit.
    HeadroomPct,
    /// A month index; at the horizon it means "none".
    Month,
}

impl KpiUnit {
    /// The unit of the model's own value of `kpi` ([`Kpi::value`]).
    pub fn of(kpi: &Kpi) -> Self {
        match kpi {
            Kpi::MinHeadroom { .. } => Self::HeadroomPct,
            Kpi::FirstBreach => Self::Month,
            _ => Self::Money,
        }
    }

    /// A value in this unit as text. `horizon_months` turns a month at the horizon into "none".
    pub fn text(self, value: Option<Decimal>, horizon_months: u32) -> String {
        let Some(value) = value else {
            return "n/a".to_owned();
        };
        match self {
            Self::HeadroomPct => format!("{} %", grouped(value, 1)),
            Self::Month => {
                if value >= Decimal::from(horizon_months) {
                    "none".to_owned()
                } else {
                    let index = value.trunc().to_i32().unwrap_or(i32::MAX);
                    Month::from_index(index).to_string()
                }
            }
            Self::Money => busd(value),
        }
    }

    /// `current − baseline` as signed text ("+$0.25B", "-3 months", "+12.5 pp"); "—" when
    /// either is missing and "0" when equal.
    pub fn difference_text(self, baseline: Option<Decimal>, current: Option<Decimal>) -> String {
        let (Some(baseline), Some(current)) = (baseline, current) else {
            return "—".to_owned();
        };
        let Some(difference) = current.checked_sub(baseline) else {
            return "—".to_owned();
        };
        if difference.is_zero() {
            return "0".to_owned();
        }
        let sign = if difference.is_sign_negative() {
            "-"
        } else {
            "+"
        };
        format!("{sign}{}", self.magnitude_text(difference.abs()))
    }

    /// A distance between two values, with no sign: "$0.25B", "3 months", "12.5 pp".
    pub fn magnitude_text(self, magnitude: Decimal) -> String {
        match self {
            Self::HeadroomPct => format!("{} pp", grouped(magnitude, 1)),
            Self::Month => lever_value_text(&LeverValue::Number(magnitude), "months"),
            Self::Money => busd(magnitude),
        }
    }
}

/// The KPIs offered for `scenario`: the money figures, each covenant's minimum headroom and
/// the first breach.
pub fn kpi_choices(scenario: &Scenario) -> Vec<Kpi> {
    let mut choices = vec![Kpi::FundingNeed, Kpi::MinCash];
    choices.extend(scenario.covenants.iter().map(|covenant| Kpi::MinHeadroom {
        covenant: covenant.id.clone(),
    }));
    choices.extend([
        Kpi::FirstBreach,
        Kpi::TotalInterest,
        Kpi::PeakDebt,
        Kpi::EndingCash,
    ]);
    choices
}

/// A human label: "Funding need", "Min headroom: dscr".
pub fn kpi_label(kpi: &Kpi) -> String {
    match kpi {
        Kpi::FundingNeed => "Funding need".to_owned(),
        Kpi::MinCash => "Minimum cash".to_owned(),
        Kpi::MinHeadroom { covenant } => format!("Min headroom: {covenant}"),
        Kpi::FirstBreach => "First breach".to_owned(),
        Kpi::TotalInterest => "Total interest".to_owned(),
        Kpi::PeakDebt => "Peak debt".to_owned(),
        Kpi::EndingCash => "Ending cash".to_owned(),
    }
}

/// The model's value of a KPI ([`Kpi::value`]) as text.
pub fn kpi_value_text(kpi: &Kpi, value: Option<Decimal>, horizon_months: u32) -> String {
    KpiUnit::of(kpi).text(value, horizon_months)
}

/// `current − baseline` of the model's values of a KPI, as signed text.
pub fn kpi_difference_text(
    kpi: &Kpi,
    baseline: Option<Decimal>,
    current: Option<Decimal>,
) -> String {
    KpiUnit::of(kpi).difference_text(baseline, current)
}

/// Whether `kpi` is the headroom of a minimum-liquidity covenant of `scenario`.
fn is_liquidity_headroom(kpi: &Kpi, scenario: &Scenario) -> bool {
    let Kpi::MinHeadroom { covenant } = kpi else {
        return false;
    };
    scenario
        .covenants
        .iter()
        .any(|c| c.id == *covenant && matches!(c.terms, CovenantTerms::MinLiquidity { .. }))
}

/// The unit `kpi` is written in for `scenario` (see [`kpi_figure`]).
pub fn kpi_unit(kpi: &Kpi, scenario: &Scenario) -> KpiUnit {
    if is_liquidity_headroom(kpi, scenario) {
        KpiUnit::Money
    } else {
        KpiUnit::of(kpi)
    }
}

/// A KPI of `outcome` in the unit [`kpi_unit`] names: the model's value, except a
/// minimum-liquidity covenant's headroom, which is `min over tested months of (liquidity −
/// threshold)` in $M. `None` when the covenant is never tested.
pub fn kpi_figure(kpi: &Kpi, scenario: &Scenario, outcome: &Outcome) -> Option<Decimal> {
    let Kpi::MinHeadroom { covenant } = kpi else {
        return kpi.value(outcome);
    };
    if !is_liquidity_headroom(kpi, scenario) {
        return kpi.value(outcome);
    }
    let k = outcome.covenant_ids.iter().position(|id| id == covenant)?;
    (0..outcome.months.len())
        .filter_map(|t| outcome.covenant(t, k))
        .filter_map(|test| test.value.map(|value| value - test.threshold))
        .min()
}

/// A KPI of `outcome` as text, in its unit for `scenario`.
pub fn kpi_figure_text(kpi: &Kpi, scenario: &Scenario, outcome: &Outcome) -> String {
    kpi_unit(kpi, scenario).text(kpi_figure(kpi, scenario, outcome), scenario.horizon_months)
}

/// One row of a baseline comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComparisonRow {
    pub kpi: Kpi,
    pub unit: KpiUnit,
    pub baseline: Option<Decimal>,
    pub current: Option<Decimal>,
}

impl ComparisonRow {
    /// The row as `[KPI, baseline, current, difference]` text.
    pub fn texts(&self, horizon_months: u32) -> [String; 4] {
        [
            kpi_label(&self.kpi),
            self.unit.text(self.baseline, horizon_months),
            self.unit.text(self.current, horizon_months),
            self.unit.difference_text(self.baseline, self.current),
        ]
    }
}

/// Every KPI of the current scenario, in baseline and current. Covenants are the current
/// scenario's; one the baseline does not have shows `n/a` there.
pub fn comparison_rows(
    scenario: &Scenario,
    baseline: &Outcome,
    current: &Outcome,
) -> Vec<ComparisonRow> {
    kpi_choices(scenario)
        .into_iter()
        .map(|kpi| ComparisonRow {
            unit: kpi_unit(&kpi, scenario),
            baseline: kpi_figure(&kpi, scenario, baseline),
            current: kpi_figure(&kpi, scenario, current),
            kpi,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_scenario, run};
    use rust_decimal_macros::dec;

    #[test]
    fn every_covenant_gets_a_headroom_choice() {
        let valid = default_scenario();
        let choices = kpi_choices(valid.scenario());
        for covenant in &valid.scenario().covenants {
            assert!(
                choices.contains(&Kpi::MinHeadroom {
                    covenant: covenant.id.clone()
                }),
                "{}",
                covenant.id
            );
        }
        assert_eq!(choices.first(), Some(&Kpi::FundingNeed));
    }

    #[test]
    fn values_and_differences_read_in_their_unit() {
        let headroom = Kpi::MinHeadroom {
            covenant: "dscr".to_owned(),
        };
        for (kpi, value, text) in [
            (Kpi::FundingNeed, Some(dec!(1250)), "$1.25B"),
            (headroom.clone(), Some(dec!(-3.26)), "-3.3 %"),
            (Kpi::FirstBreach, Some(dec!(11)), "2025-12"),
            (Kpi::FirstBreach, Some(dec!(72)), "none"),
            (headroom.clone(), None, "n/a"),
        ] {
            assert_eq!(kpi_value_text(&kpi, value, 72), text, "{kpi} at {value:?}");
        }
        for (kpi, baseline, current, text) in [
            (Kpi::MinCash, Some(dec!(1000)), Some(dec!(750)), "-$0.25B"),
            (
                Kpi::FirstBreach,
                Some(dec!(11)),
                Some(dec!(14)),
                "+3 months",
            ),
            (
                headroom.clone(),
                Some(dec!(10)),
                Some(dec!(22.5)),
                "+12.5 pp",
            ),
            (Kpi::PeakDebt, Some(dec!(5)), Some(dec!(5)), "0"),
            (headroom, None, Some(dec!(1)), "—"),
        ] {
            assert_eq!(
                kpi_difference_text(&kpi, baseline, current),
                text,
                "{kpi}: {baseline:?} → {current:?}"
            );
        }
    }

    #[test]
    fn liquidity_headroom_is_money_above_the_threshold_at_its_tightest_month() {
        let valid = default_scenario();
        let scenario = valid.scenario();
        let outcome = run(&valid).expect("s1-base runs");
        let covenant = scenario
            .covenants
            .iter()
            .find(|c| matches!(c.terms, CovenantTerms::MinLiquidity { .. }))
            .expect("s1-base has a minimum-liquidity covenant");
        let kpi = Kpi::MinHeadroom {
            covenant: covenant.id.clone(),
        };
        assert_eq!(kpi_unit(&kpi, scenario), KpiUnit::Money);
        let k = outcome
            .covenant_ids
            .iter()
            .position(|id| *id == covenant.id)
            .expect("the outcome lists the covenant");
        let tightest = (0..outcome.months.len())
            .filter_map(|t| outcome.covenant(t, k))
            .min_by_key(|test| test.headroom_pct())
            .expect("the covenant is tested");
        let figure = kpi_figure(&kpi, scenario, &outcome).expect("tested");
        assert!(
            figure <= tightest.value.expect("liquidity is finite") - tightest.threshold,
            "the minimum is no larger than the margin in the month of least headroom"
        );
        let text = kpi_figure_text(&kpi, scenario, &outcome);
        assert!(text.contains("$") && !text.contains('%'), "{text}");
        let ratio = scenario
            .covenants
            .iter()
            .find(|c| !matches!(c.terms, CovenantTerms::MinLiquidity { .. }))
            .expect("s1-base has a ratio covenant");
        let ratio_kpi = Kpi::MinHeadroom {
            covenant: ratio.id.clone(),
        };
        assert_eq!(kpi_unit(&ratio_kpi, scenario), KpiUnit::HeadroomPct);
        assert_eq!(
            kpi_figure(&ratio_kpi, scenario, &outcome),
            ratio_kpi.value(&outcome)
        );
    }
}
