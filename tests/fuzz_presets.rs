//! Fuzzing the preset reader with mutated shipped presets: whatever the text, reading it (and
//! running it, when it validates) never panics, every refusal is one line, and whatever is
//! accepted is written back to text that reads as the same scenario.
//!
//! CI runs 256 cases; a longer hunt sets `PROPTEST_CASES` (release mode is ~10× faster):
//! `PROPTEST_CASES=200000 cargo test --release --test fuzz_presets`.

use coreweave_whatif::model::{SHIPPED_PRESETS, parse_preset, run, to_ron};
use proptest::prelude::*;
use proptest::sample::Index;

/// Fragments worth inserting: the characters RON's grammar turns on, numbers at every edge of
/// what a decimal holds, and text an editor or a paste can bring in.
const TOKENS: &[&str] = &[
    "0",
    "7",
    "-",
    "+",
    ".",
    "_",
    "e",
    "E",
    "e-",
    "\"",
    "'",
    "'\"'",
    "\\",
    "\\\"",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\n",
    "\r\n",
    "\t",
    "//",
    "/*",
    "*/",
    "r#\"",
    "\"#",
    "r#",
    "b\"",
    "b'a'",
    "0x",
    "0b",
    "1u8",
    "2.5f64",
    "inf",
    "-inf",
    "NaN",
    "Some(",
    "None",
    "true",
    "1e30",
    "4.3E2",
    "1e-400",
    "1e400",
    "4.3000000000000001",
    "123456789012345678",
    "79228162514264337593543950335",
    "79228162514264337593543950336",
    "-79228162514264337593543950335.5",
    "0.00000000000000000000000000001",
    "0.0000000000000000000000000001",
    "99999999999999999999999999999999999999999",
    "340282366920938463463374607431768211456",
    "\"1e30\"",
    "\"4.300000000000000000000000000000000000001\"",
    "\"79228162514264337593543950336\"",
    "\"-0\"",
    "\"\"",
    "é",
    "\u{301}",
    "\u{FEFF}",
    "\u{2028}",
    "\u{200E}",
    "\u{85}",
    "\0",
    "🦀",
    "ⅷ",
    "٣",
    "format_version: 3",
    "format_version: 1",
    "horizon_months: 120,",
];

/// One edit of a preset's text. Positions are drawn as [`Index`]es and mapped onto whatever
/// length the text has by then, snapped to a character boundary.
#[derive(Clone, Debug)]
enum Mutation {
    /// Flips one bit of one byte; text that is no longer UTF-8 gets replacement characters,
    /// as a file would only reach the parser through a UTF-8 check.
    FlipBit {
        at: Index,
        bit: u8,
    },
    ReplaceChar {
        at: Index,
        with: char,
    },
    Delete {
        at: Index,
        len: usize,
    },
    Insert {
        at: Index,
        token: Index,
    },
    InsertChar {
        at: Index,
        with: char,
    },
    Truncate {
        at: Index,
    },
    /// Copies a piece of another shipped preset over a piece of this one.
    Splice {
        at: Index,
        replaced: usize,
        preset: Index,
        from: Index,
        len: usize,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<Index>;
    prop_oneof![
        1 => (at(), 0..8_u8).prop_map(|(at, bit)| Mutation::FlipBit { at, bit }),
        2 => (at(), any::<char>()).prop_map(|(at, with)| Mutation::ReplaceChar { at, with }),
        2 => (at(), 1..40_usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        3 => (at(), at()).prop_map(|(at, token)| Mutation::Insert { at, token }),
        1 => (at(), any::<char>()).prop_map(|(at, with)| Mutation::InsertChar { at, with }),
        1 => at().prop_map(|at| Mutation::Truncate { at }),
        1 => (at(), 0..200_usize, at(), at(), 1..400_usize).prop_map(
            |(at, replaced, preset, from, len)| Mutation::Splice {
                at,
                replaced,
                preset,
                from,
                len,
            }
        ),
    ]
}

/// The character boundary at or before `at`.
fn boundary(text: &str, at: usize) -> usize {
    (0..=at.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0)
}

fn position(text: &str, at: &Index) -> usize {
    boundary(text, at.index(text.len() + 1))
}

fn apply(text: &mut String, mutation: &Mutation) {
    match mutation {
        Mutation::FlipBit { at, bit } => {
            if text.is_empty() {
                return;
            }
            let mut bytes = std::mem::take(text).into_bytes();
            let i = at.index(bytes.len());
            bytes[i] ^= 1 << bit;
            *text = String::from_utf8_lossy(&bytes).into_owned();
        }
        Mutation::ReplaceChar { at, with } => {
            let i = position(text, at);
            if let Some(old) = text[i..].chars().next() {
                text.replace_range(i..i + old.len_utf8(), with.encode_utf8(&mut [0; 4]));
            }
        }
        Mutation::Delete { at, len } => {
            let i = position(text, at);
            let end = boundary(text, i + len);
            text.replace_range(i..end, "");
        }
        Mutation::Insert { at, token } => {
            let i = position(text, at);
            text.insert_str(i, TOKENS[token.index(TOKENS.len())]);
        }
        Mutation::InsertChar { at, with } => {
            let i = position(text, at);
            text.insert(i, *with);
        }
        Mutation::Truncate { at } => {
            let i = position(text, at);
            text.truncate(i);
        }
        Mutation::Splice {
            at,
            replaced,
            preset,
            from,
            len,
        } => {
            let source = SHIPPED_PRESETS[preset.index(SHIPPED_PRESETS.len())].1;
            let start = position(source, from);
            let piece = &source[start..boundary(source, start + len)];
            let i = position(text, at);
            let end = boundary(text, i + replaced);
            text.replace_range(i..end, piece);
        }
    }
}

/// A shipped preset with 1 to 8 mutations applied in turn.
fn mutated_preset() -> impl Strategy<Value = String> {
    (any::<Index>(), prop::collection::vec(mutation(), 1..=8)).prop_map(|(preset, mutations)| {
        let mut text = SHIPPED_PRESETS[preset.index(SHIPPED_PRESETS.len())]
            .1
            .to_owned();
        for mutation in &mutations {
            apply(&mut text, mutation);
        }
        text
    })
}

fn one_line(what: &str, message: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        !message.contains(['\n', '\r']),
        "{what} is not one line: {message:?}"
    );
    Ok(())
}

/// 256 cases, the CI budget, unless `PROPTEST_CASES` asks for more (or fewer).
fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 256;
    }
    config
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_presets_are_read_or_refused_on_one_line(text in mutated_preset()) {
        match parse_preset(&text) {
            Err(err) => one_line("the refusal", &err.to_string())?,
            Ok(valid) => {
                if let Err(err) = run(&valid) {
                    one_line("the run's error", &err.to_string())?;
                }
                let written = to_ron(valid.scenario())
                    .map_err(|err| TestCaseError::fail(format!("cannot write it back: {err}")))?;
                let again = parse_preset(&written).map_err(|err| {
                    TestCaseError::fail(format!("its written form is refused: {err}\n{written}"))
                })?;
                prop_assert_eq!(again, valid, "the written form reads as a different scenario");
            }
        }
    }
}
