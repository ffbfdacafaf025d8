//! The backtest (spec §6.6): each figure the company reported, beside the model's figure for
//! the same month, and the error between them. Reported figures never change the ledger.
//!
//! This file holds the vocabulary (which figure, a row, how an error reads); the engine fills
//! the rows after a run and `outcome::figure_at` reads a figure from the ledger, so the
//! backtest depends on nothing above the scenario.

use rust_decimal::Decimal;
use serde::Serialize;

use super::month::Month;
use super::scenario::Reported;

/// Which reported figure a backtest row compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportedFigure {
    /// Revenue of the quarter ending in the month, $M.
    RevenueQuarter,
    /// Cash at the month's end, $M.
    Cash,
    /// Debt principal at the month's end, $M.
    Debt,
    /// Power online at the month's end, MW.
    MwOnline,
}

impl ReportedFigure {
    pub const ALL: [Self; 4] = [Self::RevenueQuarter, Self::Cash, Self::Debt, Self::MwOnline];

    /// The field's name in a preset's `reported[]`.
    pub const fn field(self) -> &'static str {
        match self {
            Self::RevenueQuarter => "revenue_quarter",
            Self::Cash => "cash",
            Self::Debt => "debt",
            Self::MwOnline => "mw_online",
        }
    }

    /// What a person calls it.
    pub const fn label(self) -> &'static str {
        match self {
            Self::RevenueQuarter => "Quarterly revenue",
            Self::Cash => "Cash",
            Self::Debt => "Debt",
            Self::MwOnline => "Power online",
        }
    }

    /// `$M` or `MW`.
    pub const fn unit(self) -> &'static str {
        match self {
            Self::MwOnline => "MW",
            _ => "$M",
        }
    }

    /// The value an entry reports for this figure, if it reports one.
    pub fn reported_in(self, entry: &Reported) -> Option<Decimal> {
        match self {
            Self::RevenueQuarter => entry.revenue_quarter,
            Self::Cash => entry.cash,
            Self::Debt => entry.debt,
            Self::MwOnline => entry.mw_online,
        }
    }
}

/// One reported figure beside the model's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BacktestRow {
    pub month: Month,
    pub figure: ReportedFigure,
    pub reported: Decimal,
    pub model: Decimal,
    /// `(model − reported) / reported × 100`.
    pub error_pct: Decimal,
    /// The entry's source note.
    pub source: String,
}

/// The `backtest_error_pct` KPI: the mean absolute error over every row; `None` with no rows.
pub fn mean_absolute_error_pct(rows: &[BacktestRow]) -> Option<Decimal> {
    if rows.is_empty() {
        return None;
    }
    let total: Decimal = rows.iter().map(|row| row.error_pct.abs()).sum();
    Some(total / Decimal::from(rows.len()))
}
