//! Exact decimal amounts in presets and the one place where the model rounds.
//!
//! Presets write decimals as quoted strings (`"2012.5"`), which keep every digit. A bare RON
//! number is read through `f64`; it is accepted when its shortest `f64` spelling has at most
//! 15 significant digits (then it is exactly what was written) and refused otherwise, so no
//! digit is ever lost silently.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

/// Digits an `f64` always keeps exactly.
const F64_EXACT_DIGITS: usize = 15;

/// Decimal places shown for $M figures in tables and text (to the dollar is 6; we show $0.01M).
pub const DISPLAY_DP: u32 = 2;

/// Rounds a figure for display: the single place where the model's exact values are rounded.
pub fn round_for_display(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(
        DISPLAY_DP,
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    )
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
        parse_decimal(text).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Decimal, E> {
        Decimal::try_from_i128_with_scale(value, 0)
            .map_err(|_| E::custom(format!("{value} is too large for a decimal")))
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Decimal, E> {
        let value = i128::try_from(value)
            .map_err(|_| E::custom(format!("{value} is too large for a decimal")))?;
        self.visit_i128(value)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Decimal, E> {
        if !value.is_finite() {
            return Err(E::custom(format!("{value} is not a finite number")));
        }
        let shortest = format!("{value}");
        let digits = shortest
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>();
        let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
        if significant > F64_EXACT_DIGITS {
            return Err(E::custom(format!(
                "{shortest} has more digits than a bare number keeps exactly; write it quoted, as \"{shortest}\""
            )));
        }
        parse_decimal(&shortest).map_err(E::custom)
    }
}

/// Parses a decimal from its text, naming the text when it is not one.
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let trimmed = text.trim();
    let parsed = if trimmed.contains(['e', 'E']) {
        Decimal::from_scientific(trimmed)
    } else {
        trimmed.parse::<Decimal>()
    };
    parsed.map_err(|_| format!("`{text}` is not a decimal number"))
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
        assert!(err.to_string().contains("quoted"), "{err}");
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
    fn display_rounding_is_half_away_from_zero() {
        assert_eq!(round_for_display(dec!(1.005)), dec!(1.01));
        assert_eq!(round_for_display(dec!(-1.005)), dec!(-1.01));
    }
}
