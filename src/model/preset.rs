//! Presets: the RON text of a scenario. Reading checks the format version first, then every
//! bare number on the text, then the syntax (line, column and field), then the meaning (the
//! path). Writing is exact: money is quoted.
//!
//! A preset may instead extend another (spec §7.3, [`super::extends`]): [`resolve_preset`]
//! follows the chain of bases, reading shipped ones itself and files through the caller's
//! reader, and applies each file to its base.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::sync::LazyLock;

use ron::extensions::Extensions;
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::extends::{ApplyError, ExtendsFile, MAX_EXTENDS_DEPTH};
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
        "format_version {found} cannot hold {}; write `format_version: {needed}`",
        fields_of_format(*.needed)
    )]
    OlderFormat { found: u32, needed: u32 },
    /// Shown on one line: an issue may quote an id or key that holds a line break. Not chained
    /// as `source()`: the message already says it.
    #[error("{}", one_line(&.0.to_string()))]
    Invalid(ValidationError),
    /// A preset that extends another did not resolve; the message names the file at fault.
    #[error("{0}")]
    Extends(Box<ExtendsError>),
}

/// Why a chain of presets extending one another did not resolve. Every message names the file
/// it comes from (a shipped preset by its stem, a file by its path as reached).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExtendsError {
    /// A file of the chain was refused: its syntax, its format version, or (the preset the
    /// chain ends on, which is a whole scenario) its validity.
    #[error("{}: {error}", one_line(file))]
    Preset { file: String, error: PresetError },
    /// An extends file's `remove`, `add` or `changes` does not fit its base.
    #[error("{}: {error}", one_line(file))]
    Apply { file: String, error: ApplyError },
    /// The base could not be read.
    #[error("{}: extends {base:?}: {}", one_line(file), one_line(message))]
    Base {
        file: String,
        base: String,
        message: String,
    },
    #[error("{}: a circle", chain_text(files))]
    Circle { files: Vec<String> },
    #[error(
        "{}: more than {MAX_EXTENDS_DEPTH} presets extending one another (at most {MAX_EXTENDS_DEPTH} are followed)",
        chain_text(files)
    )]
    TooDeep { files: Vec<String> },
}

fn chain_text(files: &[String]) -> String {
    one_line(&files.join(" extends "))
}

impl From<ValidationError> for PresetError {
    fn from(error: ValidationError) -> Self {
        Self::Invalid(error)
    }
}

/// The S-1 base scenario, compiled in so the app and CLI run with no files.
pub const DEFAULT_PRESET: &str = include_str!("../../presets/s1-base.ron");

/// Every shipped preset, as `(file stem, RON text)`, default first.
pub const SHIPPED_PRESETS: [(&str, &str); 8] = [
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
    (
        "galaxy-helios-2026",
        include_str!("../../presets/galaxy-helios-2026.ron"),
    ),
    (
        "short-lived-gpus",
        include_str!("../../presets/short-lived-gpus.ron"),
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

/// Reads a preset's text into a scenario, without judging its values. A preset that extends
/// another may name only shipped presets as its bases here (there is no file to read a path
/// against): a file's bases are read by [`crate::io::load`].
pub fn parse_scenario(text: &str) -> Result<Scenario, PresetError> {
    let text = without_bom(text);
    // A shipped preset that extends another is named by its stem in errors and circles.
    let source = match SHIPPED_PRESETS.iter().find(|(_, shipped)| *shipped == text) {
        Some((stem, _)) => PresetSource::Shipped(stem),
        None => PresetSource::External(()),
    };
    let name = match &source {
        PresetSource::Shipped(stem) => stem,
        PresetSource::External(()) => "the preset",
    };
    resolve_preset(source, name, text, &mut |(), _| {
        Err(format!(
            "a preset read without its file can extend only a shipped preset ({})",
            shipped_stems()
        ))
    })
}

/// The stems of the shipped presets, for messages.
fn shipped_stems() -> String {
    SHIPPED_PRESETS
        .iter()
        .map(|(stem, _)| *stem)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Some editors start a UTF-8 file with a byte-order mark; it is not part of the RON.
fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{FEFF}').unwrap_or(text)
}

/// Where a preset's text comes from: what tells a circle, and how its bases are read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PresetSource<L> {
    /// Compiled in, by stem. It may extend only another shipped preset.
    Shipped(&'static str),
    /// Anywhere else, e.g. a file by its path: a base that is not a shipped stem is read by the
    /// caller's reader from here.
    External(L),
}

/// A base as the caller's reader returns it.
#[derive(Clone, Debug)]
pub struct BaseText<L> {
    /// Where it is: what the next relative name is read against, and what tells a circle (two
    /// locations are the same preset when they are equal).
    pub location: L,
    /// What errors call it (a path as reached).
    pub name: String,
    pub text: String,
}

/// The caller's reader of bases: `(location of the extending file, its extends)` to the base,
/// or a message saying why not.
pub type ReadBase<'a, L> = dyn FnMut(&L, &str) -> Result<BaseText<L>, String> + 'a;

/// One extends file of a chain, parsed.
struct Link<L> {
    source: PresetSource<L>,
    name: String,
    file: ExtendsFile,
}

/// Reads the preset `text` found at `source` (called `name` in errors) into a scenario. A plain
/// preset is read as [`parse_scenario`] always did, with the same errors. A preset that extends
/// another is resolved: its base is a shipped preset when `extends` is a shipped stem, else
/// whatever `read_base(location of the extending file, extends)` returns (its error message is
/// shown with the file's name); at most [`MAX_EXTENDS_DEPTH`] extends files are followed, a preset
/// reached twice is a circle, and the preset the chain ends on must be valid on its own. Then each
/// file applies to its base, innermost first ([`ExtendsFile::apply`]). The result is not
/// validated: [`parse_preset`] and the file loader do that, as for any scenario.
pub fn resolve_preset<L: PartialEq>(
    source: PresetSource<L>,
    name: &str,
    text: &str,
    read_base: &mut ReadBase<'_, L>,
) -> Result<Scenario, PresetError> {
    let mut chain: Vec<Link<L>> = Vec::new();
    let (mut source, mut name, mut text) = (source, name.to_owned(), Cow::Borrowed(text));
    let base = loop {
        let body = without_bom(&text);
        if !is_extends(body) {
            let parsed = parse_plain(body);
            if chain.is_empty() {
                return parsed;
            }
            // A whole scenario: it must stand on its own, so its errors name it and not the
            // files that extend it.
            break parsed
                .and_then(|scenario| Ok(validate(scenario)?.into_scenario()))
                .map_err(|error| extends_error(ExtendsError::Preset { file: name, error }))?;
        }
        if chain.len() == MAX_EXTENDS_DEPTH {
            let mut files: Vec<String> = chain.into_iter().map(|link| link.name).collect();
            files.push(name);
            return Err(extends_error(ExtendsError::TooDeep { files }));
        }
        let file = match parse_extends_file(body) {
            Ok(file) => file,
            Err(error) => return Err(extends_error(ExtendsError::Preset { file: name, error })),
        };
        let shipped = SHIPPED_PRESETS
            .iter()
            .find(|(stem, _)| *stem == file.extends);
        let next = match (shipped, &source) {
            (Some((stem, text)), _) => (
                PresetSource::Shipped(stem),
                (*stem).to_owned(),
                Cow::Borrowed(*text),
            ),
            (None, PresetSource::Shipped(_)) => {
                return Err(extends_error(ExtendsError::Base {
                    file: name,
                    base: file.extends,
                    message: format!(
                        "a shipped preset can extend only another shipped preset ({})",
                        shipped_stems()
                    ),
                }));
            }
            (None, PresetSource::External(location)) => match read_base(location, &file.extends) {
                Ok(base) => (
                    PresetSource::External(base.location),
                    base.name,
                    Cow::Owned(base.text),
                ),
                Err(message) => {
                    return Err(extends_error(ExtendsError::Base {
                        file: name,
                        base: file.extends,
                        message,
                    }));
                }
            },
        };
        chain.push(Link { source, name, file });
        if chain.iter().any(|link| link.source == next.0) {
            let mut files: Vec<String> = chain.into_iter().map(|link| link.name).collect();
            files.push(next.1);
            return Err(extends_error(ExtendsError::Circle { files }));
        }
        (source, name, text) = next;
    };
    let mut scenario = base;
    for link in chain.iter().rev() {
        link.file.apply(&mut scenario).map_err(|error| {
            extends_error(ExtendsError::Apply {
                file: link.name.clone(),
                error,
            })
        })?;
    }
    Ok(scenario)
}

fn extends_error(error: ExtendsError) -> PresetError {
    PresetError::Extends(Box::new(error))
}

/// Whether `text` (without a byte-order mark) extends another preset: its top level has an
/// `extends` field. The field is noticed as soon as it is read, so a mistake further on is
/// reported by the extends reader (not as "unknown field `extends`" by the scenario's).
pub fn is_extends(text: &str) -> bool {
    struct Probe<'a>(&'a Cell<bool>);

    impl<'de> DeserializeSeed<'de> for Probe<'_> {
        type Value = ();

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
            deserializer.deserialize_struct("Preset", &["extends"], self)
        }
    }

    impl<'de> Visitor<'de> for Probe<'_> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a preset")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                if key == "extends" {
                    self.0.set(true);
                    return Ok(());
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }
    }

    let found = Cell::new(false);
    let options = options();
    if let Ok(mut deserializer) = ron::Deserializer::from_str_with_options(text, &options) {
        // Only the flag matters: reading stops, successfully or not, once the field is seen.
        let _ = Probe(&found).deserialize(&mut deserializer);
    }
    found.get()
}

/// The version an extends file declares, if any, read before anything else as for a scenario.
#[derive(Deserialize)]
struct ExtendsVersionProbe {
    #[serde(default)]
    meta: Option<OptionalVersion>,
}

#[derive(Deserialize)]
struct OptionalVersion {
    #[serde(default)]
    format_version: Option<u32>,
}

/// Reads the text of an extends file (without a byte-order mark), as a scenario is read: the
/// version first, then the bare numbers, then the syntax.
pub fn parse_extends_file(text: &str) -> Result<ExtendsFile, PresetError> {
    if let Ok(probe) = options().from_str::<ExtendsVersionProbe>(text)
        && let Some(found) = probe.meta.and_then(|meta| meta.format_version)
        && found > FORMAT_VERSION
    {
        return Err(PresetError::NewerFormat {
            found,
            supported: FORMAT_VERSION,
        });
    }
    if let Some((at, problem)) = first_inexact_number(text) {
        return Err(number_error::<ExtendsFile>(text, at, &problem));
    }
    deserialize(text)
}

/// Reads the text of a whole scenario (without a byte-order mark).
fn parse_plain(text: &str) -> Result<Scenario, PresetError> {
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
        return Err(number_error::<Scenario>(text, at, &problem));
    }
    let scenario: Scenario = deserialize(text)?;
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

/// The RON of a scenario (or an extends file), read; a syntax error names its line, column and
/// field.
fn deserialize<T: DeserializeOwned>(text: &str) -> Result<T, PresetError> {
    read(text).map_err(|err| with_hint(err, text))
}

fn read<T: DeserializeOwned>(text: &str) -> Result<T, PresetError> {
    let options = options();
    let mut deserializer = ron::Deserializer::from_str_with_options(text, &options)
        .map_err(|err| syntax_error(&err, String::new()))?;
    // The path serde was reading when it failed, so a bad value is named, not just located.
    let value = serde_path_to_error::deserialize::<_, T>(&mut deserializer).map_err(|err| {
        let field = err.path().to_string();
        let field = if field == "." { String::new() } else { field };
        syntax_error(&deserializer.span_error(err.into_inner()), field)
    })?;
    deserializer
        .end()
        .map_err(|err| syntax_error(&deserializer.span_error(err), String::new()))?;
    Ok(value)
}

/// A syntax error with a hint for the mistakes people make most (RON's own words name the
/// token it expected, not what to write instead).
fn with_hint(err: PresetError, text: &str) -> PresetError {
    let PresetError::Syntax {
        line,
        column,
        field,
        message,
    } = err
    else {
        return err;
    };
    let found: String = text
        .lines()
        .nth(line.saturating_sub(1))
        .map(|row| {
            row.chars()
                .skip(column.saturating_sub(1))
                .collect::<String>()
        })
        .unwrap_or_default();
    let found = found.trim_start();
    let looks_like_month = found.len() >= 7
        && found.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && found.as_bytes()[4] == b'-';
    let hint = if message.contains("Expected string") && looks_like_month {
        Some("months are written quoted: \"2025-10\"")
    } else if message.contains("Expected opening `[`") {
        Some("a list goes in brackets, even with one item: [\"own_q1\"]")
    } else if message.contains("found a sequence") {
        Some("one value goes here, not a list")
    } else if message.contains("Expected integer") && found.starts_with('"') {
        Some("whole numbers are written bare: 72, not \"72\"")
    } else {
        None
    };
    PresetError::Syntax {
        line,
        column,
        field,
        message: match hint {
            Some(hint) => format!("{message} — {hint}"),
            None => message,
        },
    }
}

/// The refusal of the bare number at byte `at` of a `T`'s text, located as RON locates its
/// errors.
fn number_error<T: DeserializeOwned>(text: &str, at: usize, problem: &DecimalError) -> PresetError {
    let before = text.get(..at).unwrap_or(text);
    let (line, column) = end_position(before);
    PresetError::Syntax {
        line,
        column,
        field: field_at::<T>(before),
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
fn field_at<T: DeserializeOwned>(before: &str) -> String {
    // RON places an error at the start of the whitespace before the bad token, so none is left.
    let before = before.trim_end_matches(is_ron_whitespace);
    match deserialize::<T>(&format!("{before}@")) {
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

/// What a format version brings, in the words of the older-format error.
fn fields_of_format(version: u32) -> &'static str {
    if version >= super::scenario::FORMAT_V3 {
        "the income statement (`accounting`), facility `collateral`, `funding_gap`, `MinInterestCoverage` and `MaxLtv` covenants or P&L figures in `reported`"
    } else {
        "capacity revenue, capex profiles, funded draws, partners, covenant windows, `market`, `reported` or `Int` distributions"
    }
}

/// The embedded default scenario.
pub fn default_scenario() -> ValidScenario {
    parse_preset(DEFAULT_PRESET)
        .unwrap_or_else(|err| panic!("the embedded s1-base preset is invalid: {err}"))
}
