//! The span an analysis moves one lever over, as the analyst gives it: `PATH=LO:HI`
//! (`--range` on `tornado`, `solve` and `montecarlo`; `--x-range`/`--y-range` on `grid`), in the
//! lever's own unit (`rates.sofr_pct=3:6`, `openai.start=2025-07:2026-06`).

use std::fmt;

use super::{AnalysisError, Axis};
use crate::model::levers::{LeverValue, analysis_limits, check_value, lever, read_value};
use crate::model::scenario::Scenario;

/// `low..=high` of the lever at `path`, both inside the part of its range an analysis may use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeverSpan {
    pub path: String,
    pub low: LeverValue,
    pub high: LeverValue,
}

impl fmt::Display for LeverSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}:{}", self.path, self.low, self.high)
    }
}

impl LeverSpan {
    /// Reads `PATH=LO:HI` against `scenario`'s lever at `PATH`.
    pub fn parse(scenario: &Scenario, text: &str) -> Result<Self, AnalysisError> {
        let (path, ends) = text.split_once('=').ok_or_else(|| {
            AnalysisError::BadArgument(format!(
                "range `{text}`: expected PATH=LO:HI, e.g. rates.sofr_pct=3:6"
            ))
        })?;
        Self::parse_ends(scenario, path.trim(), ends)
    }

    /// Reads `LO:HI` for the lever at `path`: each end must be a value of the lever, inside its
    /// range and inside [`analysis_limits`] (no flow dated before the model starts), LO ≤ HI.
    pub fn parse_ends(scenario: &Scenario, path: &str, ends: &str) -> Result<Self, AnalysisError> {
        let lever = lever(scenario, path)?;
        let bad = |message: String| AnalysisError::Unsupported {
            path: path.to_owned(),
            message,
        };
        let (low, high) = ends
            .split_once(':')
            .ok_or_else(|| bad(format!("range `{ends}`: expected LO:HI")))?;
        let Some((floor, ceiling)) = analysis_limits(scenario, &lever) else {
            return Err(bad(
                "a choice lever has no range; each choice is tried by itself".to_owned(),
            ));
        };
        let read = |text: &str| -> Result<LeverValue, AnalysisError> {
            let value =
                read_value(&lever.kind, text).map_err(|err| bad(format!("range: {err}")))?;
            check_value(&lever.kind, lever.unit, &value)
                .map_err(|err| bad(format!("range: {err}")))?;
            if less(&value, &floor) || less(&ceiling, &value) {
                return Err(bad(format!(
                    "range: {value} must be between {floor} and {ceiling} so that no flow is \
                     dated before the model starts (docs/model.md, \"Dates before the model starts\")"
                )));
            }
            Ok(value)
        };
        let (low, high) = (read(low)?, read(high)?);
        if less(&high, &low) {
            return Err(bad(format!(
                "range: the low end {low} is above the high end {high}"
            )));
        }
        Ok(Self {
            path: path.to_owned(),
            low,
            high,
        })
    }

    /// The lever's analysis axis cut to this span.
    pub fn axis(&self, scenario: &Scenario) -> Result<Axis, AnalysisError> {
        Ok(Axis::for_analysis(scenario, &self.path)?.narrowed_to(&self.low, &self.high))
    }
}

/// The analysis axis of the lever at `path`: cut to its span in `spans` if one names it.
pub fn axis_with_spans(
    scenario: &Scenario,
    path: &str,
    spans: &[LeverSpan],
) -> Result<Axis, AnalysisError> {
    match spans.iter().find(|span| span.path == path) {
        Some(span) => span.axis(scenario),
        None => Axis::for_analysis(scenario, path),
    }
}

/// `a < b` for two values of the same kind (values of different kinds never compare less).
pub(crate) fn less(a: &LeverValue, b: &LeverValue) -> bool {
    match (a, b) {
        (LeverValue::Number(a), LeverValue::Number(b)) => a < b,
        (LeverValue::Month(a), LeverValue::Month(b)) => a < b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_scenario;

    #[test]
    fn spans_read_in_the_lever_s_unit_and_refuse_what_the_model_would_drop() {
        let base = default_scenario().into_scenario();
        let span = LeverSpan::parse(&base, "rates.sofr_pct=3:6").expect("a SOFR span");
        let axis = span.axis(&base).expect("axis");
        assert_eq!(axis.ends(), (span.low.clone(), span.high.clone()));
        assert_eq!(span.to_string(), "rates.sofr_pct=3:6");
        let months = LeverSpan::parse(&base, "openai.start=2025-07:2026-06").expect("months");
        assert_eq!(months.axis(&base).expect("axis").len(), 12);
        for (bad, says) in [
            ("rates.sofr_pct=6:3", "above the high end"),
            ("rates.sofr_pct=3:99", "must be between 0 and 15 %"),
            ("rates.sofr_pct=3", "expected LO:HI"),
            ("rates.sofr_pct", "expected PATH=LO:HI"),
            ("rates.nope=1:2", "rates.nope"),
            ("openai.start=2024-06:2026-01", "before the model starts"),
            ("core_scientific.delay_policy=a:b", "choice"),
        ] {
            let err = LeverSpan::parse(&base, bad).expect_err(bad).to_string();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }
}
