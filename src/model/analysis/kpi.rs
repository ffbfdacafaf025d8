//! The KPIs an analysis can measure, by name (`funding_need`, `min_headroom:liquidity`, …).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::AnalysisError;
use crate::model::outcome::Outcome;
use crate::model::scenario::Scenario;

/// One figure of a run's [`crate::model::Kpis`], as a number.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Kpi {
    /// Largest liquidity shortfall below the minimum-liquidity threshold, $M.
    FundingNeed,
    /// Lowest month-end cash, $M.
    MinCash,
    /// Lowest headroom of one covenant, % (none if the covenant is never tested).
    MinHeadroom {
        covenant: String,
    },
    /// Months from January 2025 to the first breach of any covenant; the horizon if none.
    FirstBreach,
    TotalInterest,
    PeakDebt,
    EndingCash,
}

/// The KPI names [`Kpi::from_str`] accepts (`min_headroom` takes `:<covenant id>`).
pub const KPI_NAMES: [&str; 7] = [
    "funding_need",
    "min_cash",
    "min_headroom:<covenant id>",
    "first_breach",
    "total_interest",
    "peak_debt",
    "ending_cash",
];

impl Kpi {
    /// The KPI's value in a run; `None` only for the headroom of a covenant never tested.
    pub fn value(&self, outcome: &Outcome) -> Option<Decimal> {
        let kpis = &outcome.kpis;
        match self {
            Self::FundingNeed => Some(kpis.funding_need),
            Self::MinCash => Some(kpis.min_cash),
            Self::MinHeadroom { covenant } => kpis
                .covenants
                .iter()
                .find(|kpi| kpi.id == *covenant)
                .and_then(|kpi| kpi.min_headroom_pct),
            Self::FirstBreach => Some(Decimal::from(kpis.first_breach.as_ref().map_or_else(
                || i64::try_from(outcome.months.len()).unwrap_or(i64::MAX),
                |breach| i64::from(breach.month.index()),
            ))),
            Self::TotalInterest => Some(kpis.total_interest),
            Self::PeakDebt => Some(kpis.peak_debt),
            Self::EndingCash => Some(kpis.ending_cash),
        }
    }

    /// Checks that the KPI exists in `scenario` (a `min_headroom` names one of its covenants).
    pub fn check(&self, scenario: &Scenario) -> Result<(), AnalysisError> {
        if let Self::MinHeadroom { covenant } = self
            && !scenario.covenants.iter().any(|c| c.id == *covenant)
        {
            let ids: Vec<&str> = scenario.covenants.iter().map(|c| c.id.as_str()).collect();
            return Err(AnalysisError::BadArgument(format!(
                "KPI `min_headroom:{covenant}`: the scenario has no covenant `{covenant}` (it has: {})",
                if ids.is_empty() {
                    "none".to_owned()
                } else {
                    ids.join(", ")
                }
            )));
        }
        Ok(())
    }

    /// The unit the value is in, for labels.
    pub fn unit(&self) -> &'static str {
        match self {
            Self::MinHeadroom { .. } => "%",
            Self::FirstBreach => "months",
            _ => "$M",
        }
    }
}

impl fmt::Display for Kpi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FundingNeed => f.write_str("funding_need"),
            Self::MinCash => f.write_str("min_cash"),
            Self::MinHeadroom { covenant } => write!(f, "min_headroom:{covenant}"),
            Self::FirstBreach => f.write_str("first_breach"),
            Self::TotalInterest => f.write_str("total_interest"),
            Self::PeakDebt => f.write_str("peak_debt"),
            Self::EndingCash => f.write_str("ending_cash"),
        }
    }
}

impl FromStr for Kpi {
    type Err = AnalysisError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let name = text.trim();
        let kpi = match name {
            "funding_need" => Self::FundingNeed,
            "min_cash" => Self::MinCash,
            "first_breach" => Self::FirstBreach,
            "total_interest" => Self::TotalInterest,
            "peak_debt" => Self::PeakDebt,
            "ending_cash" => Self::EndingCash,
            _ => match name.split_once(':') {
                Some(("min_headroom", covenant)) if !covenant.trim().is_empty() => {
                    Self::MinHeadroom {
                        covenant: covenant.trim().to_owned(),
                    }
                }
                _ => {
                    return Err(AnalysisError::BadArgument(format!(
                        "unknown KPI `{text}`; valid names: {}",
                        KPI_NAMES.join(", ")
                    )));
                }
            },
        };
        Ok(kpi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_scenario, run};

    #[test]
    fn names_parse_and_print_back() {
        for name in [
            "funding_need",
            "min_cash",
            "min_headroom:liquidity",
            "first_breach",
            "total_interest",
            "peak_debt",
            "ending_cash",
        ] {
            let kpi: Kpi = name.parse().expect("a valid KPI name");
            assert_eq!(kpi.to_string(), name);
        }
    }

    #[test]
    fn unknown_names_list_the_valid_ones() {
        for bad in ["", "cash", "min_headroom", "min_headroom:", "Min_Cash"] {
            let err = bad.parse::<Kpi>().expect_err(bad).to_string();
            assert!(
                err.contains("valid names") && err.contains("min_headroom:<covenant id>"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn values_read_the_run_kpis() {
        let valid = default_scenario();
        let outcome = run(&valid).expect("the default runs");
        let kpis = &outcome.kpis;
        assert_eq!(Kpi::MinCash.value(&outcome), Some(kpis.min_cash));
        assert_eq!(Kpi::FundingNeed.value(&outcome), Some(kpis.funding_need));
        let expected_breach = kpis
            .first_breach
            .as_ref()
            .map_or(Decimal::from(valid.scenario().horizon_months), |b| {
                Decimal::from(b.month.index())
            });
        assert_eq!(Kpi::FirstBreach.value(&outcome), Some(expected_breach));
        let liquidity = Kpi::MinHeadroom {
            covenant: "liquidity".to_owned(),
        };
        assert!(liquidity.check(valid.scenario()).is_ok());
        assert_eq!(
            liquidity.value(&outcome),
            kpis.covenants
                .iter()
                .find(|c| c.id == "liquidity")
                .and_then(|c| c.min_headroom_pct)
        );
        let missing = Kpi::MinHeadroom {
            covenant: "nope".to_owned(),
        };
        let err = missing
            .check(valid.scenario())
            .expect_err("no such covenant");
        assert!(err.to_string().contains("liquidity"), "{err}");
    }
}
