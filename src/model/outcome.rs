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

/// The income statement of one month (spec §8.1), kept when the scenario has an `accounting`
/// section. Depreciation and stock compensation are not cash; tax is.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize)]
pub struct PnlMonth {
    pub depreciation: Decimal,
    pub stock_comp: Decimal,
    /// `interest × (1 − capitalised_interest_pct/100)`.
    pub interest_expense: Decimal,
    /// `ebitda − depreciation`.
    pub adjusted_operating_income: Decimal,
    /// `adjusted_operating_income − stock_comp`.
    pub operating_income: Decimal,
    /// `operating_income − interest_expense`.
    pub pre_tax_income: Decimal,
    /// `tax_pct/100 × max(0, pre_tax_income)`, paid in cash.
    pub tax: Decimal,
    /// `pre_tax_income − tax`.
    pub net_income: Decimal,
    /// Property and equipment at the month's end, net of depreciation.
    pub book_value: Decimal,
}

/// A collateralised facility in one month (spec §8.2).
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize)]
pub struct CollateralMonth {
    /// `V(t)`: the collateral's value at the month's end.
    pub value: Decimal,
    /// The borrowing-base prepayment (also in the facility's principal).
    pub prepay: Decimal,
}

/// One calendar year's income-statement KPIs (spec §8.1).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct YearKpi {
    pub year: i32,
    pub revenue: Decimal,
    pub net_income: Decimal,
    /// `(revenue − net_income) / revenue`: what each dollar of revenue cost; `None` for a
    /// year without revenue.
    pub cost_per_revenue_dollar: Option<Decimal>,
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
    /// Trailing EBITDA / trailing interest expense against a minimum.
    MinInterestCoverage,
    /// A facility's balance / its collateral's value, %, against a maximum.
    MaxLtv,
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
            (CovenantKind::Dscr | CovenantKind::MinInterestCoverage, Some(coverage)) => {
                ratio(coverage, self.threshold)
            }
            (CovenantKind::MaxLeverage | CovenantKind::MaxLtv, Some(ratio_value)) => {
                ratio(self.threshold, ratio_value)
            }
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
    /// Net income and cost per revenue dollar of each calendar year in the horizon (spec
    /// §8.1); empty without an `accounting` section.
    pub years: Vec<YearKpi>,
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
    /// The income statement, one row a month; empty without an `accounting` section.
    pub pnl: Vec<PnlMonth>,
    /// Interest on the funding gap, one a month (in `interest` too); empty without a
    /// `funding_gap` section.
    pub gap_interest: Vec<Decimal>,
    /// The facilities with `collateral`, in preset order.
    pub collateral_ids: Vec<String>,
    /// `collateral[t * collateral_ids.len() + k]`.
    pub collateral: Vec<CollateralMonth>,
}

/// The model's value of a reported figure at month index `t` (spec §6.6): quarterly revenue is
/// the sum of months `t − 2 … t`; cash, debt and power online are the month-end values. `None`
/// when the ledger does not reach it (a quarter needs its three months).
///
/// The P&L figures are read by [`pnl_figure_at`]; here they are `None`.
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
        ReportedFigure::NetIncomeQuarter
        | ReportedFigure::AdjustedOperatingIncomeQuarter
        | ReportedFigure::InterestExpenseQuarter => return None,
    })
}

/// The model's value of a P&L figure at month index `t` (spec §8.1): the sum over months
/// `t − 2 … t` of the income statement. `None` for other figures, without an income statement,
/// or when the ledger does not reach the quarter.
pub fn pnl_figure_at(pnl: &[PnlMonth], figure: ReportedFigure, t: usize) -> Option<Decimal> {
    let read: fn(&PnlMonth) -> Decimal = match figure {
        ReportedFigure::NetIncomeQuarter => |month| month.net_income,
        ReportedFigure::AdjustedOperatingIncomeQuarter => |month| month.adjusted_operating_income,
        ReportedFigure::InterestExpenseQuarter => |month| month.interest_expense,
        _ => return None,
    };
    let first = t.checked_sub(2)?;
    let quarter = pnl.get(first..=t)?;
    Some(quarter.iter().map(read).sum())
}

/// The income-statement columns (spec §8.1, §8.7.2), after the fixed ones when the scenario
/// has an `accounting` section.
pub const PNL_COLUMNS: [&str; 9] = [
    "depreciation",
    "stock_comp",
    "interest_expense",
    "adjusted_operating_income",
    "operating_income",
    "pre_tax_income",
    "tax",
    "net_income",
    "book_value",
];

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

    /// Collateralised facility `k` (of [`Self::collateral_ids`]) in month `t`.
    pub fn collateral_month(&self, t: usize, k: usize) -> CollateralMonth {
        self.collateral[t * self.collateral_ids.len() + k]
    }

    /// The tax of month `t`, 0 without an income statement: the identity of spec §4 gains
    /// `− tax` (spec §8.1).
    pub fn tax(&self, t: usize) -> Decimal {
        self.pnl.get(t).map_or(Decimal::ZERO, |pnl| pnl.tax)
    }

    pub fn covenant(&self, t: usize, covenant: usize) -> Option<CovenantTest> {
        self.covenants[t * self.covenant_ids.len() + covenant]
    }

    /// Every column name of the ledger, in order (spec §4).
    pub fn column_names(&self) -> Vec<String> {
        let mut names: Vec<String> = BASE_COLUMNS.iter().map(|name| (*name).to_owned()).collect();
        if !self.pnl.is_empty() {
            names.extend(PNL_COLUMNS.iter().map(|name| (*name).to_owned()));
        }
        if !self.gap_interest.is_empty() {
            names.push("gap_interest".to_owned());
        }
        names.extend(self.revenue_ids.iter().map(|id| format!("revenue.{id}")));
        for id in &self.facility_ids {
            names.extend(FACILITY_FIELDS.iter().map(|field| format!("{id}.{field}")));
            if self.collateral_ids.contains(id) {
                names.push(format!("{id}.collateral"));
                names.push(format!("{id}.collateral_prepay"));
            }
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
        if let Some(pnl) = self.pnl.get(t) {
            cells.extend(
                [
                    pnl.depreciation,
                    pnl.stock_comp,
                    pnl.interest_expense,
                    pnl.adjusted_operating_income,
                    pnl.operating_income,
                    pnl.pre_tax_income,
                    pnl.tax,
                    pnl.net_income,
                    pnl.book_value,
                ]
                .map(Cell::Money),
            );
        }
        if let Some(gap) = self.gap_interest.get(t) {
            cells.push(Cell::Money(*gap));
        }
        cells.extend((0..self.revenue_ids.len()).map(|i| Cell::Money(self.stream_revenue(t, i))));
        for f in 0..self.facility_ids.len() {
            let month = self.facility(t, f);
            cells.extend(
                [month.balance, month.interest, month.principal, month.draw].map(Cell::Money),
            );
            if let Some(k) = self
                .collateral_ids
                .iter()
                .position(|id| *id == self.facility_ids[f])
            {
                let collateral = self.collateral_month(t, k);
                cells.extend([collateral.value, collateral.prepay].map(Cell::Money));
            }
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
