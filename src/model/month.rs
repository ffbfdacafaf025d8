//! Calendar months as model periods: `t = 0` is January 2025.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The first modelled month's calendar year (`t = 0` is January of it).
pub const BASE_YEAR: i32 = 2025;

/// A calendar month, held as its offset from January 2025 (negative before).
///
/// Written as `"YYYY-MM"` in presets, the CLI and the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Month(pub i32);

impl Month {
    /// Years accepted when parsing; wide enough for any lever, narrow enough that offsets never overflow.
    pub const MIN_YEAR: i32 = 1990;
    pub const MAX_YEAR: i32 = 2100;

    /// The month `t` months after January 2025.
    pub const fn from_index(t: i32) -> Self {
        Self(t)
    }

    /// The month of a calendar year and a 1-based month number.
    pub const fn ym(year: i32, month: u32) -> Self {
        Self((year - BASE_YEAR) * 12 + month as i32 - 1)
    }

    /// Offset from January 2025 (the model's `t`).
    pub const fn index(self) -> i32 {
        self.0
    }

    pub const fn year(self) -> i32 {
        BASE_YEAR + self.0.div_euclid(12)
    }

    /// 1 for January … 12 for December.
    pub const fn month_of_year(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    /// The month `n` months later (earlier if negative).
    pub const fn plus(self, n: i32) -> Self {
        Self(self.0 + n)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month_of_year())
    }
}

/// Why a month string did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a month: expected YYYY-MM with a year in {min}..={max}", min = Month::MIN_YEAR, max = Month::MAX_YEAR)]
pub struct MonthParseError {
    pub text: String,
}

impl FromStr for Month {
    type Err = MonthParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || MonthParseError {
            text: text.to_owned(),
        };
        let (year, month) = text.trim().split_once('-').ok_or_else(err)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(err());
        }
        let year: i32 = year.parse().map_err(|_| err())?;
        let month: u32 = month.parse().map_err(|_| err())?;
        if !(Self::MIN_YEAR..=Self::MAX_YEAR).contains(&year) || !(1..=12).contains(&month) {
            return Err(err());
        }
        Ok(Self::ym(year, month))
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn january_2025_is_t_zero_and_formats_back() {
        for (text, t) in [
            ("2025-01", 0),
            ("2025-12", 11),
            ("2024-07", -6),
            ("2030-12", 71),
            ("2023-04", -21),
        ] {
            let month: Month = text.parse().expect("valid month");
            assert_eq!(month.index(), t, "{text}");
            assert_eq!(month.to_string(), text);
        }
    }

    #[test]
    fn rejects_malformed_months() {
        for text in [
            "2025-13", "2025-00", "2025-1", "25-01", "2025/01", "", "abcd-ef", "2200-01",
        ] {
            assert!(text.parse::<Month>().is_err(), "{text} should not parse");
        }
    }

    #[test]
    fn quarter_end_months_are_march_june_september_december() {
        let ends: Vec<u32> = (0..12)
            .map(Month)
            .filter(|m| m.index() % 3 == 2)
            .map(Month::month_of_year)
            .collect();
        assert_eq!(ends, vec![3, 6, 9, 12]);
    }
}
