//! The scenario every subcommand runs: a preset file (or `default`) and its `--set` overrides.
//! A leaf both `cli` and `cli_analysis` use, so neither imports the other for it.

use std::path::Path;

use anyhow::Result;
use clap::Args;

use crate::model::levers::apply_assignments;
use crate::model::{Scenario, ValidScenario, validate};
use crate::preset_file;

/// A preset and the lever overrides applied to it.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// A preset file, or `default` for the embedded S-1 base scenario.
    pub preset: String,
    /// Override a lever, e.g. `--set core_scientific.delay_months=6` (repeatable, applied in order).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

/// Loads `preset` (`default` = embedded) and applies the `--set` overrides.
pub fn load_scenario(args: &ScenarioArgs) -> Result<ValidScenario> {
    let mut scenario = load_unvalidated(&args.preset)?;
    apply_assignments(&mut scenario, &args.set)?;
    // The preset itself was valid when loaded: what fails now comes from the overrides.
    validate(scenario).map_err(|err| anyhow::anyhow!("after --set: {err}"))
}

/// The scenario of `preset` (`default` = embedded), as read: a file is validated on loading.
pub fn load_unvalidated(preset: &str) -> Result<Scenario> {
    if preset == "default" {
        return Ok(crate::model::default_scenario().into_scenario());
    }
    Ok(preset_file::load(Path::new(preset))?.into_scenario())
}
