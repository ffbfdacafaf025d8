//! What a run returns (spec §4): the monthly ledger, per-item columns and the KPIs.

use rust_decimal::Decimal;
use serde::Serialize;

use super::backtest::{BacktestRow, ReportedFigure};
use super::month::Month;

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// One month of the ledger; money in $M, flows during the month, balances at its end.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct MonthRow {
    pub month: Month,
    pub revenue: Decimal,
    pub collections: Decimal,
    pub cost_of_revenue: Decimal,
    pub opex: Decimal,
    pub ebitda: Decimal,
    pub capex: Decimal,
    pub reimbursement: Decimal,
    /// Interest paid on every facility, the revolver included.
    pub interest: Decimal,
    /// Scheduled principal, balloons and sweeps of the non-revolver facilities.
    pub principal: Decimal,
    /// Draws on the non-revolver facilities.
    pub draws: Decimal,
    pub equity: Decimal,
    pub revolver_draw: Decimal,
    pub revolver_repay: Decimal,
    pub cash: Decimal,
    /// Cash plus the undrawn revolver before its maturity month (spec §3.8).
    pub liquidity: Decimal,
    /// Every facility's closing balance, the revolver included.
    pub debt: Decimal,
    pub mw_online: Decimal,
}

/// One facility in one month. For the revolver, `principal` is its repayment and `draw` its draw.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize)]
pub struct FacilityMonth {
    pub balance: Decimal,
    pub interest: Decimal,
    pub principal: Decimal,
    pub draw: Decimal,
}

/// What a covenant tests, which says how its headroom is read from its value and threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CovenantKind {
    /// Liquidity against a floor.
    MinLiquidity,
    /// Debt service coverage against a minimum.
    Dscr,
    /// Debt / annualised EBITDA against a maximum.
    MaxLeverage,
}

/// A covenant in a month where it was tested.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CovenantTest {
    pub kind: CovenantKind,
    /// The tested figure; `None` when it is not finite (leverage with EBITDA ≤ 0 or beyond any scale).
    pub value: Option<Decimal>,
    pub threshold: Decimal,
    pub breach: bool,
}

impl CovenantTest {
    /// Headroom in % (spec §3.8): `(value − floor)/floor` for liquidity, `value/min − 1` for
    /// coverage, `max/value − 1` for leverage (−100 % when leverage is infinite), times 100.
    ///
    /// Derived when read rather than stored: a run tests liquidity every month, and the division
    /// cost ~15 % of a run while most headrooms are never looked at. The engine decides breaches
    /// and the KPIs' lowest headroom without it, to the same result.
    pub fn headroom_pct(&self) -> Decimal {
        // Validation keeps floors ≥ $1M, minimum coverage ≥ 0.1x and maximum leverage ≥ 0.5x,
        // and the engine tests ratios only on debt service and debt of at least `DUST`: no
        // quotient below can overflow or divide by zero. `checked_*` keeps a bug from panicking.
        let ratio = |numerator: Decimal, denominator: Decimal| {
            numerator
                .checked_div(denominator)
                .and_then(|ratio| (ratio - Decimal::ONE).checked_mul(HUNDRED))
        };
        let headroom = match (self.kind, self.value) {
            (CovenantKind::MinLiquidity, Some(liquidity)) => (liquidity - self.threshold)
                .checked_div(self.threshold)
                .and_then(|share| share.checked_mul(HUNDRED)),
            (CovenantKind::Dscr, Some(coverage)) => ratio(coverage, self.threshold),
            (CovenantKind::MaxLeverage, Some(leverage)) => ratio(self.threshold, leverage),
            (_, None) => None,
        };
        headroom.unwrap_or(-HUNDRED)
    }
}

/// Where a covenant first broke.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Breach {
    pub month: Month,
    pub covenant: String,
}

/// One covenant's summary over the horizon.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CovenantKpi {
    pub id: String,
    pub first_breach: Option<Month>,
    /// Lowest headroom over the tested months; `None` if never tested.
    pub min_headroom_pct: Option<Decimal>,
    pub breach_months: u32,
}

/// The summary figures of spec §4.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Kpis {
    /// First month with cash below zero.
    pub runway_month: Option<Month>,
    pub min_cash: Decimal,
    pub min_cash_month: Month,
    pub first_breach: Option<Breach>,
    pub covenants: Vec<CovenantKpi>,
    pub total_interest: Decimal,
    pub peak_debt: Decimal,
    pub peak_debt_month: Month,
    /// The largest shortfall of liquidity below the minimum-liquidity threshold (0 if none).
    pub funding_need: Decimal,
    pub ending_cash: Decimal,
    /// Mean absolute error of the model against the reported figures, % (spec §6.6); `None`
    /// when the scenario reports nothing.
    pub backtest_error_pct: Option<Decimal>,
}

/// The result of one run: rows, per-item columns (row-major) and KPIs. `Default` is an empty
/// outcome for `engine::run_into` to fill.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Outcome {
    pub months: Vec<MonthRow>,
    /// The revenue streams: every contract, then every site that earns capacity revenue.
    pub revenue_ids: Vec<String>,
    pub facility_ids: Vec<String>,
    pub covenant_ids: Vec<String>,
    /// `stream_revenue[t * revenue_ids.len() + i]`.
    pub stream_revenue: Vec<Decimal>,
    /// `facilities[t * facility_count + f]`.
    pub facilities: Vec<FacilityMonth>,
    /// `covenants[t * covenant_count + k]`; `None` where not tested.
    pub covenants: Vec<Option<CovenantTest>>,
    /// Each reported figure beside the model's (spec §6.6).
    pub backtest: Vec<BacktestRow>,
    pub kpis: Kpis,
}

/// The model's value of a reported figure at month index `t` (spec §6.6): quarterly revenue is
/// the sum of months `t − 2 … t`; cash, debt and power online are the month-end values. `None`
/// when the ledger does not reach it (a quarter needs its three months).
pub fn figure_at(months: &[MonthRow], figure: ReportedFigure, t: usize) -> Option<Decimal> {
    let row = months.get(t)?;
    Some(match figure {
        ReportedFigure::RevenueQuarter => {
            let first = t.checked_sub(2)?;
            months[first..=t].iter().map(|row| row.revenue).sum()
        }
        ReportedFigure::Cash => row.cash,
        ReportedFigure::Debt => row.debt,
        ReportedFigure::MwOnline => row.mw_online,
    })
}

/// A ledger cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Month(Month),
    Money(Decimal),
    Flag(bool),
    Empty,
}

/// The fixed columns of spec §4, in order.
pub const BASE_COLUMNS: [&str; 18] = [
    "month",
    "revenue",
    "collections",
    "cost_of_revenue",
    "opex",
    "ebitda",
    "capex",
    "reimbursement",
    "interest",
    "principal",
    "draws",
    "equity",
    "revolver_draw",
    "revolver_repay",
    "cash",
    "liquidity",
    "debt",
    "mw_online",
];

const FACILITY_FIELDS: [&str; 4] = ["balance", "interest", "principal", "draw"];
const COVENANT_FIELDS: [&str; 4] = ["value", "threshold", "headroom_pct", "breach"];

impl Outcome {
    /// Revenue of stream `i` (a contract or an earning site) in month `t`.
    pub fn stream_revenue(&self, t: usize, i: usize) -> Decimal {
        self.stream_revenue[t * self.revenue_ids.len() + i]
    }

    pub fn facility(&self, t: usize, facility: usize) -> FacilityMonth {
        self.facilities[t * self.facility_ids.len() + facility]
    }

    pub fn covenant(&self, t: usize, covenant: usize) -> Option<CovenantTest> {
        self.covenants[t * self.covenant_ids.len() + covenant]
    }

    /// Every column name of the ledger, in order (spec §4).
    pub fn column_names(&self) -> Vec<String> {
        let mut names: Vec<String> = BASE_COLUMNS.iter().map(|name| (*name).to_owned()).collect();
        names.extend(self.revenue_ids.iter().map(|id| format!("revenue.{id}")));
        for id in &self.facility_ids {
            names.extend(FACILITY_FIELDS.iter().map(|field| format!("{id}.{field}")));
        }
        for id in &self.covenant_ids {
            names.extend(COVENANT_FIELDS.iter().map(|field| format!("{id}.{field}")));
        }
        names
    }

    /// The cells of month `t`, in [`Self::column_names`] order.
    pub fn row_cells(&self, t: usize) -> Vec<Cell> {
        let row = &self.months[t];
        let mut cells = vec![Cell::Month(row.month)];
        cells.extend(
            [
                row.revenue,
                row.collections,
                row.cost_of_revenue,
                row.opex,
                row.ebitda,
                row.capex,
                row.reimbursement,
                row.interest,
                row.principal,
                row.draws,
                row.equity,
                row.revolver_draw,
                row.revolver_repay,
                row.cash,
                row.liquidity,
                row.debt,
                row.mw_online,
            ]
            .map(Cell::Money),
        );
        cells.extend((0..self.revenue_ids.len()).map(|i| Cell::Money(self.stream_revenue(t, i))));
        for f in 0..self.facility_ids.len() {
            let month = self.facility(t, f);
            cells.extend(
                [month.balance, month.interest, month.principal, month.draw].map(Cell::Money),
            );
        }
        for k in 0..self.covenant_ids.len() {
            match self.covenant(t, k) {
                Some(test) => cells.extend([
                    test.value.map_or(Cell::Empty, Cell::Money),
                    Cell::Money(test.threshold),
                    Cell::Money(test.headroom_pct()),
                    Cell::Flag(test.breach),
                ]),
                None => cells.extend([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]),
            }
        }
        cells
    }
}
