//! Presets: the RON text of a scenario. Reading checks the format version first, then every
//! bare number on the text, then the syntax (line, column and field), then the meaning (the
//! path). Writing is exact: money is quoted.

use std::sync::LazyLock;

use ron::extensions::Extensions;
use serde::Deserialize;

use super::money::{DecimalError, check_bare_number, one_line};
use super::scenario::{FORMAT_VERSION, Scenario};
use super::validate::{ValidScenario, ValidationError, validate};

/// Why a preset's text was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PresetError {
    /// The text is not a well-formed scenario; `field` is the path being read (`contracts[3].term_months`).
    #[error(
        "line {line}, column {column}{}: {}",
        field_suffix(field),
        one_line(message)
    )]
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
    /// Shown on one line: an issue may quote an id or key that holds a line break. Not chained
    /// as `source()`: the message already says it.
    #[error("{}", one_line(&.0.to_string()))]
    Invalid(ValidationError),
}

impl From<ValidationError> for PresetError {
    fn from(error: ValidationError) -> Self {
        Self::Invalid(error)
    }
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
        format!(", {}", one_line(field))
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
    // Some editors start a UTF-8 file with a byte-order mark; it is not part of the RON.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let options = options();
    if let Ok(probe) = options.from_str::<VersionProbe>(text)
        && probe.meta.format_version > FORMAT_VERSION
    {
        return Err(PresetError::NewerFormat {
            found: probe.meta.format_version,
            supported: FORMAT_VERSION,
        });
    }
    // RON reads a bare number through `f64`, which would round it before any check could see
    // the digits, so bare numbers are judged on the text first.
    if let Some((at, problem)) = first_inexact_number(text) {
        return Err(number_error(text, at, &problem));
    }
    let scenario = deserialize(text)?;
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

/// The RON of a scenario, read; a syntax error names its line, column and field.
fn deserialize(text: &str) -> Result<Scenario, PresetError> {
    let options = options();
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
    Ok(scenario)
}

/// The refusal of the bare number at byte `at`, located as RON locates its errors.
fn number_error(text: &str, at: usize, problem: &DecimalError) -> PresetError {
    let before = text.get(..at).unwrap_or(text);
    let (line, column) = end_position(before);
    PresetError::Syntax {
        line,
        column,
        field: field_at(before),
        message: problem.to_string(),
    }
}

/// The 1-based line and column (in characters) just after `before`, as RON counts them.
fn end_position(before: &str) -> (usize, usize) {
    let line = 1 + before.matches('\n').count();
    let column = 1 + before.chars().rev().take_while(|&c| c != '\n').count();
    (line, column)
}

/// The field a value starting after `before` belongs to: the text is cut there and ended with
/// a character no value starts with, so the reader fails on that spot and serde names the
/// path it was reading. Empty if it fails elsewhere first (an earlier error in the text).
fn field_at(before: &str) -> String {
    // RON places an error at the start of the whitespace before the bad token, so none is left.
    let before = before.trim_end_matches(is_ron_whitespace);
    match deserialize(&format!("{before}@")) {
        Err(PresetError::Syntax {
            line,
            column,
            field,
            ..
        }) if (line, column) == end_position(before) => field,
        _ => String::new(),
    }
}

/// RON's whitespace, which ends a word like any ASCII space.
fn is_ron_whitespace(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200E}' | '\u{200F}')
}

/// A character that continues an identifier. Any other non-ASCII character counts too, so
/// digits after one are never taken for a number; a valid preset has only ASCII names.
fn is_word_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric() || (!c.is_ascii() && !is_ron_whitespace(c))
}

/// The first bare number in `text` that cannot be read exactly: its byte offset and why.
/// Strings (escaped and raw), character literals and comments (`//`, nested `/* */`) are
/// skipped, and digits inside a word (`ddtl2`) are not numbers.
fn first_inexact_number(text: &str) -> Option<(usize, DecimalError)> {
    let mut at = 0;
    while let Some(rest) = text.get(at..) {
        let Some(c) = rest.chars().next() else {
            break;
        };
        let len = if c == '"' || c == '\'' {
            quoted_len(rest, c)
        } else if rest.starts_with("//") {
            rest.find('\n').unwrap_or(rest.len())
        } else if rest.starts_with("/*") {
            block_comment_len(rest)
        } else if starts_number(rest) {
            let len = number_len(rest);
            if let Err(problem) = check_bare_number(rest.get(..len).unwrap_or(rest)) {
                return Some((at, problem));
            }
            len
        } else if is_word_char(c) {
            word_len(rest)
        } else {
            c.len_utf8()
        };
        at += len.max(1);
    }
    None
}

/// The length of a string or character literal opening `rest`, to its unescaped `quote` (or
/// the end of the text if it never closes).
fn quoted_len(rest: &str, quote: char) -> usize {
    let mut escaped = false;
    for (i, c) in rest.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            _ if c == quote => return i + c.len_utf8(),
            _ => {}
        }
    }
    rest.len()
}

/// The length of the block comment opening `rest`; RON's block comments nest.
fn block_comment_len(rest: &str) -> usize {
    let bytes = rest.as_bytes();
    let mut depth = 0_usize;
    let mut i = 0;
    while let Some(pair) = bytes.get(i..i + 2) {
        match pair {
            b"/*" => {
                depth += 1;
                i += 2;
            }
            b"*/" => {
                depth = depth.saturating_sub(1);
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    rest.len()
}

/// Whether `rest` opens a number: a digit, or a sign or point before one (`-6`, `.5`).
fn starts_number(rest: &str) -> bool {
    let unsigned = rest.strip_prefix(['+', '-']).unwrap_or(rest);
    let digits = unsigned.strip_prefix('.').unwrap_or(unsigned);
    digits.starts_with(|c: char| c.is_ascii_digit())
}

/// The length of the number opening `rest`: sign, digits, point, exponent, type suffix.
fn number_len(rest: &str) -> usize {
    let sign = usize::from(rest.starts_with(['+', '-']));
    let unsigned = rest.get(sign..).unwrap_or_default();
    // In hexadecimal `e` is a digit, not an exponent, so no sign follows it.
    let based = ["0x", "0b", "0o"]
        .iter()
        .any(|base| unsigned.starts_with(base));
    let mut previous = ' ';
    let len = unsigned
        .char_indices()
        .find(|&(_, c)| {
            let exponent_sign = matches!(c, '+' | '-') && matches!(previous, 'e' | 'E') && !based;
            previous = c;
            !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.') || exponent_sign)
        })
        .map_or(unsigned.len(), |(i, _)| i);
    sign + len
}

/// The length of the word opening `rest`, or of the raw string (`r#"…"#`, `br"…"`) or raw
/// identifier (`r#name`) it begins.
fn word_len(rest: &str) -> usize {
    let word = rest.find(|c| !is_word_char(c)).unwrap_or(rest.len());
    let (head, tail) = rest.split_at(word);
    if !matches!(head, "r" | "br") {
        return word;
    }
    let hashes = tail.len() - tail.trim_start_matches('#').len();
    let after_hashes = tail.get(hashes..).unwrap_or_default();
    if let Some(body) = after_hashes.strip_prefix('"') {
        let closing = format!("\"{}", "#".repeat(hashes));
        let opening = word + hashes + 1;
        return body
            .find(&closing)
            .map_or(rest.len(), |end| opening + end + closing.len());
    }
    if head == "r" && hashes == 1 {
        let name = after_hashes
            .find(|c: char| !(is_word_char(c) || matches!(c, '.' | '+' | '-')))
            .unwrap_or(after_hashes.len());
        return word + 1 + name;
    }
    word
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
