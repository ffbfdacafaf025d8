//! Exact decimal amounts in presets and the one place where the model rounds.
//!
//! Every decimal is read from its text, exactly or not at all: text with more digits than a
//! `Decimal` holds, an exponent, or a value past `Decimal`'s range is refused with a
//! [`DecimalError`] that names it, never rounded. Presets write decimals quoted (`"2012.5"`).
//! A bare RON number would be read through `f64`, so the preset reader checks each bare number
//! on the text first ([`check_bare_number`]): at most 15 significant digits (where `f64` is
//! exact) and no exponent.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

/// Digits an `f64` always keeps exactly.
const F64_EXACT_DIGITS: usize = 15;

/// The smallest integer part a `Decimal` cannot hold: 2^96, its 96-bit mantissa's limit.
const TOO_LARGE: &str = "79228162514264337593543950336";

/// Decimal places shown for $M figures in tables and text (to the dollar is 6; we show $0.01M).
pub const DISPLAY_DP: u32 = 2;

/// Rounds a figure for display: the single place where the model's exact values are rounded.
pub fn round_for_display(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(
        DISPLAY_DP,
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    )
}

/// Why the text of a number was refused. Each names the text as written (trimmed, control
/// characters escaped so the message stays on one line).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("`{0}` is not a decimal number")]
    NotANumber(String),
    #[error("`{0}` has an exponent; use plain decimal notation")]
    Exponent(String),
    #[error("`{0}` is too large for a decimal")]
    TooLarge(String),
    /// More digits, or more decimal places, than a `Decimal` holds exactly.
    #[error("`{0}` has too many digits (a decimal keeps 28)")]
    TooManyDigits(String),
    /// A bare preset number past what `f64` keeps exactly.
    #[error("`{0}` has too many digits for a bare number (15 at most); quote it")]
    TooManyBareDigits(String),
}

/// `text` with control characters (and Unicode line breaks) escaped, so a message that quotes
/// user text stays on one line.
pub(crate) fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `serde(with = "dec")` for a `Decimal` written as an exact string.
pub mod dec {
    use super::*;

    pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&value.normalize())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        deserializer.deserialize_any(DecimalVisitor)
    }

    /// `serde(with = "dec::option")` for an optional exact decimal (`cash: "1300"` or absent).
    pub mod option {
        use super::*;
        use serde::Deserialize;

        struct Exact(Decimal);

        impl<'de> Deserialize<'de> for Exact {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(DecimalVisitor).map(Exact)
            }
        }

        pub fn serialize<S: Serializer>(
            value: &Option<Decimal>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(value) => serializer.serialize_some(&value.normalize().to_string()),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Decimal>, D::Error> {
            Ok(Option::<Exact>::deserialize(deserializer)?.map(|exact| exact.0))
        }
    }
}

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number, preferably quoted (\"2012.5\")")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Decimal, E> {
        exact_decimal(text).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Decimal, E> {
        Decimal::try_from_i128_with_scale(value, 0)
            .map_err(|_| E::custom(DecimalError::TooLarge(value.to_string())))
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Decimal, E> {
        let value = i128::try_from(value)
            .map_err(|_| E::custom(DecimalError::TooLarge(value.to_string())))?;
        self.visit_i128(value)
    }

    /// A preset's bare numbers were checked on their text before reading, so this only decides
    /// for RON read some other way; there the float's shortest spelling is all there is.
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Decimal, E> {
        if !value.is_finite() {
            return Err(E::custom(format!("{value} is not a finite number")));
        }
        let shortest = format!("{value}");
        check_bare_number(&shortest)
            .and_then(|()| exact_decimal(&shortest))
            .map_err(E::custom)
    }
}

/// A number in plain decimal notation, split at its point, digit-group underscores dropped.
struct Plain {
    negative: bool,
    integer: String,
    fraction: String,
}

impl Plain {
    /// Splits trimmed text such as `-4.30` or `1_000`; `None` if it is not plain notation.
    fn read(text: &str) -> Option<Self> {
        let (negative, body) = match text.strip_prefix('-') {
            Some(body) => (true, body),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        if body.starts_with('_') {
            return None;
        }
        let (integer, fraction) = body.split_once('.').unwrap_or((body, ""));
        let digits = |part: &str| {
            part.chars()
                .all(|c| c.is_ascii_digit() || c == '_')
                .then(|| part.replace('_', ""))
        };
        let (integer, fraction) = (digits(integer)?, digits(fraction)?);
        if integer.is_empty() && fraction.is_empty() {
            return None;
        }
        Some(Self {
            negative,
            integer,
            fraction,
        })
    }

    /// The integer part alone is 2^96 or more, past any `Decimal`.
    fn is_too_large(&self) -> bool {
        let integer = self.integer.trim_start_matches('0');
        integer.len() > TOO_LARGE.len()
            || (integer.len() == TOO_LARGE.len() && integer >= TOO_LARGE)
    }

    /// Digits that carry the value: leading and trailing zeros do not count.
    fn significant_digits(&self) -> usize {
        let digits = format!("{}{}", self.integer, self.fraction);
        digits.trim_start_matches('0').trim_end_matches('0').len()
    }

    /// The exact value, keeping the written places where they fit (`4.30` stays `4.30`), or
    /// `None` if no `Decimal` equals it.
    fn to_decimal(&self) -> Option<Decimal> {
        let fraction = self.fraction.trim_end_matches('0');
        Self::exact(self.negative, &self.integer, &self.fraction)
            .or_else(|| Self::exact(self.negative, &self.integer, fraction))
    }

    fn exact(negative: bool, integer: &str, fraction: &str) -> Option<Decimal> {
        let scale = u32::try_from(fraction.len()).ok()?;
        let digits = format!("{integer}{fraction}");
        let significant = digits.trim_start_matches('0');
        // 29 digits is the most a 96-bit mantissa has; longer would not fit an i128 either.
        if significant.len() > TOO_LARGE.len() {
            return None;
        }
        let mantissa: i128 = if significant.is_empty() {
            0
        } else {
            significant.parse().ok()?
        };
        let mantissa = if negative { -mantissa } else { mantissa };
        Decimal::try_from_i128_with_scale(mantissa, scale).ok()
    }
}

/// Whether trimmed text is a number in exponent notation (`1e30`, `4.3E-2`), so the refusal
/// can say what to write instead.
fn has_exponent(text: &str) -> bool {
    let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent
        .strip_prefix(['+', '-'])
        .unwrap_or(exponent)
        .replace('_', "");
    Plain::read(mantissa).is_some()
        && !exponent.is_empty()
        && exponent.chars().all(|c| c.is_ascii_digit())
}

/// Reads a decimal from its text exactly, or refuses it: exponents, values past `Decimal`'s
/// range and digits a `Decimal` cannot hold are errors, never rounded. Spaces around it are
/// ignored; `_` may group digits.
pub fn exact_decimal(text: &str) -> Result<Decimal, DecimalError> {
    let text = text.trim();
    let shown = || one_line(text);
    let Some(plain) = Plain::read(text) else {
        return Err(if has_exponent(text) {
            DecimalError::Exponent(shown())
        } else {
            DecimalError::NotANumber(shown())
        });
    };
    if plain.is_too_large() {
        return Err(DecimalError::TooLarge(shown()));
    }
    plain
        .to_decimal()
        .ok_or_else(|| DecimalError::TooManyDigits(shown()))
}

/// Integer and float type suffixes RON allows on a number (`1u8`, `2.5f64`).
const TYPE_SUFFIXES: [&str; 12] = [
    "i8", "i16", "i32", "i64", "i128", "u8", "u16", "u32", "u64", "u128", "f32", "f64",
];

/// Checks a bare number as a preset writes it (`9.62`, `60`, `-6`), before anything reads it:
/// RON would take it through `f64`, exact only to 15 significant digits, so more are refused,
/// as are exponents and values past `Decimal`'s range. Integers in another base (`0x1F`) are
/// exact and left to RON, as is anything that is not a number at all.
pub fn check_bare_number(literal: &str) -> Result<(), DecimalError> {
    let unsigned = literal.strip_prefix(['+', '-']).unwrap_or(literal);
    if ["0x", "0b", "0o"]
        .iter()
        .any(|base| unsigned.starts_with(base))
    {
        return Ok(());
    }
    let number = TYPE_SUFFIXES
        .iter()
        .find_map(|suffix| literal.strip_suffix(suffix))
        .unwrap_or(literal);
    let shown = || one_line(literal);
    let Some(plain) = Plain::read(number) else {
        return if has_exponent(number) {
            Err(DecimalError::Exponent(shown()))
        } else {
            Ok(())
        };
    };
    if plain.is_too_large() {
        Err(DecimalError::TooLarge(shown()))
    } else if plain.significant_digits() > F64_EXACT_DIGITS {
        Err(DecimalError::TooManyBareDigits(shown()))
    } else if plain.to_decimal().is_none() {
        Err(DecimalError::TooManyDigits(shown()))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
    struct Holder {
        #[serde(with = "super::dec")]
        amount: Decimal,
    }

    fn read(text: &str) -> Result<Decimal, ron::error::SpannedError> {
        ron::from_str::<Holder>(text).map(|holder| holder.amount)
    }

    #[test]
    fn quoted_and_short_bare_numbers_read_exactly() {
        assert_eq!(read(r#"(amount: "2012.5")"#).ok(), Some(dec!(2012.5)));
        assert_eq!(
            read(r#"(amount: "12345678901234567.123456789")"#).ok(),
            Some(dec!(12345678901234567.123456789))
        );
        assert_eq!(read("(amount: 250000.10)").ok(), Some(dec!(250000.1)));
        assert_eq!(read("(amount: 1361)").ok(), Some(dec!(1361)));
        assert_eq!(read("(amount: -4.3)").ok(), Some(dec!(-4.3)));
    }

    #[test]
    fn long_bare_floats_are_refused_not_rounded() {
        let err = read("(amount: 0.12345678901234567)")
            .expect_err("17 digits cannot be exact through f64");
        assert!(
            err.to_string()
                .contains("`0.12345678901234566` has too many digits for a bare number"),
            "{err}"
        );
        let err = read("(amount: 1e-30)").expect_err("30 places do not fit a decimal");
        assert!(err.to_string().contains("has too many digits"), "{err}");
    }

    #[test]
    fn written_money_reads_back_identical() {
        for amount in [
            dec!(2012.5),
            dec!(0.000001),
            dec!(-3843.8),
            dec!(79228162514264.337593543950),
        ] {
            let text = ron::to_string(&Holder { amount }).expect("serialises");
            assert_eq!(read(&text).ok(), Some(amount), "{text}");
        }
    }

    #[test]
    fn text_reads_exactly_or_is_refused_by_name() {
        let max = "79228162514264337593543950335";
        let cases: [(&str, Result<Decimal, DecimalError>); 16] = [
            ("2012.5", Ok(dec!(2012.5))),
            (" 4.30 ", Ok(dec!(4.30))),
            ("-0.5", Ok(dec!(-0.5))),
            ("+7", Ok(dec!(7))),
            (".5", Ok(dec!(0.5))),
            ("1_000", Ok(dec!(1000))),
            (max, Ok(Decimal::MAX)),
            ("0.0000000000000000000000000001", Ok(dec!(1e-28))),
            // Zeros past the 28th place change nothing, so nothing is lost.
            ("4.30000000000000000000000000000000", Ok(dec!(4.3))),
            (
                "4.300000000000000000000000000000000000001",
                Err(DecimalError::TooManyDigits(
                    "4.300000000000000000000000000000000000001".into(),
                )),
            ),
            (
                "0.00000000000000000000000000001",
                Err(DecimalError::TooManyDigits(
                    "0.00000000000000000000000000001".into(),
                )),
            ),
            ("1e30", Err(DecimalError::Exponent("1e30".into()))),
            ("4.3E2", Err(DecimalError::Exponent("4.3E2".into()))),
            (
                "79228162514264337593543950336",
                Err(DecimalError::TooLarge(
                    "79228162514264337593543950336".into(),
                )),
            ),
            ("one", Err(DecimalError::NotANumber("one".into()))),
            ("1\n2", Err(DecimalError::NotANumber("1\\n2".into()))),
        ];
        for (text, expected) in cases {
            assert_eq!(exact_decimal(text), expected, "{text:?}");
        }
        assert_eq!(exact_decimal(" 4.30 ").map(|d| d.scale()), Ok(2));
    }

    #[test]
    fn bare_numbers_are_checked_on_their_text() {
        for fine in [
            "9.62",
            "60",
            "-6",
            "0",
            "1000000000000000000000",
            "0x1F",
            "2u8",
        ] {
            assert_eq!(check_bare_number(fine), Ok(()), "{fine}");
        }
        let cases = [
            (
                "4.3000000000000001",
                DecimalError::TooManyBareDigits("4.3000000000000001".into()),
            ),
            ("1e30", DecimalError::Exponent("1e30".into())),
            ("-4.3E2f64", DecimalError::Exponent("-4.3E2f64".into())),
            (
                "79228162514264337593543950336",
                DecimalError::TooLarge("79228162514264337593543950336".into()),
            ),
        ];
        for (literal, expected) in cases {
            assert_eq!(check_bare_number(literal), Err(expected), "{literal}");
        }
    }

    #[test]
    fn display_rounding_is_half_away_from_zero() {
        assert_eq!(round_for_display(dec!(1.005)), dec!(1.01));
        assert_eq!(round_for_display(dec!(-1.005)), dec!(-1.01));
    }
}
