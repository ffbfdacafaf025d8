//! Presets: the RON text of a scenario. Reading checks the format version first, then the
//! syntax (line and column), then the meaning (the path). Writing is exact: money is quoted.

use std::sync::LazyLock;

use ron::extensions::Extensions;
use serde::Deserialize;

use super::scenario::{FORMAT_VERSION, Scenario};
use super::validate::{ValidScenario, ValidationError, validate};

/// Why a preset's text was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PresetError {
    /// The text is not a well-formed scenario; `field` is the path being read (`contracts[3].term_months`).
    #[error("line {line}, column {column}{}: {message}", field_suffix(field))]
    Syntax {
        line: usize,
        column: usize,
        field: String,
        message: String,
    },
    #[error(
        "format_version {found} was written by a newer coreweave-whatif (this one reads up to {supported}); update the app to open it"
    )]
    NewerFormat { found: u32, supported: u32 },
    #[error(
        "format_version {found} cannot hold capacity revenue, capex profiles, funded draws, `market` or `reported`; write `format_version: {needed}`"
    )]
    OlderFormat { found: u32, needed: u32 },
    #[error("{0}")]
    Invalid(#[from] ValidationError),
}

/// The S-1 base scenario, compiled in so the app and CLI run with no files.
pub const DEFAULT_PRESET: &str = include_str!("../../presets/s1-base.ron");

/// Every shipped preset, as `(file stem, RON text)`, default first.
pub const SHIPPED_PRESETS: [(&str, &str); 6] = [
    ("s1-base", DEFAULT_PRESET),
    (
        "ipo-as-priced",
        include_str!("../../presets/ipo-as-priced.ron"),
    ),
    (
        "management-plan",
        include_str!("../../presets/management-plan.ron"),
    ),
    ("bear-case", include_str!("../../presets/bear-case.ron")),
    ("actual-2025", include_str!("../../presets/actual-2025.ron")),
    (
        "gpu-price-crash",
        include_str!("../../presets/gpu-price-crash.ron"),
    ),
];

fn options() -> ron::Options {
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

/// Only the version, read before anything else so a newer file fails on that and not on a field.
#[derive(Deserialize)]
struct VersionProbe {
    meta: MetaProbe,
}

#[derive(Deserialize)]
struct MetaProbe {
    format_version: u32,
}

fn field_suffix(field: &str) -> String {
    if field.is_empty() {
        String::new()
    } else {
        format!(", {field}")
    }
}

fn syntax_error(err: &ron::error::SpannedError, field: String) -> PresetError {
    PresetError::Syntax {
        line: err.span.start.line,
        column: err.span.start.col,
        field,
        message: err.code.to_string(),
    }
}

/// Reads a preset's text into a scenario, without judging its values.
pub fn parse_scenario(text: &str) -> Result<Scenario, PresetError> {
    let options = options();
    if let Ok(probe) = options.from_str::<VersionProbe>(text)
        && probe.meta.format_version > FORMAT_VERSION
    {
        return Err(PresetError::NewerFormat {
            found: probe.meta.format_version,
            supported: FORMAT_VERSION,
        });
    }
    let mut deserializer = ron::Deserializer::from_str_with_options(text, &options)
        .map_err(|err| syntax_error(&err, String::new()))?;
    // The path serde was reading when it failed, so a bad value is named, not just located.
    let scenario =
        serde_path_to_error::deserialize::<_, Scenario>(&mut deserializer).map_err(|err| {
            let field = err.path().to_string();
            let field = if field == "." { String::new() } else { field };
            syntax_error(&deserializer.span_error(err.into_inner()), field)
        })?;
    deserializer
        .end()
        .map_err(|err| syntax_error(&deserializer.span_error(err), String::new()))?;
    // A file declares the format it needs, so an older build says "update" instead of failing
    // on an unknown field. (In memory a v1 scenario may take v2 values from a lever; the
    // writer then declares v2, see `to_ron`.)
    let needed = scenario.required_format_version();
    if scenario.meta.format_version < needed {
        return Err(PresetError::OlderFormat {
            found: scenario.meta.format_version,
            needed,
        });
    }
    Ok(scenario)
}

/// Reads and validates a preset's text.
pub fn parse_preset(text: &str) -> Result<ValidScenario, PresetError> {
    Ok(validate(parse_scenario(text)?)?)
}

static PRETTY: LazyLock<ron::ser::PrettyConfig> = LazyLock::new(|| {
    ron::ser::PrettyConfig::new()
        .depth_limit(4)
        .indentor("    ")
        .struct_names(false)
});

/// The preset text of a scenario; reading it back gives an equal scenario.
/// It declares the lowest format version that holds it (never lower than it was read with).
pub fn to_ron(scenario: &Scenario) -> Result<String, ron::Error> {
    let needed = scenario.required_format_version();
    if scenario.meta.format_version >= needed {
        return options().to_string_pretty(scenario, PRETTY.clone());
    }
    let mut declared = scenario.clone();
    declared.meta.format_version = needed;
    options().to_string_pretty(&declared, PRETTY.clone())
}

/// The embedded default scenario.
pub fn default_scenario() -> ValidScenario {
    parse_preset(DEFAULT_PRESET)
        .unwrap_or_else(|err| panic!("the embedded s1-base preset is invalid: {err}"))
}
