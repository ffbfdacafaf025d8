//! The checks of a preset's Monte Carlo spec against its scenario: every drawn lever exists and
//! can be drawn, each at most once, with a distribution one can draw from. Pure checks over the
//! lever registry; the sampler in `analysis::montecarlo` calls [`drawable_lever`] too, so a
//! spec it accepts is one validation accepts.

use super::Issue;
use crate::model::levers::{Lever, LeverError, LeverKind, LeverValue, levers};
use crate::model::montecarlo_spec::{Distribution, MonteCarloSpec};
use crate::model::scenario::Scenario;

/// Every problem of `spec` against `scenario`, by path (`montecarlo.levers[0]`, …), for the
/// scenario's validation.
pub fn montecarlo_issues(scenario: &Scenario, spec: &MonteCarloSpec) -> Vec<Issue> {
    let mut issues = Vec::new();
    // One walk of the registry for the whole spec.
    let registry = levers(scenario);
    if spec.runs == 0 || spec.runs > MonteCarloSpec::MAX_RUNS {
        issues.push(Issue {
            path: "montecarlo.runs".to_owned(),
            message: format!("{} runs: take 1..={}", spec.runs, MonteCarloSpec::MAX_RUNS),
        });
    }
    for (index, (path, distribution)) in spec.levers.iter().enumerate() {
        let at = format!("montecarlo.levers[{index}]");
        if let Err(message) = drawable_lever(&registry, path, distribution) {
            issues.push(Issue {
                path: at.clone(),
                message,
            });
        }
        if spec.levers[..index]
            .iter()
            .any(|(earlier, _)| earlier == path)
        {
            issues.push(Issue {
                path: at,
                message: format!("`{path}` is drawn twice"),
            });
        }
    }
    issues
}

/// The lever at `path` in `registry` (`levers(scenario)`) when `distribution` can draw it, or
/// why not, the lever's path first.
pub(crate) fn drawable_lever<'r>(
    registry: &'r [Lever],
    path: &str,
    distribution: &Distribution,
) -> Result<&'r Lever, String> {
    let lever = registry
        .iter()
        .find(|lever| lever.path == path)
        .ok_or_else(|| {
            LeverError::UnknownPath {
                path: path.to_owned(),
            }
            .to_string()
        })?;
    if let Some(problem) = distribution.problems() {
        return Err(format!("{path}: {problem}"));
    }
    if path == "horizon_months" {
        return Err(format!(
            "{path}: the horizon cannot be drawn; every run must cover the same months"
        ));
    }
    if let LeverValue::Choice(_) = lever.value {
        return Err(format!(
            "{path}: a choice lever cannot be drawn; set it with --set and run again"
        ));
    }
    Ok(lever)
}

/// Warnings on a spec that runs but may not mean what it says: `uniform` on a whole-number or
/// month lever gives its two end values half the weight of the others once draws are rounded to
/// the grid (`uniform:0:6` makes "on time" 1/12, not 1/7).
pub fn spec_warnings(scenario: &Scenario, spec: &MonteCarloSpec) -> Vec<String> {
    let registry = levers(scenario);
    spec.levers
        .iter()
        .filter(|(_, distribution)| matches!(distribution, Distribution::Uniform { .. }))
        .filter_map(|(path, distribution)| {
            let lever = registry.iter().find(|lever| lever.path == *path)?;
            let whole = matches!(
                lever.kind,
                LeverKind::Number { whole: true, .. } | LeverKind::Month { .. }
            );
            let Distribution::Uniform { min, max } = distribution else {
                return None;
            };
            whole.then(|| {
                format!(
                    "{path}: `{distribution}` on a whole-number lever gives its end values half \
                     the weight of the others; `int:{}:{}` gives every value the same chance",
                    min.ceil().normalize(),
                    max.floor().normalize()
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_scenario;

    #[test]
    fn spec_issues_name_the_lever() {
        let base = default_scenario().into_scenario();
        let uniform: Distribution = "uniform:0:1".parse().expect("parses");
        let spec = MonteCarloSpec {
            seed: 0,
            runs: 0,
            levers: vec![
                ("rates.nope".to_owned(), uniform.clone()),
                ("core_scientific.delay_policy".to_owned(), uniform.clone()),
                ("horizon_months".to_owned(), uniform.clone()),
                ("rates.sofr_pct".to_owned(), uniform.clone()),
                ("rates.sofr_pct".to_owned(), uniform),
            ],
        };
        let issues = montecarlo_issues(&base, &spec);
        let text: Vec<String> = issues.iter().map(ToString::to_string).collect();
        assert_eq!(issues.len(), 5, "{text:?}");
        assert!(text[0].contains("montecarlo.runs"), "{text:?}");
        assert!(text[1].contains("rates.nope"), "{text:?}");
        assert!(text[2].contains("core_scientific.delay_policy"), "{text:?}");
        assert!(text[3].contains("horizon_months"), "{text:?}");
        assert!(text[4].contains("drawn twice"), "{text:?}");
    }
}
