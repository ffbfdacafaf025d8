//! The monthly cash-flow and covenant engine (spec §3). One call, [`run`], turns a
//! [`ValidScenario`] into an [`Outcome`]; [`run_into`] does the same into an outcome whose
//! buffers it reuses, for the analyses' many runs.
//!
//! - `plan`: everything that does not change from month to month, prepared once per run.
//! - `month`: the monthly loop, one method per spec section on a month-state struct.
//! - `summary`: the backtest and the KPIs over the finished ledger.

mod exact;
mod month;
mod plan;
mod summary;

use std::cell::RefCell;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::month::Month;
use super::outcome::Outcome;
use super::scenario::Scenario;
use super::validate::ValidScenario;
use month::{MonthState, Scratch};
use plan::Plan;

const HUNDRED: Decimal = dec!(100);
const TWELVE_HUNDRED: Decimal = dec!(1200);

/// One dollar, in $M. Debt or debt service below it is a rounding residue (a level schedule's
/// last digit), not a loan: ratio covenants are not tested on it, which also keeps every ratio
/// inside `Decimal`'s range.
pub const DUST: Decimal = Decimal::from_parts(1, 0, 0, false, -DUST_EXPONENT as u32);
/// `DUST` is `10^DUST_EXPONENT` (1e-6 $M).
const DUST_EXPONENT: i32 = -6;
/// Figures below `10^PLAIN_EXPONENT` $M (a hundred trillion dollars) are "plain": a `DUST`
/// difference between two of them is more than 1e-20 of either, far above a rounding of a
/// quotient at `Decimal`'s 28th place.
const PLAIN_EXPONENT: i32 = 14;

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

fn overflow(month: i32, what: &str) -> ModelError {
    ModelError::Overflow {
        month: Month::from_index(month),
        what: what.to_owned(),
    }
}

/// Runs the model over the horizon (spec §3) and summarises it (spec §4).
pub fn run(valid: &ValidScenario) -> Result<Outcome, ModelError> {
    let mut outcome = Outcome::default();
    run_into(valid, &mut outcome)?;
    Ok(outcome)
}

/// [`run`], into `outcome`: every field is replaced, its buffers reused, so a caller that runs
/// many scenarios allocates nothing per run once the buffers have grown. After an error the
/// outcome holds a partial run and must not be read.
pub fn run_into(valid: &ValidScenario, outcome: &mut Outcome) -> Result<(), ModelError> {
    run_scenario_into(valid.scenario(), outcome)
}

/// [`run_into`] for a scenario the caller vouches for: one that [`validate`] accepted, with
/// levers since moved only inside their ranges (the ranges are the validation bounds, which a
/// proptest in `analysis/mod.rs` checks against full validation). The analyses' evaluator uses it so that
/// a lever change does not revalidate the whole scenario.
///
/// [`validate`]: super::validate::validate
pub(crate) fn run_scenario_into(
    scenario: &Scenario,
    outcome: &mut Outcome,
) -> Result<(), ModelError> {
    let plan = Plan::new(scenario)?;
    let horizon = plan.horizon;
    outcome.months.clear();
    outcome.stream_revenue.clear();
    outcome.facilities.clear();
    outcome.covenants.clear();
    outcome.pnl.clear();
    outcome.gap_interest.clear();
    outcome.collateral.clear();
    outcome.months.reserve(horizon);
    outcome
        .stream_revenue
        .reserve(horizon * (plan.contracts.len() + plan.sites.len()));
    outcome.covenants.reserve(horizon * plan.covenants.len());
    if plan.accounting.is_some() {
        outcome.pnl.reserve(horizon);
    }
    if plan.gap_rate.is_some() {
        outcome.gap_interest.reserve(horizon);
    }
    outcome.collateral.reserve(horizon * plan.collateral_count);

    SCRATCH.with_borrow_mut(|scratch| {
        let mut state = MonthState::open(&plan, scenario.opening.cash, outcome, scratch);
        let months = (0..horizon).try_for_each(|t| state.step(t));
        state.finish(outcome, scratch);
        months
    })?;

    outcome.backtest = summary::backtest(&scenario.reported, &outcome.months, &outcome.pnl)?;
    outcome.kpis = summary::summarise(
        scenario,
        &plan,
        &outcome.months,
        &outcome.covenants,
        &outcome.backtest,
    );
    summary::income_years(&outcome.months, &outcome.pnl, &mut outcome.kpis.years);
    let revenue_ids = scenario.contracts.iter().map(|c| &c.id).chain(
        scenario
            .sites
            .iter()
            .filter(|s| !s.revenue_per_mw_month.is_zero())
            .map(|s| &s.id),
    );
    reuse_ids(&mut outcome.revenue_ids, revenue_ids);
    reuse_ids(
        &mut outcome.facility_ids,
        scenario.facilities.iter().map(|f| &f.id),
    );
    reuse_ids(
        &mut outcome.collateral_ids,
        scenario
            .facilities
            .iter()
            .filter(|f| f.collateral.is_some())
            .map(|f| &f.id),
    );
    reuse_ids(
        &mut outcome.covenant_ids,
        scenario.covenants.iter().map(|c| &c.id),
    );
    Ok(())
}

thread_local! {
    /// The loop's per-facility state, reused by every run on this thread (the analyses run
    /// thousands on rayon's threads).
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Replaces `ids` with `from`, reusing the strings already there.
fn reuse_ids<'a>(ids: &mut Vec<String>, from: impl Iterator<Item = &'a String>) {
    let mut count = 0;
    for (k, id) in from.enumerate() {
        match ids.get_mut(k) {
            Some(old) => old.clone_from(id),
            None => ids.push(id.clone()),
        }
        count = k + 1;
    }
    ids.truncate(count);
}
