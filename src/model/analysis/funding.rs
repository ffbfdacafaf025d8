//! Funding need by date (issue 13): the new money needed, cumulatively, by each quarter end —
//! how much would have to be raised at the start to keep liquidity at or above the
//! minimum-liquidity threshold(s) through that quarter (against zero liquidity when the
//! scenario has none). Its last value is the run's `funding_need` KPI.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::month::Month;
use crate::model::outcome::Outcome;
use crate::model::scenario::{CovenantTerms, Scenario};

/// The new money needed by one quarter end, $M (0 when none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuarterNeed {
    pub quarter_end: Month,
    pub need: Decimal,
}

/// The cumulative new money needed by each quarter end of `outcome`'s horizon (and by its last
/// month when that is not a quarter end). `scenario` is the one `outcome` ran.
///
/// The shortfall of a month is the largest `threshold − liquidity` over the minimum-liquidity
/// covenants tested in it (or `−liquidity` with none); the need by a date is the largest
/// shortfall up to it, never below 0 — the same rule as the `funding_need` KPI, taken to date.
pub fn funding_need_by_quarter(scenario: &Scenario, outcome: &Outcome) -> Vec<QuarterNeed> {
    let count = outcome.covenant_ids.len();
    let liquidity: Vec<usize> = outcome
        .covenant_ids
        .iter()
        .enumerate()
        .filter(|(_, id)| {
            scenario.covenants.iter().any(|covenant| {
                covenant.id == **id && matches!(covenant.terms, CovenantTerms::MinLiquidity { .. })
            })
        })
        .map(|(k, _)| k)
        .collect();
    let last = outcome.months.len().saturating_sub(1);
    let mut need = Decimal::ZERO;
    let mut out = Vec::new();
    for (t, row) in outcome.months.iter().enumerate() {
        let shortfall = if liquidity.is_empty() {
            -row.liquidity
        } else {
            liquidity
                .iter()
                .filter_map(|&k| {
                    outcome
                        .covenants
                        .get(t * count + k)
                        .and_then(|test| test.as_ref())
                        .map(|test| test.threshold - row.liquidity)
                })
                .max()
                .unwrap_or(Decimal::ZERO)
        };
        need = need.max(shortfall);
        if row.month.month_of_year().is_multiple_of(3) || t == last {
            out.push(QuarterNeed {
                quarter_end: row.month,
                need,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::preset::SHIPPED_PRESETS;
    use crate::model::{parse_preset, run};

    #[test]
    fn the_need_grows_to_the_funding_need_kpi_by_the_horizon() {
        let mut growing = 0;
        for (name, text) in SHIPPED_PRESETS {
            let valid = parse_preset(text).unwrap_or_else(|err| panic!("{name}: {err}"));
            let outcome = run(&valid).expect("runs");
            let needs = funding_need_by_quarter(valid.scenario(), &outcome);
            assert_eq!(needs.len(), outcome.months.len().div_ceil(3), "{name}");
            assert!(
                needs.windows(2).all(|pair| pair[0].need <= pair[1].need),
                "{name}: a cumulative need never falls"
            );
            assert_eq!(
                needs.last().map(|need| need.need),
                Some(outcome.kpis.funding_need),
                "{name}: by the horizon it is the funding need"
            );
            assert!(
                needs
                    .iter()
                    .all(|need| need.quarter_end.month_of_year().is_multiple_of(3))
            );
            growing += usize::from(needs.first().map(|n| n.need) != needs.last().map(|n| n.need));
        }
        assert!(
            growing > 0,
            "no preset's need changes over time: the test would not bite"
        );
    }
}
