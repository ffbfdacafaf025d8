//! The Monte Carlo set-up as a preset holds it: a distribution per lever path, a seed and a
//! number of runs. Plain data, below the scenario that carries it, with the distributions'
//! text form (`uniform:3:6`, read and written) and their own sanity. Checking a spec against a
//! scenario's levers is validation's (`validate::montecarlo`); drawing from it is the sampler's
//! (`analysis::montecarlo`).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use super::money::{DecimalError, dec, exact_decimal};

/// How far probabilities may add up away from 1.
const PROBABILITY_TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 6);

/// How one lever is drawn. Number levers draw their value; month levers draw a shift in
/// months from the preset's month (`int:0:6` on `openai.start` = 0 to 6 months late).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Distribution {
    Uniform {
        #[serde(with = "dec")]
        min: Decimal,
        #[serde(with = "dec")]
        max: Decimal,
    },
    Triangular {
        #[serde(with = "dec")]
        min: Decimal,
        #[serde(with = "dec")]
        mode: Decimal,
        #[serde(with = "dec")]
        max: Decimal,
    },
    /// Each whole number `min..=max` equally likely (`int:0:6`): the distribution for a
    /// whole-number or month lever, where `Uniform` drawn and then rounded to the lever's grid
    /// would give the two ends half the weight of the others. Format version 2.
    Int {
        #[serde(with = "dec")]
        min: Decimal,
        #[serde(with = "dec")]
        max: Decimal,
    },
    /// `values[k]` with probability `probabilities[k]` (they add up to 1).
    Discrete {
        #[serde(with = "dec_list")]
        values: Vec<Decimal>,
        #[serde(with = "dec_list")]
        probabilities: Vec<Decimal>,
    },
}

/// The Monte Carlo set-up a preset carries: seed, runs, and a distribution per lever path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonteCarloSpec {
    #[serde(default)]
    pub seed: u64,
    #[serde(default = "default_runs")]
    pub runs: u32,
    #[serde(default)]
    pub levers: Vec<(String, Distribution)>,
}

impl MonteCarloSpec {
    /// Runs when a spec does not say.
    pub const DEFAULT_RUNS: u32 = 10_000;
    /// The most runs accepted: each run keeps its monthly cash until the percentiles are taken
    /// (72 months × 16 bytes × 200,000 runs ≈ 230 MB).
    pub const MAX_RUNS: u32 = 200_000;
}

fn default_runs() -> u32 {
    MonteCarloSpec::DEFAULT_RUNS
}

impl Default for MonteCarloSpec {
    fn default() -> Self {
        Self {
            seed: 0,
            runs: Self::DEFAULT_RUNS,
            levers: Vec::new(),
        }
    }
}

impl Distribution {
    /// The most values an `int:LO:HI` distribution may take.
    pub const MAX_INT_VALUES: i64 = 10_000;

    /// Each whole number `low..=high` equally likely (`int:LO:HI`).
    pub fn int_uniform(low: i64, high: i64) -> Result<Self, String> {
        let distribution = Self::Int {
            min: Decimal::from(low),
            max: Decimal::from(high),
        };
        match distribution.problems() {
            Some(problem) => Err(problem),
            None => Ok(distribution),
        }
    }

    /// `Some((low, high))` for an [`Distribution::Int`] whose ends are whole numbers.
    pub fn as_int_uniform(&self) -> Option<(i64, i64)> {
        match self {
            Self::Int { min, max } if min.fract().is_zero() && max.fract().is_zero() => {
                Some((min.to_i64()?, max.to_i64()?))
            }
            _ => None,
        }
    }

    /// What is wrong with the distribution itself, or `None` when it can be drawn from.
    pub fn problems(&self) -> Option<String> {
        match self {
            Self::Uniform { min, max } if min > max => Some(format!(
                "uniform min {} is above max {}",
                min.normalize(),
                max.normalize()
            )),
            Self::Triangular { min, mode, max } if !(min <= mode && mode <= max) => Some(format!(
                "triangular needs min <= mode <= max, got {}, {}, {}",
                min.normalize(),
                mode.normalize(),
                max.normalize()
            )),
            Self::Discrete {
                values,
                probabilities,
            } => {
                if values.is_empty() {
                    return Some("a discrete distribution needs at least one value".to_owned());
                }
                if values.len() != probabilities.len() {
                    return Some(format!(
                        "{} values but {} probabilities",
                        values.len(),
                        probabilities.len()
                    ));
                }
                if let Some(p) = probabilities.iter().find(|p| p.is_sign_negative()) {
                    return Some(format!("probability {} is negative", p.normalize()));
                }
                let total = probabilities
                    .iter()
                    .try_fold(Decimal::ZERO, |sum, p| sum.checked_add(*p));
                match total {
                    Some(total) if (total - Decimal::ONE).abs() <= PROBABILITY_TOLERANCE => None,
                    Some(total) => Some(format!(
                        "the probabilities add up to {}, not 1",
                        total.normalize()
                    )),
                    None => {
                        Some("the probabilities add up to more than a decimal holds".to_owned())
                    }
                }
            }
            Self::Int { min, max } => {
                if !min.fract().is_zero() || !max.fract().is_zero() {
                    return Some(format!(
                        "int takes whole numbers, got {} and {}",
                        min.normalize(),
                        max.normalize()
                    ));
                }
                if min > max {
                    return Some(format!(
                        "int low {} is above high {}",
                        min.normalize(),
                        max.normalize()
                    ));
                }
                let count = (*max - *min + Decimal::ONE).to_i64().unwrap_or(i64::MAX);
                (count > Self::MAX_INT_VALUES).then(|| {
                    format!(
                        "int:{}:{} has {count} values; take at most {}",
                        min.normalize(),
                        max.normalize(),
                        Self::MAX_INT_VALUES
                    )
                })
            }
            Self::Uniform { .. } | Self::Triangular { .. } => None,
        }
    }
}

impl fmt::Display for Distribution {
    /// The CLI syntax: `uniform:3:6`, `int:0:6`, `triangular:0:3:12`, `discrete:0@0.4,3@0.6`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int { min, max } => write!(f, "int:{}:{}", min.normalize(), max.normalize()),
            Self::Uniform { min, max } => {
                write!(f, "uniform:{}:{}", min.normalize(), max.normalize())
            }
            Self::Triangular { min, mode, max } => write!(
                f,
                "triangular:{}:{}:{}",
                min.normalize(),
                mode.normalize(),
                max.normalize()
            ),
            Self::Discrete {
                values,
                probabilities,
            } => {
                let parts: Vec<String> = values
                    .iter()
                    .zip(probabilities)
                    .map(|(v, p)| format!("{}@{}", v.normalize(), p.normalize()))
                    .collect();
                write!(f, "discrete:{}", parts.join(","))
            }
        }
    }
}

/// Why the text of a distribution (`--lever PATH=uniform:3:6`) was refused; each names the text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DistributionError {
    #[error(
        "`{text}`: expected uniform:MIN:MAX, int:LO:HI, triangular:MIN:MODE:MAX or discrete:V@P,V@P,…"
    )]
    Syntax { text: String },
    /// The right kind with the wrong number of parts: `uniform:3`.
    #[error("`{text}`: {kind} takes {expected}")]
    Parts {
        text: String,
        kind: &'static str,
        expected: &'static str,
    },
    #[error("`{text}`: {source}")]
    Number { text: String, source: DecimalError },
    /// Read, but not a distribution one can draw from (`uniform:6:3`, probabilities ≠ 1).
    #[error("`{text}`: {problem}")]
    Invalid { text: String, problem: String },
}

impl FromStr for Distribution {
    type Err = DistributionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let syntax = || DistributionError::Syntax {
            text: text.to_owned(),
        };
        let parts = |kind, expected| DistributionError::Parts {
            text: text.to_owned(),
            kind,
            expected,
        };
        let number = |part: &str| {
            exact_decimal(part).map_err(|source| DistributionError::Number {
                text: text.to_owned(),
                source,
            })
        };
        let (kind, rest) = text.trim().split_once(':').ok_or_else(syntax)?;
        let numbers = |rest: &str| -> Result<Vec<Decimal>, DistributionError> {
            rest.split(':').map(number).collect()
        };
        let distribution = match kind.trim().to_ascii_lowercase().as_str() {
            "uniform" => match numbers(rest)?.as_slice() {
                [min, max] => Self::Uniform {
                    min: *min,
                    max: *max,
                },
                _ => return Err(parts("uniform", "MIN:MAX")),
            },
            "int" => match numbers(rest)?.as_slice() {
                [min, max] => Self::Int {
                    min: *min,
                    max: *max,
                },
                _ => return Err(parts("int", "two whole numbers LO:HI")),
            },
            "triangular" => match numbers(rest)?.as_slice() {
                [min, mode, max] => Self::Triangular {
                    min: *min,
                    mode: *mode,
                    max: *max,
                },
                _ => return Err(parts("triangular", "MIN:MODE:MAX")),
            },
            "discrete" => {
                let mut values = Vec::new();
                let mut probabilities = Vec::new();
                for part in rest.split(',') {
                    let (value, p) = part
                        .split_once('@')
                        .ok_or_else(|| parts("discrete", "VALUE@PROBABILITY,…"))?;
                    values.push(number(value)?);
                    probabilities.push(number(p)?);
                }
                Self::Discrete {
                    values,
                    probabilities,
                }
            }
            _ => return Err(syntax()),
        };
        match distribution.problems() {
            Some(problem) => Err(DistributionError::Invalid {
                text: text.to_owned(),
                problem,
            }),
            None => Ok(distribution),
        }
    }
}

/// `serde(with)` for a list of exact decimals, each written quoted like the rest of a preset.
mod dec_list {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(transparent)]
    struct Exact(#[serde(with = "crate::model::money::dec")] Decimal);

    pub fn serialize<S: Serializer>(values: &[Decimal], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(values.iter().map(|value| Exact(*value)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Decimal>, D::Error> {
        Ok(Vec::<Exact>::deserialize(deserializer)?
            .into_iter()
            .map(|exact| exact.0)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distributions_parse_print_back_and_refuse_nonsense() {
        for text in [
            "uniform:3:6",
            "triangular:0:3:12",
            "discrete:0@0.4,3@0.3,6@0.2,12@0.1",
        ] {
            let distribution: Distribution = text.parse().expect(text);
            assert_eq!(distribution.to_string(), text);
        }
        for bad in [
            "uniform:6:3",
            "uniform:3",
            "triangular:0:13:12",
            "discrete:0@0.5,3@0.4",
            "discrete:0@-0.5,3@1.5",
            "discrete:0",
            "normal:0:1",
            "uniform:a:b",
            "",
        ] {
            assert!(
                bad.parse::<Distribution>().is_err(),
                "{bad} should not parse"
            );
        }
    }

    #[test]
    fn the_spec_round_trips_through_ron_with_quoted_decimals() {
        let spec = MonteCarloSpec {
            seed: 7,
            runs: 500,
            levers: vec![
                (
                    "core_scientific.delay_months".to_owned(),
                    "discrete:0@0.4,3@0.3,6@0.2,12@0.1".parse().expect("parses"),
                ),
                (
                    "rates.sofr_pct".to_owned(),
                    "triangular:3.5:4.3:6".parse().expect("parses"),
                ),
            ],
        };
        let text = ron::to_string(&spec).expect("serialises");
        assert!(
            text.contains("\"0.4\"") && text.contains("\"4.3\""),
            "{text}"
        );
        let back: MonteCarloSpec = ron::from_str(&text).expect("reads back");
        assert_eq!(back, spec);
        let defaults: MonteCarloSpec = ron::from_str("()").expect("all fields default");
        assert_eq!(defaults, MonteCarloSpec::default());
    }
}
