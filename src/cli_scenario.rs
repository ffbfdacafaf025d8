//! The scenario every subcommand runs: a preset file (or `default`) and its `--set` overrides.
//! A leaf both `cli` and `cli_analysis` use, so neither imports the other for it.

use std::path::Path;

use anyhow::Result;
use clap::Args;

use crate::io;
use crate::model::{Scenario, ValidScenario, apply_assignments, validate};

/// What `default` names: the embedded preset, under its shipped stem.
const DEFAULT_NAME: &str = "s1-base";

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
    load_with_preset(args).map(|(_, valid)| valid)
}

/// The preset as loaded, and the scenario after the `--set` overrides.
pub fn load_with_preset(args: &ScenarioArgs) -> Result<(Scenario, ValidScenario)> {
    let preset = load_unvalidated(&args.preset)?;
    let mut scenario = preset.clone();
    apply_assignments(&mut scenario, &args.set)?;
    // The preset itself was valid when loaded: what fails now comes from the overrides.
    let valid = validate(scenario).map_err(|err| anyhow::anyhow!("after --set: {err}"))?;
    Ok((preset, valid))
}

/// A preset argument as the app names what it opened: `s1-base` for `default`, a file's name
/// (`my-case.ron`) otherwise.
pub fn opened_name(preset: &str) -> String {
    if preset == "default" {
        return DEFAULT_NAME.to_owned();
    }
    let path = Path::new(preset);
    path.file_name().map_or_else(
        || preset.to_owned(),
        |name| name.to_string_lossy().into_owned(),
    )
}

/// A preset argument as the app names a pinned preset: `s1-base` for `default`, a file's stem
/// (`management-plan`) otherwise.
pub fn pinned_name(preset: &str) -> String {
    if preset == "default" {
        return DEFAULT_NAME.to_owned();
    }
    let path = Path::new(preset);
    path.file_stem().map_or_else(
        || preset.to_owned(),
        |stem| stem.to_string_lossy().into_owned(),
    )
}

/// The scenario of `preset` (`default` = embedded), as read: a file is validated on loading.
pub fn load_unvalidated(preset: &str) -> Result<Scenario> {
    if preset == "default" {
        return Ok(crate::model::default_scenario().into_scenario());
    }
    Ok(io::load(Path::new(preset))?.into_scenario())
}
