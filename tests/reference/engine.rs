//! The Decimal engine as it was before issue 11 (one function, every figure a `Decimal`
//! operation, every headroom divided out as it is tested), kept only as the reference
//! `tests/engine_reference.rs` compares the product engine against, digit for digit.
//! Copied from `src/model/engine.rs`; since then only its imports, visibility and the
//! `CovenantTest` it builds (`reference_test`) changed.
#![allow(dead_code)]

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use coreweave_whatif::model::{
    Amortization, BacktestRow, Breach, CORE_SCIENTIFIC_ID, CollateralMonth, CovenantKind,
    CovenantKpi, CovenantTerms, CovenantTest, DelayPolicy, FacilityKind, FacilityMonth, Kpis,
    Month, MonthRow, Outcome, PnlMonth, Rate, Reported, ReportedFigure, Scenario, Site,
    ValidScenario, YearKpi, figure_at, mean_absolute_error_pct, pnl_figure_at,
};

use super::v3;

const HUNDRED: Decimal = dec!(100);
const TWELVE_HUNDRED: Decimal = dec!(1200);

/// One dollar, in $M. Debt or debt service below it is a rounding residue (a level schedule's
/// last digit), not a loan: ratio covenants are not tested on it, which also keeps every ratio
/// inside `Decimal`'s range.
pub const DUST: Decimal = dec!(0.000001);

/// A run that cannot be represented: only reachable with extreme values at the edge of the ranges.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("{what} overflows in {month}: the inputs are too extreme to compute")]
    Overflow { month: Month, what: String },
    #[error(
        "the backtest of {what} overflows: the model's figure is too far from the reported one"
    )]
    BacktestOverflow { what: String },
}

/// Derived monthly amounts (a contract's full rate and ramp months, draw, capex and level
/// payment parts, sweeps and revolver moves) are held to 1e-10 $M, a ten-thousandth of a dollar.
pub const AMOUNT_DP: u32 = 10;
/// Derived rates and shares (a monthly interest rate `rate / 1200`) are held to 1e-14.
pub const RATE_DP: u32 = 14;

/// Holding derived values to a fixed number of places keeps every product inside Decimal's
/// 96-bit fast path (a 28-digit operand costs ~10× more) and moves no figure by a cent over
/// 120 months. These two functions are the only rounding inside the engine.
fn held_amount(value: Decimal) -> Decimal {
    value.round_dp(AMOUNT_DP)
}

fn held_rate(value: Decimal) -> Decimal {
    value.round_dp(RATE_DP)
}

/// One contract, prepared.
struct ContractPlan {
    /// Effective start `e` (after the Core Scientific delay) and exclusive end, as month indices.
    start: i32,
    end: i32,
    /// The full monthly rate `F = V / Σw(k)`.
    full_rate: Decimal,
    /// `F × w(k)` for the ramp months `k < R − 1`; later months earn `F`.
    ramp_revenue: Vec<Decimal>,
    /// `1 − prepay_pct/100`, or `None` when nothing is prepaid.
    collected_share: Option<Decimal>,
    /// `F × (1 − prepay_pct/100)` and the same for each ramp month: what is collected in a month
    /// no cut touches, computed once (the products are exact, so they equal the loop's).
    full_collected: Decimal,
    ramp_collected: Vec<Decimal>,
    /// `prepay_pct/100 × V`, received in month `start`.
    prepayment: Decimal,
    /// `(from, 1 − cut_pct/100)` of every cut on this contract's customer.
    cuts: Vec<(i32, Decimal)>,
    /// Index of the facility it is pledged to.
    pledged_to: Option<usize>,
}

/// A scheduled amortisation, prepared.
enum Schedule {
    None,
    Fixed {
        amount: Decimal,
        every: i32,
        from: i32,
    },
    Level {
        every: i32,
        from: i32,
        payments: u32,
    },
}

/// A site that earns capacity revenue (spec §6.2), prepared.
struct SitePlan {
    /// `r_j(t)` for every month of the horizon.
    revenue: Vec<Decimal>,
    pledged_to: Option<usize>,
}

struct FacilityPlan {
    is_revolver: bool,
    /// `rate / 1200`.
    monthly_rate: Decimal,
    commitment: Decimal,
    opening_balance: Decimal,
    maturity: i32,
    draw_from: i32,
    draw_until: i32,
    draw_part: Decimal,
    schedule: Schedule,
    sweep_share: Decimal,
    /// `advance_pct/100` and, per month, the capex of the sites it funds (spec §6.5).
    funded: Option<(Decimal, Vec<Decimal>)>,
    /// Whether a coverage covenant tests it: only then are its pledged revenue and debt
    /// service summed each quarter.
    coverage_tested: bool,
}

enum CovenantPlan {
    MinLiquidity {
        floor: Decimal,
        /// `pct/100` and the facility whose balance it applies to; none for a flat floor.
        of_facility: Option<(Decimal, usize)>,
    },
    Dscr {
        facility: usize,
        min: Decimal,
    },
    MaxLeverage {
        max: Decimal,
    },
    /// A spec §8 covenant, tested in the loop from the scenario.
    FromTheSpec,
}

/// Everything month-invariant, derived once per run.
struct Plan {
    horizon: usize,
    contracts: Vec<ContractPlan>,
    /// Sites that earn capacity revenue, in preset order.
    sites: Vec<SitePlan>,
    /// `opex.cost_per_mw_month`, or `None` when capacity costs nothing (spec §6.3).
    cost_per_mw_month: Option<Decimal>,
    /// Per month: site capex, reimbursements, MW online and equity.
    capex: Vec<Decimal>,
    reimbursement: Vec<Decimal>,
    mw_online: Vec<Decimal>,
    equity: Vec<Decimal>,
    /// The fixed costs of each model year.
    fixed_by_year: Vec<Decimal>,
    cost_share: Decimal,
    other_opex_share: Decimal,
    gross_share: Decimal,
    facilities: Vec<FacilityPlan>,
    revolver: Option<usize>,
    target_cash: Decimal,
    covenants: Vec<CovenantPlan>,
    /// Each covenant's first and last tested month (spec §7.2).
    windows: Vec<(i32, i32)>,
}

fn overflow(month: i32, what: &str) -> ModelError {
    ModelError::Overflow {
        month: Month::from_index(month),
        what: what.to_owned(),
    }
}

impl ContractPlan {
    fn new(
        scenario: &Scenario,
        contract: &coreweave_whatif::model::Contract,
        pledged_to: Option<usize>,
    ) -> Self {
        let scheduled = contract.start.index();
        let term = contract.term_months as i32;
        let ramp = contract.ramp_months;
        let (delay, policy) = partner_delay(scenario, contract.capacity.partner_id());
        let start = scheduled + delay;
        let end = match policy {
            DelayPolicy::Shift => start + term,
            DelayPolicy::Truncate => scheduled + term,
        };
        // w(k) = min(1, (k+1)/R): only the first R − 1 months weigh less than 1.
        // Σw = Σ_{k<m} (k+1)/R + (T − m) = m(m+1)/(2R) + T − m, with m those ramp months.
        let ramped = ramp.saturating_sub(1).min(contract.term_months);
        let ramp_sum = if ramped == 0 {
            Decimal::ZERO
        } else {
            Decimal::from(u64::from(ramped) * u64::from(ramped + 1))
                / Decimal::from(2 * u64::from(ramp))
        };
        let weight_sum = ramp_sum + Decimal::from(contract.term_months - ramped);
        let exact_rate = contract.total_value / weight_sum;
        let ramp_revenue: Vec<Decimal> = (1..=ramped)
            .map(|k| held_amount(exact_rate * Decimal::from(k) / Decimal::from(ramp)))
            .collect();
        let prepay_share = contract.prepay_pct / HUNDRED;
        let collected_share = (!prepay_share.is_zero()).then(|| Decimal::ONE - prepay_share);
        let full_rate = held_amount(exact_rate);
        let collected = |r: Decimal| collected_share.map_or(r, |share| r * share);
        Self {
            start,
            end,
            full_rate,
            full_collected: collected(full_rate),
            ramp_collected: ramp_revenue
                .iter()
                .map(|r: &Decimal| collected(*r))
                .collect(),
            ramp_revenue,
            collected_share,
            prepayment: prepay_share * contract.total_value,
            // A 0 % cut keeps every figure as it is: leaving it out saves a product a month.
            cuts: scenario
                .customer_cuts
                .iter()
                .filter(|cut| cut.customer == contract.customer && !cut.cut_pct.is_zero())
                .map(|cut| (cut.from.index(), Decimal::ONE - cut.cut_pct / HUNDRED))
                .collect(),
            pledged_to,
        }
    }

    /// `r_c(t)` of spec §3.1, cuts included, and what of it is collected in month `t`.
    fn revenue(&self, t: i32) -> (Decimal, Decimal) {
        if t < self.start || t >= self.end {
            return (Decimal::ZERO, Decimal::ZERO);
        }
        let k = (t - self.start) as usize;
        let (mut revenue, collected) = match self.ramp_revenue.get(k) {
            Some(ramping) => (*ramping, self.ramp_collected[k]),
            None => (self.full_rate, self.full_collected),
        };
        let mut cut = false;
        for (from, kept) in &self.cuts {
            if t >= *from {
                revenue *= kept;
                cut = true;
            }
        }
        if !cut {
            return (revenue, collected);
        }
        let collected = self
            .collected_share
            .map_or(revenue, |share| revenue * share);
        (revenue, collected)
    }
}

impl Plan {
    fn new(scenario: &Scenario) -> Result<Self, ModelError> {
        let horizon = scenario.horizon_months as usize;
        let facility_index = |id: &str| scenario.facilities.iter().position(|f| f.id == id);
        // Pledged revenue only matters to a facility that a coverage covenant tests.
        let tested = scenario.coverage_tested_facilities();
        let coverage_tested = |id: &str| tested.contains(&id);
        let pledged_index = |id: &str| facility_index(id).filter(|_| coverage_tested(id));

        let contracts = scenario
            .contracts
            .iter()
            .map(|contract| {
                ContractPlan::new(
                    scenario,
                    contract,
                    contract.pledged_to.as_deref().and_then(pledged_index),
                )
            })
            .collect();

        let mut capex = vec![Decimal::ZERO; horizon];
        let mut reimbursement = vec![Decimal::ZERO; horizon];
        // MW brought online in each month, summed into the running total below.
        let mut mw_added = vec![Decimal::ZERO; horizon];
        // Per facility that funds capex (spec §6.5), the capex of its sites by month.
        let mut funded_capex: Vec<Option<Vec<Decimal>>> = scenario
            .facilities
            .iter()
            .map(|f| f.funds.as_ref().map(|_| vec![Decimal::ZERO; horizon]))
            .collect();
        let market = PriceFactors::new(scenario, horizon)?;
        let mut sites = Vec::new();
        for site in &scenario.sites {
            let scheduled = site.online.index();
            let online = scheduled + partner_delay(scenario, site.partner.partner_id()).0;
            let anchor = if scenario.capex.follows_delay {
                online
            } else {
                scheduled
            };
            let funders: Vec<usize> = scenario
                .facilities
                .iter()
                .enumerate()
                .filter(|(_, f)| {
                    f.funds
                        .as_ref()
                        .is_some_and(|funds| funds.sites.contains(&site.id))
                })
                .map(|(index, _)| index)
                .collect();
            for (t, capex_part, reimbursement_part) in capex_parts(scenario, site, anchor) {
                if let Ok(t) = usize::try_from(t)
                    && t < horizon
                {
                    capex[t] += capex_part;
                    reimbursement[t] += reimbursement_part;
                    for &f in &funders {
                        if let Some(base) = funded_capex[f].as_mut() {
                            base[t] += capex_part;
                        }
                    }
                }
            }
            if let Some(added) = mw_added.get_mut(online.max(0) as usize) {
                *added += site.mw;
            }
            if !site.revenue_per_mw_month.is_zero() {
                sites.push(SitePlan {
                    revenue: market.site_revenue(site, online)?,
                    pledged_to: site.pledged_to.as_deref().and_then(pledged_index),
                });
            }
        }

        let mut mw_online = Vec::with_capacity(horizon);
        let mut online_now = scenario.opening.mw_online;
        for added in &mw_added {
            if !added.is_zero() {
                online_now += added;
            }
            mw_online.push(online_now);
        }

        let mut equity = vec![Decimal::ZERO; horizon];
        for raise in &scenario.equity {
            if let Ok(t) = usize::try_from(raise.month.index())
                && t < horizon
            {
                equity[t] += raise.amount;
            }
        }

        let growth = Decimal::ONE + scenario.opex.fixed_growth_pct / HUNDRED;
        let fixed_by_year = compounded_by_year(
            scenario.opex.fixed_monthly,
            growth,
            held_amount,
            horizon,
            "fixed costs",
        )?;

        let sofr = scenario.rates.sofr_pct;
        let facilities = scenario
            .facilities
            .iter()
            .zip(funded_capex)
            .map(|(facility, funded_capex)| {
                let annual_pct = match facility.rate {
                    Rate::Floating { spread_pct } => sofr + spread_pct,
                    Rate::Fixed { coupon_pct } => coupon_pct,
                };
                let maturity = facility.maturity.index();
                let schedule = match facility.amortization {
                    Amortization::None => Schedule::None,
                    Amortization::Fixed {
                        amount,
                        every,
                        from,
                    } => Schedule::Fixed {
                        amount,
                        every: every as i32,
                        from: from.index(),
                    },
                    Amortization::Level { every, from } => {
                        let from = from.index();
                        let payments = if maturity >= from {
                            ((maturity - from) / every as i32 + 1) as u32
                        } else {
                            0
                        };
                        Schedule::Level {
                            every: every as i32,
                            from,
                            payments,
                        }
                    }
                };
                let draw_from = facility.draws.from.index();
                let funded = facility
                    .funds
                    .as_ref()
                    .zip(funded_capex)
                    .map(|(funds, base)| (funds.advance_pct / HUNDRED, base));
                FacilityPlan {
                    is_revolver: facility.kind == FacilityKind::Revolver,
                    monthly_rate: held_rate(annual_pct / TWELVE_HUNDRED),
                    commitment: facility.commitment,
                    opening_balance: facility.opening_balance,
                    maturity,
                    draw_from,
                    draw_until: draw_from + facility.draws.months as i32,
                    draw_part: held_amount(
                        facility.draws.total / Decimal::from(facility.draws.months.max(1)),
                    ),
                    schedule,
                    sweep_share: facility.sweep_pct / HUNDRED,
                    funded,
                    coverage_tested: coverage_tested(&facility.id),
                }
            })
            .collect();

        let covenants = scenario
            .covenants
            .iter()
            .map(|covenant| match &covenant.terms {
                CovenantTerms::MinLiquidity {
                    floor,
                    pct,
                    of_facility,
                } => CovenantPlan::MinLiquidity {
                    floor: *floor,
                    // A flat floor (no facility) ignores `pct`.
                    of_facility: of_facility
                        .as_deref()
                        .and_then(facility_index)
                        .map(|facility| (pct / HUNDRED, facility)),
                },
                CovenantTerms::Dscr { facility, min } => CovenantPlan::Dscr {
                    facility: facility_index(facility).unwrap_or_default(),
                    min: *min,
                },
                CovenantTerms::MaxLeverage { max } => CovenantPlan::MaxLeverage { max: *max },
                // Tested from the scenario by the loop itself (spec §8.1, §8.2).
                CovenantTerms::MinInterestCoverage { .. } | CovenantTerms::MaxLtv { .. } => {
                    CovenantPlan::FromTheSpec
                }
            })
            .collect();
        let windows = scenario
            .covenants
            .iter()
            .map(|covenant| {
                (
                    covenant.from.map_or(i32::MIN, Month::index),
                    covenant.until.map_or(i32::MAX, Month::index),
                )
            })
            .collect();

        let cost_share = scenario.opex.cost_of_revenue_pct / HUNDRED;
        Ok(Self {
            horizon,
            contracts,
            sites,
            cost_per_mw_month: (!scenario.opex.cost_per_mw_month.is_zero())
                .then_some(scenario.opex.cost_per_mw_month),
            capex,
            reimbursement,
            mw_online,
            equity,
            fixed_by_year,
            cost_share,
            other_opex_share: scenario.opex.other_opex_pct / HUNDRED,
            gross_share: Decimal::ONE - cost_share,
            facilities,
            windows,
            revolver: scenario
                .facilities
                .iter()
                .position(|f| f.kind == FacilityKind::Revolver),
            target_cash: scenario.revolver_policy.target_cash,
            covenants,
        })
    }
}

/// A site's capex and reimbursement parts as `(month, capex, reimbursement)`, around `anchor`
/// (its scheduled or effective online month): the profile's parts (spec §6.4), or else
/// `lead_months` equal parts in the months before it (spec §3.3). Months may lie outside the
/// horizon; the caller drops them.
fn capex_parts(
    scenario: &Scenario,
    site: &Site,
    anchor: i32,
) -> impl Iterator<Item = (i32, Decimal, Decimal)> {
    let amount = site.mw * site.capex_per_mw;
    let profile = &scenario.capex.profile;
    let lead = scenario.capex.lead_months as i32;
    let even = profile.is_empty().then(|| {
        let capex_part = held_amount(amount / Decimal::from(lead));
        let reimbursement_part = held_amount(site.reimbursement / Decimal::from(lead));
        (anchor - lead..anchor).map(move |t| (t, capex_part, reimbursement_part))
    });
    let profiled = profile.iter().map(move |part| {
        let share = part.pct / HUNDRED;
        (
            anchor + part.offset,
            held_amount(amount * share),
            held_amount(site.reimbursement * share),
        )
    });
    even.into_iter().flatten().chain(profiled)
}

/// `start × factor^year` for each model year of the horizon, each year's value held by `hold`
/// before the next is compounded from it.
fn compounded_by_year(
    start: Decimal,
    factor: Decimal,
    hold: fn(Decimal) -> Decimal,
    horizon: usize,
    what: &str,
) -> Result<Vec<Decimal>, ModelError> {
    let years = horizon.div_ceil(12);
    let mut by_year = Vec::with_capacity(years);
    let mut value = start;
    for year in 0..years {
        if year > 0 {
            value = hold(
                value
                    .checked_mul(factor)
                    .ok_or_else(|| overflow(year as i32 * 12, what))?,
            );
        }
        by_year.push(value);
    }
    Ok(by_year)
}

/// GPU rental prices by model year (spec §6.2): `price_index_pct/100 × (1 − decline/100)^year`.
struct PriceFactors {
    horizon: usize,
    by_year: Vec<Decimal>,
}

impl PriceFactors {
    fn new(scenario: &Scenario, horizon: usize) -> Result<Self, ModelError> {
        let market = &scenario.market;
        let index = market.price_index_pct / HUNDRED;
        let kept = Decimal::ONE - market.price_decline_pct_per_year / HUNDRED;
        let by_year =
            compounded_by_year(Decimal::ONE, kept, held_rate, horizon, "GPU price decline")?
                .into_iter()
                .map(|compounded| held_rate(index * compounded))
                .collect();
        Ok(Self { horizon, by_year })
    }

    /// `r_j(t)` for every month: `mw × p × fill(t) × price(t)` from the effective online month.
    fn site_revenue(&self, site: &Site, online: i32) -> Result<Vec<Decimal>, ModelError> {
        let full_at_list_price = site.mw * site.revenue_per_mw_month;
        let fill = Decimal::from(site.fill_months.max(1));
        let mut revenue = vec![Decimal::ZERO; self.horizon];
        let mut full_this_year = Decimal::ZERO;
        for (t, month_revenue) in revenue.iter_mut().enumerate() {
            let ti = t as i32;
            if t % 12 == 0 {
                full_this_year = held_amount(
                    full_at_list_price
                        .checked_mul(self.by_year[t / 12])
                        .ok_or_else(|| overflow(ti, "capacity revenue"))?,
                );
            }
            if ti < online {
                continue;
            }
            let months_online = Decimal::from(ti - online + 1);
            *month_revenue = if months_online >= fill {
                full_this_year
            } else {
                held_amount(full_this_year * months_online / fill)
            };
        }
        Ok(revenue)
    }
}

/// A delivery partner's delay, in months, and its policy (spec §7.1); `None` (own capacity,
/// existing capacity) is never late. The v1 section is the partner `core_scientific`.
fn partner_delay(scenario: &Scenario, partner: Option<&str>) -> (i32, DelayPolicy) {
    match partner {
        None => (0, DelayPolicy::Shift),
        Some(CORE_SCIENTIFIC_ID) => (
            scenario.core_scientific.delay_months as i32,
            scenario.core_scientific.delay_policy,
        ),
        Some(id) => scenario
            .partners
            .iter()
            .find(|partner| partner.id == id)
            .map_or((0, DelayPolicy::Shift), |partner| {
                (partner.delay_months as i32, partner.delay_policy)
            }),
    }
}

impl Schedule {
    /// The scheduled principal due in month `t` on an `opening` balance (before the cap at it).
    /// A level payment is sized in its first month and remembered in `level`.
    fn due(&self, t: i32, maturity: i32, opening: Decimal, level: &mut Decimal) -> Decimal {
        let (every, from) = match *self {
            Schedule::None => return Decimal::ZERO,
            Schedule::Fixed { every, from, .. } | Schedule::Level { every, from, .. } => {
                (every, from)
            }
        };
        if t < from || t > maturity || (t - from) % every != 0 {
            return Decimal::ZERO;
        }
        match *self {
            Schedule::None => Decimal::ZERO,
            Schedule::Fixed { amount, .. } => amount,
            Schedule::Level { payments, .. } => {
                if t == from {
                    *level = held_amount(opening / Decimal::from(payments));
                }
                *level
            }
        }
    }
}

/// Runs the model over the horizon (spec §3) and summarises it (spec §4).
pub fn run(valid: &ValidScenario) -> Result<Outcome, ModelError> {
    let scenario = valid.scenario();
    let plan = Plan::new(scenario)?;
    let horizon = plan.horizon;
    let contract_count = plan.contracts.len();
    let facility_count = plan.facilities.len();
    let covenant_count = plan.covenants.len();

    let mut months: Vec<MonthRow> = Vec::with_capacity(horizon);
    let mut stream_revenue = Vec::with_capacity(horizon * (contract_count + plan.sites.len()));
    let mut facility_months = vec![FacilityMonth::default(); horizon * facility_count];
    let mut covenant_tests = Vec::with_capacity(horizon * covenant_count);

    // Running state, allocated once.
    let mut cash = scenario.opening.cash;
    let mut balances: Vec<Decimal> = plan.facilities.iter().map(|f| f.opening_balance).collect();
    // Σ balances, kept up to date as they move rather than re-added every month.
    let mut debt: Decimal = balances.iter().sum();
    let mut drawn = vec![Decimal::ZERO; facility_count];
    let mut level_payment = vec![Decimal::ZERO; facility_count];
    let mut draws_now = vec![Decimal::ZERO; facility_count];
    // Each facility's interest while its balance stands still (`None` once it moves).
    let mut last_interest: Vec<Option<Decimal>> = vec![None; facility_count];
    // Per facility, this quarter's pledged revenue and debt service (for DSCR).
    let mut quarter_pledged = vec![Decimal::ZERO; facility_count];
    let mut quarter_service = vec![Decimal::ZERO; facility_count];
    let mut trailing_ebitda = Decimal::ZERO;
    // Spec §8: the income statement, the gap interest and each collateralised facility's columns.
    let mut pnl: Vec<PnlMonth> = Vec::new();
    let mut gap_interest_column: Vec<Decimal> = Vec::new();
    let collateralised: Vec<usize> = (0..facility_count)
        .filter(|&f| scenario.facilities[f].collateral.is_some())
        .collect();
    let mut collateral_months: Vec<CollateralMonth> = Vec::new();

    for t in 0..horizon {
        let mut prepaid_now = vec![Decimal::ZERO; facility_count];
        let ti = t as i32;
        if t % 3 == 0 {
            quarter_pledged.fill(Decimal::ZERO);
            quarter_service.fill(Decimal::ZERO);
        }

        // 3.1 Revenue and collections.
        let mut revenue = Decimal::ZERO;
        let mut collections = Decimal::ZERO;
        for contract in &plan.contracts {
            let (r, collected) = contract.revenue(ti);
            if !r.is_zero() {
                revenue += r;
                collections += collected;
                if let Some(facility) = contract.pledged_to {
                    quarter_pledged[facility] += r;
                }
            }
            if ti == contract.start && contract.start < contract.end {
                collections += contract.prepayment;
            }
            stream_revenue.push(r);
        }
        // 6.2 Capacity revenue: collected in full, no prepayment, no customer cuts.
        for site in &plan.sites {
            let r = site.revenue[t];
            if !r.is_zero() {
                revenue += r;
                collections += r;
                if let Some(facility) = site.pledged_to {
                    quarter_pledged[facility] += r;
                }
            }
            stream_revenue.push(r);
        }

        // 3.2 Operating costs, with 6.3's cost of capacity online.
        let mut cost_of_revenue = plan.cost_share * revenue;
        if let Some(per_mw) = plan.cost_per_mw_month {
            cost_of_revenue += per_mw * plan.mw_online[t];
        }
        let opex = plan.other_opex_share * revenue + plan.fixed_by_year[t / 12];
        let ebitda = revenue - cost_of_revenue - opex;

        // 3.3 Capacity, capex, reimbursements (prepared in the plan).
        let capex = plan.capex[t];
        let reimbursement = plan.reimbursement[t];

        // 3.4 Debt facilities other than the revolver: draws first, as sweeps depend on them.
        let mut total_draws = Decimal::ZERO;
        for (f, facility) in plan.facilities.iter().enumerate() {
            draws_now[f] = Decimal::ZERO;
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
            let available = facility.commitment - facility.opening_balance - drawn[f];
            let mut draw = Decimal::ZERO;
            if scheduled_draw {
                draw = facility.draw_part.min(available).max(Decimal::ZERO);
            }
            // 6.5: then the share of this month's capex invoices, under the same cap.
            if let Some((advance_share, funded_capex)) = funded {
                draw += held_amount(*advance_share * funded_capex[t])
                    .min(available - draw)
                    .max(Decimal::ZERO);
            }
            if draw.is_zero() {
                continue;
            }
            draws_now[f] = draw;
            drawn[f] += draw;
            total_draws += draw;
        }
        let mut interest = Decimal::ZERO;
        let mut principal = Decimal::ZERO;
        for (f, facility) in plan.facilities.iter().enumerate() {
            let opening = balances[f];
            let draw = draws_now[f];
            if facility.is_revolver || (opening.is_zero() && draw.is_zero()) {
                continue;
            }
            // A balance that did not move pays last month's interest: no product needed.
            let month_interest = match last_interest[f] {
                Some(interest) => interest,
                None => opening * facility.monthly_rate,
            };
            last_interest[f] = Some(month_interest);
            let mut scheduled =
                facility
                    .schedule
                    .due(ti, facility.maturity, opening, &mut level_payment[f]);
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
            // §8.2 The borrowing base, on the balance after everything above.
            let prepay = v3::borrowing_base_prepay(
                scenario,
                &scenario.facilities[f],
                opening - paid + draw,
                ti,
            );
            if prepay > Decimal::ZERO {
                paid += prepay;
                prepaid_now[f] = prepay;
            }
            if !paid.is_zero() || !draw.is_zero() {
                balances[f] = opening - paid + draw;
                debt += draw - paid;
                last_interest[f] = None;
            }
            if facility.coverage_tested {
                quarter_service[f] += month_interest + scheduled;
            }
            interest += month_interest;
            if !paid.is_zero() {
                principal += paid;
            }
            facility_months[t * facility_count + f] = FacilityMonth {
                balance: balances[f],
                interest: month_interest,
                principal: paid,
                draw,
            };
        }

        // 3.5 Equity, 3.6 cash before the revolver (its interest included: it is paid first).
        let equity = plan.equity[t];
        let revolver_interest = plan.revolver.map_or(Decimal::ZERO, |r| {
            balances[r] * plan.facilities[r].monthly_rate
        });
        interest += revolver_interest;
        // §8.7.1: gap interest and tax come before the cash before the revolver.
        let gap = v3::gap_interest(scenario, cash);
        if scenario.funding_gap.is_some() {
            gap_interest_column.push(gap);
        }
        interest += gap;
        let mut tax = Decimal::ZERO;
        let mut interest_for_coverage = interest;
        if let Some(accounting) = &scenario.accounting {
            let month = v3::income_statement(scenario, accounting, ti, ebitda, interest);
            tax = month.tax;
            interest_for_coverage = month.interest_expense;
            pnl.push(month);
        }
        // In the spec's order: past ~$79B a 24-place cash no longer fits Decimal's 96 bits, and
        // another grouping would round its last digit differently (the proptest saw it).
        let pre = cash + collections
            - cost_of_revenue
            - opex
            - capex
            - reimbursement
            - interest
            - principal
            - tax
            + total_draws
            + equity;

        // 3.7 Revolver.
        let mut revolver_draw = Decimal::ZERO;
        let mut revolver_repay = Decimal::ZERO;
        let mut undrawn = Decimal::ZERO;
        if let Some(r) = plan.revolver {
            let revolver = &plan.facilities[r];
            let opening = balances[r];
            if ti == revolver.maturity {
                revolver_repay = opening;
            } else if ti < revolver.maturity {
                if pre < plan.target_cash {
                    revolver_draw = held_amount(
                        (plan.target_cash - pre)
                            .min(revolver.commitment - opening)
                            .max(Decimal::ZERO),
                    );
                } else if pre > plan.target_cash && opening > Decimal::ZERO {
                    revolver_repay = held_amount((pre - plan.target_cash).min(opening));
                }
            }
            if !revolver_draw.is_zero() || !revolver_repay.is_zero() {
                balances[r] = opening + revolver_draw - revolver_repay;
                debt += revolver_draw - revolver_repay;
            }
            if ti < revolver.maturity {
                undrawn = (revolver.commitment - balances[r]).max(Decimal::ZERO);
            }
            quarter_service[r] += revolver_interest;
            facility_months[t * facility_count + r] = FacilityMonth {
                balance: balances[r],
                interest: revolver_interest,
                principal: revolver_repay,
                draw: revolver_draw,
            };
        }
        cash = pre + revolver_draw - revolver_repay;
        let liquidity = cash + undrawn;

        // 3.8 Covenants.
        trailing_ebitda += ebitda;
        if t >= 12 {
            trailing_ebitda -= months[t - 12].ebitda;
        }
        let quarter_end = t % 3 == 2;
        for (k, (covenant, &(from, until))) in plan.covenants.iter().zip(&plan.windows).enumerate()
        {
            if ti < from || ti > until {
                // Outside its window a covenant is not tested at all.
                covenant_tests.push(None);
                continue;
            }
            // §8.1 and §8.2's covenants, straight from the spec.
            match &scenario.covenants[k].terms {
                CovenantTerms::MinInterestCoverage { min } => {
                    let first = (t + 1).saturating_sub(12);
                    let ebitda_sum: Decimal = months[first..]
                        .iter()
                        .map(|row| row.ebitda)
                        .sum::<Decimal>()
                        + ebitda;
                    let interest_sum: Decimal = if scenario.accounting.is_some() {
                        pnl[first..=t]
                            .iter()
                            .map(|month| month.interest_expense)
                            .sum()
                    } else {
                        months[first..]
                            .iter()
                            .map(|row| row.interest)
                            .sum::<Decimal>()
                            + interest_for_coverage
                    };
                    let test = (quarter_end && interest_sum >= DUST).then(|| {
                        let value = ebitda_sum / interest_sum;
                        let headroom_pct = (value / *min - Decimal::ONE) * HUNDRED;
                        reference_test(
                            CovenantKind::MinInterestCoverage,
                            Some(value),
                            *min,
                            headroom_pct,
                        )
                    });
                    covenant_tests.push(test);
                    continue;
                }
                CovenantTerms::MaxLtv { facility, max_pct } => {
                    let f = scenario
                        .facilities
                        .iter()
                        .position(|x| &x.id == facility)
                        .unwrap_or(0);
                    let balance = balances[f];
                    let test = (quarter_end && balance >= DUST).then(|| {
                        let collateral = scenario.facilities[f]
                            .collateral
                            .as_ref()
                            .expect("validated");
                        let value = v3::collateral_value(scenario, collateral, ti);
                        if value > Decimal::ZERO {
                            let ltv = balance / value * HUNDRED;
                            let headroom_pct = (*max_pct / ltv - Decimal::ONE) * HUNDRED;
                            reference_test(CovenantKind::MaxLtv, Some(ltv), *max_pct, headroom_pct)
                        } else {
                            reference_test(CovenantKind::MaxLtv, None, *max_pct, -HUNDRED)
                        }
                    });
                    covenant_tests.push(test);
                    continue;
                }
                _ => {}
            }
            let test = match *covenant {
                CovenantPlan::MinLiquidity { floor, of_facility } => {
                    let threshold = match of_facility {
                        Some((share, facility)) => floor.max(share * balances[facility]),
                        None => floor,
                    };
                    let headroom_pct = (liquidity - threshold) / threshold * HUNDRED;
                    Some(reference_test(
                        CovenantKind::MinLiquidity,
                        Some(liquidity),
                        threshold,
                        headroom_pct,
                    ))
                }
                CovenantPlan::Dscr { facility, min }
                    if quarter_end && quarter_service[facility] >= DUST =>
                {
                    let value = (plan.gross_share * quarter_pledged[facility])
                        .checked_div(quarter_service[facility])
                        .ok_or_else(|| overflow(ti, "debt service coverage"))?;
                    let headroom_pct = value
                        .checked_div(min)
                        .and_then(|ratio| (ratio - Decimal::ONE).checked_mul(HUNDRED))
                        .ok_or_else(|| overflow(ti, "debt service coverage headroom"))?;
                    Some(reference_test(
                        CovenantKind::Dscr,
                        Some(value),
                        min,
                        headroom_pct,
                    ))
                }
                CovenantPlan::MaxLeverage { max } if quarter_end && debt >= DUST => {
                    // Over a full year `Σ × 12/12` is the sum itself: skip the product and quotient.
                    let annualised = if t >= 11 {
                        trailing_ebitda
                    } else {
                        trailing_ebitda * dec!(12) / Decimal::from(t + 1)
                    };
                    // EBITDA ≤ 0 (or a ratio beyond Decimal's range) is infinite leverage: breached.
                    let value = if annualised > Decimal::ZERO {
                        debt.checked_div(annualised)
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
                    Some(reference_test(
                        CovenantKind::MaxLeverage,
                        value,
                        max,
                        headroom_pct,
                    ))
                }
                CovenantPlan::Dscr { .. }
                | CovenantPlan::MaxLeverage { .. }
                | CovenantPlan::FromTheSpec => None,
            };
            covenant_tests.push(test);
        }
        for &f in &collateralised {
            let collateral = scenario.facilities[f]
                .collateral
                .as_ref()
                .expect("collateralised");
            collateral_months.push(CollateralMonth {
                value: v3::collateral_value(scenario, collateral, ti),
                prepay: prepaid_now[f],
            });
        }

        months.push(MonthRow {
            month: Month::from_index(ti),
            revenue,
            collections,
            cost_of_revenue,
            opex,
            ebitda,
            capex,
            reimbursement,
            interest,
            principal,
            draws: total_draws,
            equity,
            revolver_draw,
            revolver_repay,
            cash,
            liquidity,
            debt,
            mw_online: plan.mw_online[t],
        });
    }

    let backtest = backtest(&scenario.reported, &months, &pnl)?;
    let mut kpis = summarise(scenario, &plan, &months, &covenant_tests, &backtest);
    if scenario.accounting.is_some() {
        let mut year = v3::year_of(0);
        loop {
            let in_year: Vec<usize> = (0..horizon)
                .filter(|&t| v3::year_of(t as i32) == year)
                .collect();
            if in_year.is_empty() {
                break;
            }
            let revenue: Decimal = in_year.iter().map(|&t| months[t].revenue).sum();
            let net_income: Decimal = in_year.iter().map(|&t| pnl[t].net_income).sum();
            kpis.years.push(YearKpi {
                year,
                revenue,
                net_income,
                cost_per_revenue_dollar: (!revenue.is_zero())
                    .then(|| (revenue - net_income) / revenue),
            });
            year += 1;
        }
    }
    Ok(Outcome {
        months,
        revenue_ids: scenario
            .contracts
            .iter()
            .map(|c| &c.id)
            .chain(
                scenario
                    .sites
                    .iter()
                    .filter(|s| !s.revenue_per_mw_month.is_zero())
                    .map(|s| &s.id),
            )
            .cloned()
            .collect(),
        facility_ids: scenario.facilities.iter().map(|f| f.id.clone()).collect(),
        covenant_ids: scenario.covenants.iter().map(|c| c.id.clone()).collect(),
        stream_revenue,
        facilities: facility_months,
        covenants: covenant_tests,
        backtest,
        kpis,
        pnl,
        gap_interest: gap_interest_column,
        collateral_ids: collateralised
            .iter()
            .map(|&f| scenario.facilities[f].id.clone())
            .collect(),
        collateral: collateral_months,
    })
}

/// Every reported figure beside the ledger's (spec §6.6), in preset order and field order.
/// Validation keeps entries inside the horizon; one the ledger cannot reach is left out.
fn backtest(
    reported: &[Reported],
    months: &[MonthRow],
    pnl: &[PnlMonth],
) -> Result<Vec<BacktestRow>, ModelError> {
    let mut rows = Vec::new();
    for entry in reported {
        let Ok(t) = usize::try_from(entry.month.index()) else {
            continue;
        };
        for figure in ReportedFigure::ALL {
            let model = figure_at(months, figure, t).or_else(|| pnl_figure_at(pnl, figure, t));
            let (Some(reported), Some(model)) = (figure.reported_in(entry), model) else {
                continue;
            };
            let error_pct = (model - reported)
                .checked_div(reported.abs())
                .and_then(|ratio| ratio.checked_mul(HUNDRED))
                .ok_or_else(|| ModelError::BacktestOverflow {
                    what: format!("{} in {}", figure.field(), entry.month),
                })?;
            rows.push(BacktestRow {
                month: entry.month,
                figure,
                reported,
                model,
                error_pct,
                source: entry.source.clone(),
            });
        }
    }
    Ok(rows)
}

/// The KPIs of spec §4. Ties go to the earliest month, then to the covenant listed first.
fn summarise(
    scenario: &Scenario,
    plan: &Plan,
    months: &[MonthRow],
    tests: &[Option<CovenantTest>],
    backtest: &[BacktestRow],
) -> Kpis {
    let covenant_count = plan.covenants.len();
    let runway_month = months
        .iter()
        .find(|row| row.cash < Decimal::ZERO)
        .map(|row| row.month);
    let (min_cash, min_cash_month) =
        months
            .iter()
            .fold((Decimal::MAX, Month::from_index(0)), |best, row| {
                if row.cash < best.0 {
                    (row.cash, row.month)
                } else {
                    best
                }
            });
    let (peak_debt, peak_debt_month) =
        months
            .iter()
            .fold((Decimal::MIN, Month::from_index(0)), |best, row| {
                if row.debt > best.0 {
                    (row.debt, row.month)
                } else {
                    best
                }
            });

    let covenants: Vec<CovenantKpi> = scenario
        .covenants
        .iter()
        .enumerate()
        .map(|(k, covenant)| {
            let tested = || {
                (0..months.len())
                    .filter_map(move |t| tests[t * covenant_count + k].map(|test| (t, test)))
            };
            CovenantKpi {
                id: covenant.id.clone(),
                first_breach: tested()
                    .find(|(_, test)| test.breach)
                    .map(|(t, _)| months[t].month),
                min_headroom_pct: tested().map(|(_, test)| test.headroom_pct()).min(),
                breach_months: tested().filter(|(_, test)| test.breach).count() as u32,
            }
        })
        .collect();
    let first_breach = covenants
        .iter()
        .filter_map(|kpi| {
            kpi.first_breach.map(|month| Breach {
                month,
                covenant: kpi.id.clone(),
            })
        })
        .min_by_key(|breach| breach.month);

    // Against the minimum-liquidity threshold(s); with none, against zero liquidity.
    let liquidity_covenants: Vec<usize> = (0..covenant_count)
        .filter(|&k| matches!(plan.covenants[k], CovenantPlan::MinLiquidity { .. }))
        .collect();
    let funding_need = (0..months.len())
        .map(|t| {
            if liquidity_covenants.is_empty() {
                -months[t].liquidity
            } else {
                liquidity_covenants
                    .iter()
                    .filter_map(|&k| {
                        tests[t * covenant_count + k]
                            .map(|test| test.threshold - months[t].liquidity)
                    })
                    .max()
                    .unwrap_or(Decimal::ZERO)
            }
        })
        .fold(Decimal::ZERO, Decimal::max);

    Kpis {
        runway_month,
        min_cash: if months.is_empty() {
            Decimal::ZERO
        } else {
            min_cash
        },
        min_cash_month,
        first_breach,
        covenants,
        total_interest: months.iter().map(|row| row.interest).sum(),
        peak_debt: if months.is_empty() {
            Decimal::ZERO
        } else {
            peak_debt
        },
        peak_debt_month,
        funding_need,
        ending_cash: months.last().map_or(scenario.opening.cash, |row| row.cash),
        backtest_error_pct: mean_absolute_error_pct(backtest),
        years: Vec::new(),
    }
}

/// A test as the product reports it, from the headroom this engine computes when it tests: the
/// product derives headroom when read (`CovenantTest::headroom_pct`), so under `cargo test`
/// every test of every reference run also checks that derivation against the division made
/// here: the same value, scale and sign, so the same text. (The benchmarks skip the check, to
/// time this engine as it was.)
fn reference_test(
    kind: CovenantKind,
    value: Option<Decimal>,
    threshold: Decimal,
    headroom_pct: Decimal,
) -> CovenantTest {
    let test = CovenantTest {
        kind,
        value,
        threshold,
        breach: headroom_pct < Decimal::ZERO,
    };
    if cfg!(test) {
        let derived = test.headroom_pct();
        assert!(
            derived == headroom_pct
                && derived.scale() == headroom_pct.scale()
                && derived.is_sign_negative() == headroom_pct.is_sign_negative(),
            "{kind:?} headroom derived as {derived}, computed as {headroom_pct} ({value:?} against {threshold})"
        );
    }
    test
}
