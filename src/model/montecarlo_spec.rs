//! The Monte Carlo set-up as a preset holds it: a distribution per lever path, a seed and a
//! number of runs. Plain data, below the scenario that carries it; drawing and checking it are
//! in `analysis::montecarlo`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::money::dec;

/// Runs when a spec does not say.
pub const DEFAULT_RUNS: u32 = 10_000;

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

fn default_runs() -> u32 {
    DEFAULT_RUNS
}

impl Default for MonteCarloSpec {
    fn default() -> Self {
        Self {
            seed: 0,
            runs: DEFAULT_RUNS,
            levers: Vec::new(),
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
