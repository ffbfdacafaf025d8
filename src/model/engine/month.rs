//! The monthly loop (spec §3): one [`MonthState`] carried from month to month, and one method
//! per section of the spec, called in the spec's order by [`MonthState::step`].

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::plan::{CovenantPlan, Plan};
use super::{DUST, HUNDRED, ModelError, held_amount, overflow};
use crate::model::month::Month;
use crate::model::outcome::{CovenantTest, FacilityMonth, MonthRow, Outcome};

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
}

/// The ledger's per-month columns while they are written.
struct Columns {
    months: Vec<MonthRow>,
    stream_revenue: Vec<Decimal>,
    facilities: Vec<FacilityMonth>,
    covenants: Vec<Option<CovenantTest>>,
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
        out.facilities
            .resize(plan.horizon * facility_count, FacilityMonth::default());
        MonthState {
            plan,
            out,
            s,
            cash: opening_cash,
            debt,
            trailing_ebitda: Decimal::ZERO,
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
                self.m.revenue += r;
                self.m.collections += collected;
                if let Some(facility) = contract.pledged_to {
                    self.s.quarter_pledged[facility] += r;
                }
            }
            if ti == contract.start && contract.start < contract.end {
                self.m.collections += contract.prepayment;
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
                self.m.revenue += r;
                self.m.collections += r;
                if let Some(facility) = site.pledged_to {
                    self.s.quarter_pledged[facility] += r;
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
        let mut cost_of_revenue = plan.cost_share * revenue;
        if let Some(per_mw) = plan.cost_per_mw_month {
            cost_of_revenue += per_mw * plan.mw_online[self.t];
        }
        let opex = plan.other_opex_share * revenue + plan.fixed_by_year[self.t / 12];
        self.m.cost_of_revenue = cost_of_revenue;
        self.m.opex = opex;
        self.m.ebitda = revenue - cost_of_revenue - opex;
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
            let available = facility.commitment - facility.opening_balance - self.s.drawn[f];
            let mut draw = Decimal::ZERO;
            if scheduled_draw {
                draw = facility.draw_part.min(available).max(Decimal::ZERO);
            }
            if let Some((advance_share, funded_capex)) = funded {
                draw += held_amount(*advance_share * funded_capex[t])
                    .min(available - draw)
                    .max(Decimal::ZERO);
            }
            if draw.is_zero() {
                continue;
            }
            self.s.draws_now[f] = draw;
            self.s.drawn[f] += draw;
            self.m.draws += draw;
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
                None => opening * facility.monthly_rate,
            };
            s.last_interest[f] = Some(month_interest);
            let mut scheduled =
                facility
                    .schedule
                    .due(ti, facility.maturity, opening, &mut s.level_payment[f]);
            // Adding or comparing zeros costs as much as real figures: most months pay nothing.
            if !scheduled.is_zero() {
                scheduled = scheduled.min(opening);
            }
            let mut paid = scheduled;
            if ti == facility.maturity {
                // The balloon: whatever the scheduled payment leaves.
                paid = opening;
            }
            if !facility.sweep_share.is_zero() && total_draws > draw {
                let sweep =
                    held_amount(facility.sweep_share * (total_draws - draw)).min(opening - paid);
                paid += sweep;
            }
            if !paid.is_zero() || !draw.is_zero() {
                s.balances[f] = opening - paid + draw;
                self.debt += draw - paid;
                s.last_interest[f] = None;
            }
            if facility.coverage_tested {
                s.quarter_service[f] += month_interest + scheduled;
            }
            self.m.interest += month_interest;
            if !paid.is_zero() {
                self.m.principal += paid;
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
            self.s.balances[r] * plan.facilities[r].monthly_rate
        });
        self.m.interest += self.m.revolver_interest;
        let m = &self.m;
        // In the spec's order: past ~$79B a 24-place cash no longer fits Decimal's 96 bits, and
        // another grouping would round its last digit differently (the proptest saw it).
        self.m.pre_revolver = self.cash + m.collections
            - m.cost_of_revenue
            - m.opex
            - m.capex
            - m.reimbursement
            - m.interest
            - m.principal
            + m.draws
            + m.equity;
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
                if pre < plan.target_cash {
                    draw = held_amount(
                        (plan.target_cash - pre)
                            .min(revolver.commitment - opening)
                            .max(Decimal::ZERO),
                    );
                } else if pre > plan.target_cash && opening > Decimal::ZERO {
                    repay = held_amount((pre - plan.target_cash).min(opening));
                }
            }
            if !draw.is_zero() || !repay.is_zero() {
                self.s.balances[r] = opening + draw - repay;
                self.debt += draw - repay;
            }
            if self.ti < revolver.maturity {
                undrawn = (revolver.commitment - self.s.balances[r]).max(Decimal::ZERO);
            }
            self.s.quarter_service[r] += self.m.revolver_interest;
            self.out.facilities[self.t * plan.facilities.len() + r] = FacilityMonth {
                balance: self.s.balances[r],
                interest: self.m.revolver_interest,
                principal: repay,
                draw,
            };
            self.m.revolver_draw = draw;
            self.m.revolver_repay = repay;
        }
        self.cash = pre + self.m.revolver_draw - self.m.revolver_repay;
        self.m.liquidity = self.cash + undrawn;
    }

    /// §3.8 Covenants: liquidity every month, coverage and leverage at quarter ends, each only
    /// inside its window (§7.2). The ratios are divisions: they stay in `Decimal`.
    #[inline(always)]
    fn covenants(&mut self) -> Result<(), ModelError> {
        let (t, ti) = (self.t, self.ti);
        let plan = self.plan;
        self.trailing_ebitda += self.m.ebitda;
        if t >= 12 {
            self.trailing_ebitda -= self.out.months[t - 12].ebitda;
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
                        Some((share, facility)) => floor.max(share * self.s.balances[facility]),
                        None => floor,
                    };
                    let headroom_pct = (liquidity - threshold) / threshold * HUNDRED;
                    Some(CovenantTest {
                        value: Some(liquidity),
                        threshold,
                        headroom_pct,
                        breach: headroom_pct < Decimal::ZERO,
                    })
                }
                CovenantPlan::Dscr { facility, min }
                    if quarter_end && self.s.quarter_service[facility] >= DUST =>
                {
                    let value = (plan.gross_share * self.s.quarter_pledged[facility])
                        .checked_div(self.s.quarter_service[facility])
                        .ok_or_else(|| overflow(ti, "debt service coverage"))?;
                    let headroom_pct = value
                        .checked_div(min)
                        .and_then(|ratio| (ratio - Decimal::ONE).checked_mul(HUNDRED))
                        .ok_or_else(|| overflow(ti, "debt service coverage headroom"))?;
                    Some(CovenantTest {
                        value: Some(value),
                        threshold: min,
                        headroom_pct,
                        breach: headroom_pct < Decimal::ZERO,
                    })
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
                    let headroom_pct = match value {
                        Some(value) => max
                            .checked_div(value)
                            .and_then(|ratio| (ratio - Decimal::ONE).checked_mul(HUNDRED))
                            .ok_or_else(|| overflow(ti, "leverage headroom"))?,
                        None => -HUNDRED,
                    };
                    Some(CovenantTest {
                        value,
                        threshold: max,
                        headroom_pct,
                        breach: headroom_pct < Decimal::ZERO,
                    })
                }
                CovenantPlan::Dscr { .. } | CovenantPlan::MaxLeverage { .. } => None,
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
