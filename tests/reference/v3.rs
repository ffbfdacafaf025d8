//! Spec §8.1, §8.2 and the funding gap of §8.3, written from the spec for the reference engine:
//! one plain function per formula, each month computed from the scenario alone (no prepared
//! tables), so a mistake in the product engine's preparation cannot be copied here.
#![allow(dead_code)]

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use coreweave_whatif::model::{Accounting, Collateral, Facility, Month, PnlMonth, Scenario, Site};

const HUNDRED: Decimal = dec!(100);

/// Amounts are held at 1e-10 $M, rates at 1e-14 (spec §1).
fn held(value: Decimal) -> Decimal {
    value.round_dp(10)
}

/// The site's effective online month `o'` (spec §3.3, §7.1).
pub fn effective_online(scenario: &Scenario, site: &Site) -> i32 {
    let delay = match site.partner.partner_id() {
        None => 0,
        Some("core_scientific") => scenario.core_scientific.delay_months as i32,
        Some(id) => scenario
            .partners
            .iter()
            .find(|partner| partner.id == id)
            .map_or(0, |partner| partner.delay_months as i32),
    };
    site.online.index() + delay
}

/// The month capex is anchored on: the scheduled online month, or `o'` when capex follows a
/// late partner (spec §3.3).
fn capex_anchor(scenario: &Scenario, site: &Site) -> i32 {
    if scenario.capex.follows_delay {
        effective_online(scenario, site)
    } else {
        site.online.index()
    }
}

/// The site's capex paid in months `..= t` (those before 2025-01 included, §8.7.3): the profile's
/// parts, or `lead_months` equal parts before the anchor (spec §3.3, §6.4).
fn capex_paid_to(scenario: &Scenario, site: &Site, t: i32) -> Decimal {
    let cost = site.mw * site.capex_per_mw;
    let anchor = capex_anchor(scenario, site);
    if scenario.capex.profile.is_empty() {
        let lead = scenario.capex.lead_months as i32;
        let part = held(cost / Decimal::from(lead));
        let months_paid = (anchor - lead..anchor).filter(|month| *month <= t).count();
        part * Decimal::from(months_paid as u64)
    } else {
        scenario
            .capex
            .profile
            .iter()
            .filter(|part| anchor + part.offset <= t)
            .map(|part| held(cost * part.pct / HUNDRED))
            .sum()
    }
}

/// `B_j(t)` of §8.2 and the site's part of `book_value` in §8.1: capex paid to date while
/// `t < o'`, then `K × max(0, 1 − (t − o' + 1)/L)`. Zero for a site online before 2025-01.
fn site_value(scenario: &Scenario, site: &Site, life: u32, t: i32) -> Decimal {
    let online = effective_online(scenario, site);
    if online < 0 {
        return Decimal::ZERO;
    }
    if t < online {
        return capex_paid_to(scenario, site, t);
    }
    let cost = site.mw * site.capex_per_mw;
    let used = Decimal::from(t - online + 1) / Decimal::from(life);
    if used >= Decimal::ONE {
        Decimal::ZERO
    } else {
        held(cost * (Decimal::ONE - used))
    }
}

/// `amount × max(0, 1 − (t+1)/life)`.
fn run_down(amount: Decimal, life: u32, t: i32) -> Decimal {
    let used = Decimal::from(t + 1) / Decimal::from(life);
    if used >= Decimal::ONE {
        Decimal::ZERO
    } else {
        held(amount * (Decimal::ONE - used))
    }
}

/// `depreciation(t)` of §8.1.
pub fn depreciation(scenario: &Scenario, accounting: &Accounting, t: i32) -> Decimal {
    let mut total = Decimal::ZERO;
    if t < accounting.opening_life_left_months as i32 {
        total += held(
            accounting.opening_book_value / Decimal::from(accounting.opening_life_left_months),
        );
    }
    let life = accounting.useful_life_months as i32;
    for site in &scenario.sites {
        let online = effective_online(scenario, site);
        if online >= 0 && online <= t && t < online + life {
            total += held(site.mw * site.capex_per_mw / Decimal::from(life));
        }
    }
    total
}

/// `book_value(t)` of §8.1.
pub fn book_value(scenario: &Scenario, accounting: &Accounting, t: i32) -> Decimal {
    let mut total = run_down(
        accounting.opening_book_value,
        accounting.opening_life_left_months,
        t,
    );
    for site in &scenario.sites {
        total += site_value(scenario, site, accounting.useful_life_months, t);
    }
    total
}

/// `stock_comp(t)`: the monthly charge and the one-offs dated `t`.
pub fn stock_comp(accounting: &Accounting, t: i32) -> Decimal {
    accounting.stock_comp_monthly
        + accounting
            .stock_comp
            .iter()
            .filter(|charge| charge.month.index() == t)
            .map(|charge| charge.amount)
            .sum::<Decimal>()
}

/// `P(t)` of §6.2, compounded one model year at a time.
fn price_factor(scenario: &Scenario, t: i32) -> Decimal {
    let kept = Decimal::ONE - scenario.market.price_decline_pct_per_year / HUNDRED;
    let mut compounded = Decimal::ONE;
    for _ in 0..t / 12 {
        compounded = (compounded * kept).round_dp(14);
    }
    (scenario.market.price_index_pct / HUNDRED * compounded).round_dp(14)
}

/// `V(t)` of §8.2 for a facility's collateral.
pub fn collateral_value(scenario: &Scenario, collateral: &Collateral, t: i32) -> Decimal {
    let life = scenario
        .accounting
        .as_ref()
        .map_or(72, |accounting| accounting.useful_life_months);
    let mut at_cost = run_down(collateral.opening_value, collateral.opening_life_months, t);
    for site in scenario
        .sites
        .iter()
        .filter(|site| collateral.sites.contains(&site.id))
    {
        at_cost += site_value(scenario, site, life, t);
    }
    held(price_factor(scenario, t) * at_cost)
}

/// The borrowing-base prepayment of §8.2 in month `t`, on the balance `balance` left after the
/// month's schedule, balloon, sweep and draws.
pub fn borrowing_base_prepay(
    scenario: &Scenario,
    facility: &Facility,
    balance: Decimal,
    t: i32,
) -> Decimal {
    let Some(collateral) = &facility.collateral else {
        return Decimal::ZERO;
    };
    let Some(advance_pct) = collateral.advance_pct else {
        return Decimal::ZERO;
    };
    let from = collateral.from.index();
    let every = collateral.every as i32;
    let tested = t >= from && (t - from) % every == 0 && t < facility.maturity.index();
    if !tested {
        return Decimal::ZERO;
    }
    let base = held(advance_pct / HUNDRED * collateral_value(scenario, collateral, t));
    (balance - base).max(Decimal::ZERO).min(balance)
}

/// The funding-gap interest of §8.3 on the cash the month opened with.
pub fn gap_interest(scenario: &Scenario, opening_cash: Decimal) -> Decimal {
    match &scenario.funding_gap {
        Some(gap) if opening_cash < Decimal::ZERO => {
            held(-opening_cash * (gap.rate_pct / dec!(1200)).round_dp(14))
        }
        _ => Decimal::ZERO,
    }
}

/// The income statement of §8.1 for one month, from its EBITDA and its interest (cash,
/// revolver and gap interest included).
pub fn income_statement(
    scenario: &Scenario,
    accounting: &Accounting,
    t: i32,
    ebitda: Decimal,
    interest: Decimal,
) -> PnlMonth {
    let depreciation = depreciation(scenario, accounting, t);
    let stock_comp = stock_comp(accounting, t);
    let interest_expense =
        held(interest * (Decimal::ONE - accounting.capitalised_interest_pct / HUNDRED));
    let adjusted_operating_income = ebitda - depreciation;
    let operating_income = adjusted_operating_income - stock_comp;
    let pre_tax_income = operating_income - interest_expense;
    let tax = held(accounting.tax_pct / HUNDRED * pre_tax_income.max(Decimal::ZERO));
    PnlMonth {
        depreciation,
        stock_comp,
        interest_expense,
        adjusted_operating_income,
        operating_income,
        pre_tax_income,
        tax,
        net_income: pre_tax_income - tax,
        book_value: book_value(scenario, accounting, t),
    }
}

/// The calendar year of month index `t`.
pub fn year_of(t: i32) -> i32 {
    Month::from_index(t).year()
}
