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
    /// Net income of the quarter ending in the month, $M (spec §8.1; may be negative).
    NetIncomeQuarter,
    /// Adjusted operating income of the quarter, $M.
    AdjustedOperatingIncomeQuarter,
    /// Interest expense of the quarter, $M.
    InterestExpenseQuarter,
}

impl ReportedFigure {
    pub const ALL: [Self; 7] = [
        Self::RevenueQuarter,
        Self::Cash,
        Self::Debt,
        Self::MwOnline,
        Self::NetIncomeQuarter,
        Self::AdjustedOperatingIncomeQuarter,
        Self::InterestExpenseQuarter,
    ];

    /// Whether the figure is an income-statement sum over a quarter, read from the P&L columns
    /// (only with an `accounting` section, and the only figures that may be negative).
    pub const fn is_pnl(self) -> bool {
        matches!(
            self,
            Self::NetIncomeQuarter
                | Self::AdjustedOperatingIncomeQuarter
                | Self::InterestExpenseQuarter
        )
    }

    /// Whether the figure sums the quarter ending in its month (which must be a quarter end).
    pub const fn is_quarterly(self) -> bool {
        matches!(self, Self::RevenueQuarter) || self.is_pnl()
    }

    /// The field's name in a preset's `reported[]`.
    pub const fn field(self) -> &'static str {
        match self {
            Self::RevenueQuarter => "revenue_quarter",
            Self::Cash => "cash",
            Self::Debt => "debt",
            Self::MwOnline => "mw_online",
            Self::NetIncomeQuarter => "net_income_quarter",
            Self::AdjustedOperatingIncomeQuarter => "adjusted_operating_income_quarter",
            Self::InterestExpenseQuarter => "interest_expense_quarter",
        }
    }

    /// What a person calls it.
    pub const fn label(self) -> &'static str {
        match self {
            Self::RevenueQuarter => "Quarterly revenue",
            Self::Cash => "Cash",
            Self::Debt => "Debt",
            Self::MwOnline => "Power online",
            Self::NetIncomeQuarter => "Quarterly net income",
            Self::AdjustedOperatingIncomeQuarter => "Quarterly adjusted operating income",
            Self::InterestExpenseQuarter => "Quarterly interest expense",
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
            Self::NetIncomeQuarter => entry.net_income_quarter,
            Self::AdjustedOperatingIncomeQuarter => entry.adjusted_operating_income_quarter,
            Self::InterestExpenseQuarter => entry.interest_expense_quarter,
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
    /// `(model − reported) / |reported| × 100` (spec §8.1: a loss reported as negative).
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
