//! The monthly loop (spec §3): one [`MonthState`] carried from month to month, and one method
//! per section of the spec, called in the spec's order by [`MonthState::step`].

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::exact::{add, lt, magnitude_below, max, min, mul, sub};
use super::plan::{CovenantPlan, Plan};
use super::{DUST, DUST_EXPONENT, ModelError, PLAIN_EXPONENT, held_amount, overflow};
use crate::model::month::Month;
use crate::model::outcome::{
    CollateralMonth, CovenantKind, CovenantTest, FacilityMonth, MonthRow, Outcome, PnlMonth,
};

/// Per-facility running state; its buffers are reused from run to run.
#[derive(Default)]
pub(super) struct Scratch {
    balances: Vec<Decimal>,
    drawn: Vec<Decimal>,
    level_payment: Vec<Decimal>,
    draws_now: Vec<Decimal>,
    /// Each facility's interest while its balance stands still (`None` once it moves).
    last_interest: Vec<Option<Decimal>>,
    /// Per facility, this quarter's pledged revenue and debt service (for DSCR).
    quarter_pledged: Vec<Decimal>,
    quarter_service: Vec<Decimal>,
    /// Per collateralised facility, this month's borrowing-base prepayment.
    collateral_prepay: Vec<Decimal>,
}

/// This month's figures, in the order of the ledger's columns.
#[derive(Clone, Copy, Default)]
struct Figures {
    revenue: Decimal,
    collections: Decimal,
    cost_of_revenue: Decimal,
    opex: Decimal,
    ebitda: Decimal,
    capex: Decimal,
    reimbursement: Decimal,
    interest: Decimal,
    principal: Decimal,
    draws: Decimal,
    equity: Decimal,
    revolver_draw: Decimal,
    revolver_repay: Decimal,
    /// Cash before the revolver (spec §3.6).
    pre_revolver: Decimal,
    /// The revolver's interest, paid before it moves.
    revolver_interest: Decimal,
    liquidity: Decimal,
    /// Tax paid in cash (spec §8.1); 0 without an income statement.
    tax: Decimal,
    /// Interest expense (spec §8.1), or cash interest without an income statement: what the
    /// interest-coverage covenant divides by.
    interest_expense: Decimal,
}

/// The ledger's per-month columns while they are written.
struct Columns {
    months: Vec<MonthRow>,
    stream_revenue: Vec<Decimal>,
    facilities: Vec<FacilityMonth>,
    covenants: Vec<Option<CovenantTest>>,
    pnl: Vec<PnlMonth>,
    gap_interest: Vec<Decimal>,
    collateral: Vec<CollateralMonth>,
}

/// The state a run carries from month to month, and the month being computed. It owns its
/// buffers for the run (taken from the outcome and the scratch, given back by
/// [`MonthState::finish`]): held by value, the optimiser keeps their pointers in registers,
/// where through `&mut` borrows it reloads them after every store (~10 % of a run).
pub(super) struct MonthState<'a> {
    plan: &'a Plan,
    out: Columns,
    s: Scratch,
    cash: Decimal,
    /// Σ balances, kept up to date as they move rather than re-added every month.
    debt: Decimal,
    trailing_ebitda: Decimal,
    /// Σ interest expense over the last twelve months (for `MinInterestCoverage`).
    trailing_interest: Decimal,
    /// The month: its index and its figures so far.
    t: usize,
    ti: i32,
    m: Figures,
}

impl<'a> MonthState<'a> {
    /// The state before the first month: opening cash and balances. `out`'s per-month columns
    /// must be empty (facility rows are written in place, so they are sized here).
    pub(super) fn open(
        plan: &'a Plan,
        opening_cash: Decimal,
        outcome: &mut Outcome,
        scratch: &mut Scratch,
    ) -> Self {
        let mut s = std::mem::take(scratch);
        let mut out = Columns {
            months: std::mem::take(&mut outcome.months),
            stream_revenue: std::mem::take(&mut outcome.stream_revenue),
            facilities: std::mem::take(&mut outcome.facilities),
            covenants: std::mem::take(&mut outcome.covenants),
            pnl: std::mem::take(&mut outcome.pnl),
            gap_interest: std::mem::take(&mut outcome.gap_interest),
            collateral: std::mem::take(&mut outcome.collateral),
        };
        let facility_count = plan.facilities.len();
        s.balances.clear();
        s.balances
            .extend(plan.facilities.iter().map(|f| f.opening_balance));
        let debt = s.balances.iter().sum();
        for column in [
            &mut s.drawn,
            &mut s.level_payment,
            &mut s.draws_now,
            &mut s.quarter_pledged,
            &mut s.quarter_service,
        ] {
            column.clear();
            column.resize(facility_count, Decimal::ZERO);
        }
        s.last_interest.clear();
        s.last_interest.resize(facility_count, None);
        s.collateral_prepay.clear();
        s.collateral_prepay
            .resize(plan.collateral_count, Decimal::ZERO);
        out.facilities
            .resize(plan.horizon * facility_count, FacilityMonth::default());
        MonthState {
            plan,
            out,
            s,
            cash: opening_cash,
            debt,
            trailing_ebitda: Decimal::ZERO,
            trailing_interest: Decimal::ZERO,
            t: 0,
            ti: 0,
            m: Figures::default(),
        }
    }

    /// Gives the buffers back: the ledger's columns to `outcome`, the per-facility state to
    /// `scratch` for the next run.
    pub(super) fn finish(self, outcome: &mut Outcome, scratch: &mut Scratch) {
        outcome.months = self.out.months;
        outcome.stream_revenue = self.out.stream_revenue;
        outcome.facilities = self.out.facilities;
        outcome.covenants = self.out.covenants;
        outcome.pnl = self.out.pnl;
        outcome.gap_interest = self.out.gap_interest;
        outcome.collateral = self.out.collateral;
        *scratch = self.s;
    }

    /// One month, section by section, in the spec's order; its row goes to the outcome.
    // Inlined into the run so the month state is a local the optimiser keeps in registers.
    #[inline(always)]
    pub(super) fn step(&mut self, t: usize) -> Result<(), ModelError> {
        self.t = t;
        self.ti = t as i32;
        self.m = Figures::default();
        if t.is_multiple_of(3) {
            self.s.quarter_pledged.fill(Decimal::ZERO);
            self.s.quarter_service.fill(Decimal::ZERO);
        }
        self.revenue_and_collections();
        self.capacity_revenue();
        self.operating_costs();
        self.capex();
        self.facility_draws();
        self.facility_service();
        self.equity_and_cash();
        self.revolver();
        self.covenants()?;
        self.collateral_columns();
        self.close();
        Ok(())
    }

    /// §3.1 Revenue and collections of every contract: ramps, cuts, prepayments.
    #[inline(always)]
    fn revenue_and_collections(&mut self) {
        let ti = self.ti;
        for contract in &self.plan.contracts {
            let (r, collected) = contract.revenue(ti);
            if !r.is_zero() {
                self.m.revenue = add(self.m.revenue, r);
                self.m.collections = add(self.m.collections, collected);
                if let Some(facility) = contract.pledged_to {
                    let pledged = &mut self.s.quarter_pledged[facility];
                    *pledged = add(*pledged, r);
                }
            }
            if ti == contract.start && contract.start < contract.end {
                self.m.collections = add(self.m.collections, contract.prepayment);
            }
            self.out.stream_revenue.push(r);
        }
    }

    /// §6.2 Capacity revenue: collected in full, no prepayment, no customer cuts.
    #[inline(always)]
    fn capacity_revenue(&mut self) {
        for site in &self.plan.sites {
            let r = site.revenue[self.t];
            if !r.is_zero() {
                self.m.revenue = add(self.m.revenue, r);
                self.m.collections = add(self.m.collections, r);
                if let Some(facility) = site.pledged_to {
                    let pledged = &mut self.s.quarter_pledged[facility];
                    *pledged = add(*pledged, r);
                }
            }
            self.out.stream_revenue.push(r);
        }
    }

    /// §3.2 Operating costs, with §6.3's cost of capacity online.
    #[inline(always)]
    fn operating_costs(&mut self) {
        let plan = self.plan;
        let revenue = self.m.revenue;
        let mut cost_of_revenue = mul(plan.cost_share, revenue);
        if let Some(per_mw) = plan.cost_per_mw_month {
            cost_of_revenue = add(cost_of_revenue, mul(per_mw, plan.mw_online[self.t]));
        }
        let opex = add(
            mul(plan.other_opex_share, revenue),
            plan.fixed_by_year[self.t / 12],
        );
        self.m.cost_of_revenue = cost_of_revenue;
        self.m.opex = opex;
        self.m.ebitda = sub(sub(revenue, cost_of_revenue), opex);
    }

    /// §3.3 Capacity, capex and reimbursements (prepared in the plan).
    #[inline(always)]
    fn capex(&mut self) {
        self.m.capex = self.plan.capex[self.t];
        self.m.reimbursement = self.plan.reimbursement[self.t];
    }

    /// §3.4 draws on the facilities other than the revolver, then §6.5's funded share of this
    /// month's capex invoices under the same cap. Draws come first: sweeps depend on them.
    #[inline(always)]
    fn facility_draws(&mut self) {
        let (t, ti) = (self.t, self.ti);
        for (f, facility) in self.plan.facilities.iter().enumerate() {
            self.s.draws_now[f] = Decimal::ZERO;
            if facility.is_revolver || ti >= facility.maturity {
                continue;
            }
            let scheduled_draw = ti >= facility.draw_from && ti < facility.draw_until;
            let funded = facility
                .funded
                .as_ref()
                .filter(|(_, funded_capex)| !funded_capex[t].is_zero());
            if !scheduled_draw && funded.is_none() {
                continue;
            }
            let available = sub(
                sub(facility.commitment, facility.opening_balance),
                self.s.drawn[f],
            );
            let mut draw = Decimal::ZERO;
            if scheduled_draw {
                draw = max(min(facility.draw_part, available), Decimal::ZERO);
            }
            if let Some((advance_share, funded_capex)) = funded {
                let funded_draw = held_amount(mul(*advance_share, funded_capex[t]));
                draw = add(
                    draw,
                    max(min(funded_draw, sub(available, draw)), Decimal::ZERO),
                );
            }
            if draw.is_zero() {
                continue;
            }
            self.s.draws_now[f] = draw;
            self.s.drawn[f] = add(self.s.drawn[f], draw);
            self.m.draws = add(self.m.draws, draw);
        }
    }

    /// §3.4 interest, scheduled principal, balloons and sweeps of the non-revolver facilities.
    #[inline(always)]
    fn facility_service(&mut self) {
        let (t, ti) = (self.t, self.ti);
        let facility_count = self.plan.facilities.len();
        let s = &mut self.s;
        let total_draws = self.m.draws;
        for (f, facility) in self.plan.facilities.iter().enumerate() {
            let opening = s.balances[f];
            let draw = s.draws_now[f];
            if facility.is_revolver || (opening.is_zero() && draw.is_zero()) {
                continue;
            }
            // A balance that did not move pays last month's interest: no product needed.
            let month_interest = match s.last_interest[f] {
                Some(interest) => interest,
                None => mul(opening, facility.monthly_rate),
            };
            s.last_interest[f] = Some(month_interest);
            let mut scheduled =
                facility
                    .schedule
                    .due(ti, facility.maturity, opening, &mut s.level_payment[f]);
            // Adding or comparing zeros costs as much as real figures: most months pay nothing.
            if !scheduled.is_zero() {
                scheduled = min(scheduled, opening);
            }
            let mut paid = scheduled;
            if ti == facility.maturity {
                // The balloon: whatever the scheduled payment leaves.
                paid = opening;
            }
            if !facility.sweep_share.is_zero() && lt(draw, total_draws) {
                let sweep = held_amount(mul(facility.sweep_share, sub(total_draws, draw)));
                paid = add(paid, min(sweep, sub(opening, paid)));
            }
            // §8.2 The borrowing base: after the schedule, balloon, sweep and draws, whatever the
            // balance exceeds the advance share of the collateral's value is prepaid.
            if let Some(collateral) = &facility.collateral
                && let Some(advance_share) = collateral.advance_share
                && collateral.tests_in(ti, facility.maturity)
            {
                let balance = add(sub(opening, paid), draw);
                let base = held_amount(mul(advance_share, collateral.value[t]));
                if lt(base, balance) {
                    let prepay = min(sub(balance, base), balance);
                    paid = add(paid, prepay);
                    s.collateral_prepay[collateral.index] = prepay;
                }
            }
            if !paid.is_zero() || !draw.is_zero() {
                s.balances[f] = add(sub(opening, paid), draw);
                self.debt = add(self.debt, sub(draw, paid));
                s.last_interest[f] = None;
            }
            if facility.coverage_tested {
                s.quarter_service[f] = add(s.quarter_service[f], add(month_interest, scheduled));
            }
            self.m.interest = add(self.m.interest, month_interest);
            if !paid.is_zero() {
                self.m.principal = add(self.m.principal, paid);
            }
            self.out.facilities[t * facility_count + f] = FacilityMonth {
                balance: s.balances[f],
                interest: month_interest,
                principal: paid,
                draw,
            };
        }
    }

    /// §3.5 equity and §3.6 cash before the revolver (its interest included: it is paid first).
    #[inline(always)]
    fn equity_and_cash(&mut self) {
        let plan = self.plan;
        self.m.equity = plan.equity[self.t];
        self.m.revolver_interest = plan.revolver.map_or(Decimal::ZERO, |r| {
            mul(self.s.balances[r], plan.facilities[r].monthly_rate)
        });
        self.m.interest = add(self.m.interest, self.m.revolver_interest);
        // §8.3 A month that opens short pays interest on the shortfall (§8.7.13: at t = 0 on
        // the opening cash).
        if let Some(gap_rate) = plan.gap_rate {
            let gap = if lt(self.cash, Decimal::ZERO) {
                held_amount(mul(-self.cash, gap_rate))
            } else {
                Decimal::ZERO
            };
            if !gap.is_zero() {
                self.m.interest = add(self.m.interest, gap);
            }
            self.out.gap_interest.push(gap);
        }
        self.m.interest_expense = self.m.interest;
        if let Some(accounting) = &plan.accounting {
            self.income_statement(accounting);
        }
        let m = &self.m;
        // In the spec's order: past ~$79B a 24-place cash no longer fits Decimal's 96 bits, and
        // another grouping would round its last digit differently (the proptest saw it).
        let mut cash = add(self.cash, m.collections);
        for outflow in [
            m.cost_of_revenue,
            m.opex,
            m.capex,
            m.reimbursement,
            m.interest,
            m.principal,
        ] {
            cash = sub(cash, outflow);
        }
        if !m.tax.is_zero() {
            cash = sub(cash, m.tax);
        }
        self.m.pre_revolver = add(add(cash, m.draws), m.equity);
    }

    /// §8.1 The month's income statement, from the EBITDA and the interest computed so far;
    /// its tax is paid in cash before the revolver (§8.7.1).
    #[inline(always)]
    fn income_statement(&mut self, accounting: &super::plan::AccountingPlan) {
        let t = self.t;
        let depreciation = accounting.depreciation[t];
        let stock_comp = accounting.stock_comp[t];
        let interest_expense = match accounting.expensed_share {
            Some(share) => held_amount(mul(self.m.interest, share)),
            None => self.m.interest,
        };
        let adjusted_operating_income = sub(self.m.ebitda, depreciation);
        let operating_income = sub(adjusted_operating_income, stock_comp);
        let pre_tax_income = sub(operating_income, interest_expense);
        let tax = match accounting.tax_share {
            Some(share) if pre_tax_income > Decimal::ZERO => {
                held_amount(mul(share, pre_tax_income))
            }
            _ => Decimal::ZERO,
        };
        self.m.tax = tax;
        self.m.interest_expense = interest_expense;
        self.out.pnl.push(PnlMonth {
            depreciation,
            stock_comp,
            interest_expense,
            adjusted_operating_income,
            operating_income,
            pre_tax_income,
            tax,
            net_income: sub(pre_tax_income, tax),
            book_value: accounting.book_value[t],
        });
    }

    /// §8.2 Each collateralised facility's value and borrowing-base prepayment, every month
    /// (also after maturity, §8.7.2).
    #[inline(always)]
    fn collateral_columns(&mut self) {
        if self.plan.collateral_count == 0 {
            return;
        }
        for facility in &self.plan.facilities {
            if let Some(collateral) = &facility.collateral {
                let prepay = &mut self.s.collateral_prepay[collateral.index];
                self.out.collateral.push(CollateralMonth {
                    value: collateral.value[self.t],
                    prepay: *prepay,
                });
                *prepay = Decimal::ZERO;
            }
        }
    }

    /// §3.7 The revolver tops cash up to the target, or is repaid from cash above it.
    #[inline(always)]
    fn revolver(&mut self) {
        let plan = self.plan;
        let pre = self.m.pre_revolver;
        let mut undrawn = Decimal::ZERO;
        if let Some(r) = plan.revolver {
            let revolver = &plan.facilities[r];
            let opening = self.s.balances[r];
            let (mut draw, mut repay) = (Decimal::ZERO, Decimal::ZERO);
            if self.ti == revolver.maturity {
                repay = opening;
            } else if self.ti < revolver.maturity {
                if lt(pre, plan.target_cash) {
                    draw = held_amount(max(
                        min(
                            sub(plan.target_cash, pre),
                            sub(revolver.commitment, opening),
                        ),
                        Decimal::ZERO,
                    ));
                } else if lt(plan.target_cash, pre) && opening > Decimal::ZERO {
                    repay = held_amount(min(sub(pre, plan.target_cash), opening));
                }
            }
            if !draw.is_zero() || !repay.is_zero() {
                self.s.balances[r] = sub(add(opening, draw), repay);
                self.debt = add(self.debt, sub(draw, repay));
            }
            if self.ti < revolver.maturity {
                undrawn = max(sub(revolver.commitment, self.s.balances[r]), Decimal::ZERO);
            }
            self.s.quarter_service[r] = add(self.s.quarter_service[r], self.m.revolver_interest);
            self.out.facilities[self.t * plan.facilities.len() + r] = FacilityMonth {
                balance: self.s.balances[r],
                interest: self.m.revolver_interest,
                principal: repay,
                draw,
            };
            self.m.revolver_draw = draw;
            self.m.revolver_repay = repay;
        }
        self.cash = sub(add(pre, self.m.revolver_draw), self.m.revolver_repay);
        self.m.liquidity = add(self.cash, undrawn);
    }

    /// §3.8 Covenants: liquidity every month, coverage and leverage at quarter ends, each only
    /// inside its window (§7.2). Coverage and leverage are divisions; headrooms are not
    /// computed here (see [`CovenantTest::judged`]).
    #[inline(always)]
    fn covenants(&mut self) -> Result<(), ModelError> {
        let (t, ti) = (self.t, self.ti);
        let plan = self.plan;
        self.trailing_ebitda = add(self.trailing_ebitda, self.m.ebitda);
        if t >= 12 {
            self.trailing_ebitda = sub(self.trailing_ebitda, self.out.months[t - 12].ebitda);
        }
        if plan.tests_interest_coverage {
            self.trailing_interest = add(self.trailing_interest, self.m.interest_expense);
            if t >= 12 {
                let dropped = match self.out.pnl.get(t - 12) {
                    Some(pnl) => pnl.interest_expense,
                    None => self.out.months[t - 12].interest,
                };
                self.trailing_interest = sub(self.trailing_interest, dropped);
            }
        }
        let quarter_end = t % 3 == 2;
        let liquidity = self.m.liquidity;
        for (covenant, &(from, until)) in plan.covenants.iter().zip(&plan.windows) {
            if ti < from || ti > until {
                // Outside its window a covenant is not tested at all.
                self.out.covenants.push(None);
                continue;
            }
            let test = match *covenant {
                CovenantPlan::MinLiquidity { floor, of_facility } => {
                    let threshold = match of_facility {
                        Some((share, facility)) => {
                            max(floor, mul(share, self.s.balances[facility]))
                        }
                        None => floor,
                    };
                    Some(CovenantTest::judged(
                        CovenantKind::MinLiquidity,
                        Some(liquidity),
                        threshold,
                        lt(liquidity, threshold),
                        || sub(threshold, liquidity),
                    ))
                }
                CovenantPlan::Dscr { facility, min }
                    if quarter_end && self.s.quarter_service[facility] >= DUST =>
                {
                    let value = (plan.gross_share * self.s.quarter_pledged[facility])
                        .checked_div(self.s.quarter_service[facility])
                        .ok_or_else(|| overflow(ti, "debt service coverage"))?;
                    Some(CovenantTest::judged(
                        CovenantKind::Dscr,
                        Some(value),
                        min,
                        value < min,
                        || min - value,
                    ))
                }
                CovenantPlan::MaxLeverage { max } if quarter_end && self.debt >= DUST => {
                    let trailing = self.trailing_ebitda;
                    // Over a full year `Σ × 12/12` is the sum itself: skip the product and quotient.
                    let annualised = if t >= 11 {
                        trailing
                    } else {
                        trailing * dec!(12) / Decimal::from(t + 1)
                    };
                    // EBITDA ≤ 0 (or a ratio beyond Decimal's range) is infinite leverage: breached.
                    let value = if annualised > Decimal::ZERO {
                        self.debt.checked_div(annualised)
                    } else {
                        None
                    };
                    Some(match value {
                        Some(value) => CovenantTest::judged(
                            CovenantKind::MaxLeverage,
                            Some(value),
                            max,
                            value > max,
                            || value - max,
                        ),
                        None => CovenantTest {
                            kind: CovenantKind::MaxLeverage,
                            value: None,
                            threshold: max,
                            breach: true,
                        },
                    })
                }
                CovenantPlan::MinInterestCoverage { min }
                    if quarter_end && self.trailing_interest >= DUST =>
                {
                    let value = self
                        .trailing_ebitda
                        .checked_div(self.trailing_interest)
                        .ok_or_else(|| overflow(ti, "interest coverage"))?;
                    Some(CovenantTest::judged(
                        CovenantKind::MinInterestCoverage,
                        Some(value),
                        min,
                        value < min,
                        || min - value,
                    ))
                }
                CovenantPlan::MaxLtv { facility, max_pct }
                    if quarter_end && self.s.balances[facility] >= DUST =>
                {
                    let balance = self.s.balances[facility];
                    let value = plan.facilities[facility]
                        .collateral
                        .as_ref()
                        .map_or(Decimal::ZERO, |c| c.value[t]);
                    let ratio = if value > Decimal::ZERO {
                        balance
                            .checked_div(value)
                            .and_then(|ratio| ratio.checked_mul(dec!(100)))
                    } else {
                        None
                    };
                    Some(match ratio {
                        Some(ratio) => CovenantTest::judged(
                            CovenantKind::MaxLtv,
                            Some(ratio),
                            max_pct,
                            ratio > max_pct,
                            || ratio - max_pct,
                        ),
                        None => CovenantTest {
                            kind: CovenantKind::MaxLtv,
                            value: None,
                            threshold: max_pct,
                            breach: true,
                        },
                    })
                }
                CovenantPlan::Dscr { .. }
                | CovenantPlan::MaxLeverage { .. }
                | CovenantPlan::MinInterestCoverage { .. }
                | CovenantPlan::MaxLtv { .. } => None,
            };
            self.out.covenants.push(test);
        }
        Ok(())
    }

    /// The month's row of the ledger.
    #[inline(always)]
    fn close(&mut self) {
        let m = &self.m;
        self.out.months.push(MonthRow {
            month: Month::from_index(self.ti),
            revenue: m.revenue,
            collections: m.collections,
            cost_of_revenue: m.cost_of_revenue,
            opex: m.opex,
            ebitda: m.ebitda,
            capex: m.capex,
            reimbursement: m.reimbursement,
            interest: m.interest,
            principal: m.principal,
            draws: m.draws,
            equity: m.equity,
            revolver_draw: m.revolver_draw,
            revolver_repay: m.revolver_repay,
            cash: self.cash,
            liquidity: m.liquidity,
            debt: self.debt,
            mw_online: self.plan.mw_online[self.t],
        });
    }
}

impl CovenantTest {
    /// A test whose breach is decided from its figures rather than from its headroom's sign:
    /// the same answer without the division. The headroom is negative exactly when `breached`
    /// unless the shortfall is so small against the figures that its quotient rounds to zero
    /// at `Decimal`'s 28th place; a shortfall of `DUST` or more against figures below $1e14M
    /// is far from that, and anything smaller is settled by the headroom itself.
    #[inline(always)]
    fn judged(
        kind: CovenantKind,
        value: Option<Decimal>,
        threshold: Decimal,
        breached: bool,
        shortfall: impl FnOnce() -> Decimal,
    ) -> Self {
        let mut test = CovenantTest {
            kind,
            value,
            threshold,
            breach: breached,
        };
        if breached
            && (magnitude_below(shortfall(), DUST_EXPONENT)
                || !magnitude_below(threshold, PLAIN_EXPONENT)
                || !value.is_some_and(|value| magnitude_below(value, PLAIN_EXPONENT)))
        {
            test.breach = test.headroom_pct() < Decimal::ZERO;
        }
        test
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn just_short_of_50b() -> Decimal {
        Decimal::from_i128_with_scale(50_000 * 10i128.pow(24) - 1, 24)
    }

    fn liquidity_test(liquidity: Decimal, threshold: Decimal) -> CovenantTest {
        CovenantTest::judged(
            CovenantKind::MinLiquidity,
            Some(liquidity),
            threshold,
            liquidity < threshold,
            || threshold - liquidity,
        )
    }

    #[test]
    fn a_breach_is_the_sign_of_the_headroom_even_where_it_rounds_to_zero() {
        for (liquidity, threshold) in [
            (dec!(24), dec!(25)),
            (dec!(25), dec!(25)),
            (dec!(26), dec!(25)),
            (dec!(24.9999999999), dec!(25)),
            // 1e-24 short of $50B: the quotient, -2e-29, rounds to zero at 28 places.
            (just_short_of_50b(), dec!(50000)),
            (dec!(-5), dec!(25)),
        ] {
            let test = liquidity_test(liquidity, threshold);
            assert_eq!(
                test.breach,
                test.headroom_pct() < Decimal::ZERO,
                "{liquidity} against {threshold}: headroom {}",
                test.headroom_pct()
            );
        }
        let rounds_to_zero = liquidity_test(just_short_of_50b(), dec!(50000));
        assert!(rounds_to_zero.headroom_pct().is_zero() && !rounds_to_zero.breach);
    }
}
