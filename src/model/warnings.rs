//! Warnings: inputs that validation accepts but that do nothing, or that probably mean
//! something else (a pledge no covenant reads, `0.15` written for 15 %). Validation refuses
//! what cannot run; these run, so they are only pointed out, with the path of the field and a
//! suggested fix. Pure: a scenario in, a list out.

use std::fmt;

use rust_decimal::Decimal;
use serde::Serialize;

use super::money::round_for_display;
use super::month::Month;
use super::scenario::{Amortization, Covenant, CovenantTerms, Facility, FacilityKind, Scenario};

/// One input that probably does not do what its author meant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The field, named as validation and the lever registry name it (`openai.prepay_pct`,
    /// `ddtl2.draws.total`).
    pub path: String,
    /// What the input does, in one sentence.
    pub message: String,
    /// What to write instead.
    pub fix: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.path, self.message, self.fix)
    }
}

/// Every warning for `scenario`, in preset order (contracts, cuts, costs, sites, facilities,
/// covenants). References that do not resolve are left to validation, which refuses them.
pub fn warnings(scenario: &Scenario) -> Vec<Warning> {
    let mut out = Vec::new();
    let tested = scenario.coverage_tested_facilities();

    for contract in &scenario.contracts {
        if let Some(facility) = &contract.pledged_to {
            pledge_warning(scenario, &tested, &contract.id, facility, &mut out);
        }
        fraction_warning(&contract.id, "prepay_pct", contract.prepay_pct, &mut out);
    }
    for cut in &scenario.customer_cuts {
        fraction_warning(&cut.id, "cut_pct", cut.cut_pct, &mut out);
    }
    let opex = &scenario.opex;
    fraction_warning(
        "opex",
        "cost_of_revenue_pct",
        opex.cost_of_revenue_pct,
        &mut out,
    );
    fraction_warning("opex", "other_opex_pct", opex.other_opex_pct, &mut out);
    for site in &scenario.sites {
        if let Some(facility) = &site.pledged_to {
            pledge_warning(scenario, &tested, &site.id, facility, &mut out);
        }
    }
    for facility in &scenario.facilities {
        // A revolver draws by policy; scheduled draws on it are a validation error.
        if facility.kind != FacilityKind::Revolver {
            draws_warnings(facility, &mut out);
            amortization_warning(facility, &mut out);
            fraction_warning(&facility.id, "sweep_pct", facility.sweep_pct, &mut out);
        }
        if let Some(funds) = &facility.funds {
            fraction_warning(
                &facility.id,
                "funds.advance_pct",
                funds.advance_pct,
                &mut out,
            );
        }
    }
    for covenant in &scenario.covenants {
        flat_floor_warning(covenant, &mut out);
        if !never_tested_warning(scenario, covenant, &mut out) {
            window_warning(scenario, covenant, &mut out);
        }
    }
    out
}

/// A pledge counts only toward a coverage test of the facility it names; with none, the
/// pledged revenue is read by nothing.
fn pledge_warning(
    scenario: &Scenario,
    tested: &[&str],
    item: &str,
    facility: &str,
    out: &mut Vec<Warning>,
) {
    let exists = scenario.facilities.iter().any(|f| f.id == facility);
    if !exists || tested.contains(&facility) {
        return;
    }
    let fix = match tested {
        [] => format!("add a `Dscr` covenant on `{facility}`, or remove `pledged_to`"),
        _ => format!(
            "add a `Dscr` covenant on `{facility}`, pledge to {} instead, or remove `pledged_to`",
            alternatives(tested)
        ),
    };
    out.push(Warning {
        path: format!("{item}.pledged_to"),
        message: format!(
            "no coverage (`Dscr`) covenant tests `{facility}`, so this pledge changes nothing"
        ),
        fix,
    });
}

/// Percentages are written in percent (`15` is 15 %). A value strictly between 0 and 1 in a
/// field whose sensible values are 5 or more was almost surely written as a fraction.
fn fraction_warning(item: &str, field: &str, value: Decimal, out: &mut Vec<Warning>) {
    if value <= Decimal::ZERO || value >= Decimal::ONE {
        return;
    }
    // Below 1, times 100 cannot overflow.
    let meant = (value * Decimal::ONE_HUNDRED).normalize();
    out.push(Warning {
        path: format!("{item}.{field}"),
        message: format!("{} % — did you mean {meant} %?", value.normalize()),
        fix: format!("percentages are written in percent: write \"{meant}\" for {meant} %"),
    });
}

/// Scheduled draws the engine will not make: beyond what the commitment leaves, or dated at
/// or after the facility's maturity. Parts dated before 2025-01 are in the opening balance
/// already (docs/model.md, "Facilities"), so they count toward neither.
fn draws_warnings(facility: &Facility, out: &mut Vec<Warning>) {
    let draws = &facility.draws;
    if draws.total <= Decimal::ZERO || draws.months == 0 {
        return;
    }
    let id = &facility.id;
    // Months as i64: an unvalidated scenario may hold any u32 of months.
    let from = i64::from(draws.from.index());
    let until = from + i64::from(draws.months);
    let months = Decimal::from(draws.months);
    let parts_in_model = until - from.max(0);
    if parts_in_model <= 0 {
        return;
    }
    let last_draw = month_at(until - 1);

    let left = facility
        .commitment
        .checked_sub(facility.opening_balance)
        .unwrap_or(Decimal::MAX)
        .max(Decimal::ZERO);
    let scheduled = share(draws.total, parts_in_model, months);
    if let Some(scheduled) = scheduled
        && scheduled > left
    {
        let from_2025 = if parts_in_model < i64::from(draws.months) {
            " from 2025-01"
        } else {
            ""
        };
        let needed = facility
            .opening_balance
            .checked_add(scheduled)
            .map_or_else(String::new, |needed| format!(" to {}", musd(needed)));
        out.push(Warning {
            path: format!("{id}.draws.total"),
            message: format!(
                "schedules {} of draws{from_2025} but the commitment leaves {} ({} − {} opening \
                 balance): the draws stop when it is used up",
                musd(scheduled),
                musd(left),
                musd(facility.commitment),
                musd(facility.opening_balance),
            ),
            fix: format!("lower `draws.total`, or raise `commitment`{needed}"),
        });
    }

    // No draws in or after the maturity month (the balloon repays the loan then).
    let maturity = i64::from(facility.maturity.index());
    let lost_from = maturity.max(from).max(0);
    if lost_from < until {
        let lost_parts = until - lost_from;
        let lost = share(draws.total, lost_parts, months)
            .map_or_else(String::new, |lost| format!(" ({})", musd(lost)));
        let shorten = if maturity > from {
            format!(
                "or shorten `draws.months` to {} so the draws end before it",
                maturity - from
            )
        } else {
            "or start the draws before it".to_owned()
        };
        out.push(Warning {
            path: format!("{id}.maturity"),
            message: format!(
                "matures in {}, at or before the last scheduled draw ({last_draw}): {lost_parts} \
                 of {} draws{lost} fall in or after the maturity month and are never made",
                facility.maturity, draws.months,
            ),
            fix: format!("move `maturity` after {last_draw}, {shorten}"),
        });
    }
}

/// An amortisation that starts after maturity never pays: the loan is a bullet repaid by the
/// balloon (docs/model.md, "Facilities").
fn amortization_warning(facility: &Facility, out: &mut Vec<Warning>) {
    let from = match facility.amortization {
        Amortization::None => return,
        Amortization::Fixed { from, .. } | Amortization::Level { from, .. } => from,
    };
    if from <= facility.maturity {
        return;
    }
    out.push(Warning {
        path: format!("{}.amortization.from", facility.id),
        message: format!(
            "starts in {from}, after the maturity in {}: no payment is ever made and the \
             balloon repays everything",
            facility.maturity
        ),
        fix: "start the amortisation at or before `maturity`, or write `amortization: None` \
              for a bullet"
            .to_owned(),
    });
}

/// Without `of_facility` the liquidity floor is flat (docs/model.md): a share of a balance has
/// no balance to apply to.
fn flat_floor_warning(covenant: &Covenant, out: &mut Vec<Warning>) {
    if let CovenantTerms::MinLiquidity {
        pct,
        of_facility: None,
        ..
    } = &covenant.terms
        && *pct > Decimal::ZERO
    {
        out.push(Warning {
            path: format!("{}.pct", covenant.id),
            message: format!(
                "{} % of no facility: without `of_facility` the floor is flat and `pct` does \
                 nothing",
                pct.normalize()
            ),
            fix: "name the facility (`of_facility: \"…\"`), or write `pct: \"0\"`".to_owned(),
        });
    }
}

/// A window that is empty (`until` before `from`, allowed so that any two lever values run) or
/// starts after the horizon's last month: the covenant is never tested. Returns whether it
/// warned, so the facility's life is not judged against a window that tests nothing anyway.
fn never_tested_warning(scenario: &Scenario, covenant: &Covenant, out: &mut Vec<Warning>) -> bool {
    let id = &covenant.id;
    if let (Some(from), Some(until)) = (covenant.from, covenant.until)
        && until < from
    {
        out.push(Warning {
            path: format!("{id}.until"),
            message: format!(
                "{until} is before `from` ({from}): the window is empty and the covenant is \
                 never tested"
            ),
            fix: format!("end the window in or after {from}, or remove `until`"),
        });
        return true;
    }
    let last = month_at(i64::from(scenario.horizon_months) - 1);
    if let Some(from) = covenant.from
        && from > last
    {
        out.push(Warning {
            path: format!("{id}.from"),
            message: format!(
                "is tested from {from}, after the horizon's last month ({last}): it is never \
                 tested"
            ),
            fix: format!("start the window by {last}, or lengthen `horizon_months`"),
        });
        return true;
    }
    false
}

/// A covenant tested only before its facility first borrows or only after it matures tests
/// nothing the facility owes: a coverage test finds no debt service, a liquidity test's share
/// of the balance is of a zero balance.
fn window_warning(scenario: &Scenario, covenant: &Covenant, out: &mut Vec<Warning>) {
    let facility_id = match &covenant.terms {
        CovenantTerms::Dscr { facility, .. } | CovenantTerms::MaxLtv { facility, .. } => {
            facility.as_str()
        }
        CovenantTerms::MinLiquidity {
            of_facility: Some(facility),
            ..
        } => facility.as_str(),
        // A flat floor or a leverage cap tests the whole company, whatever the window.
        CovenantTerms::MinLiquidity { .. }
        | CovenantTerms::MaxLeverage { .. }
        | CovenantTerms::MinInterestCoverage { .. } => return,
    };
    let Some(facility) = scenario.facilities.iter().find(|f| f.id == facility_id) else {
        return;
    };
    let id = &covenant.id;
    if let Some(from) = covenant.from
        && from > facility.maturity
    {
        out.push(Warning {
            path: format!("{id}.from"),
            message: format!(
                "is tested from {from}, after `{facility_id}` matures in {}: it never tests \
                 the loan",
                facility.maturity
            ),
            fix: format!(
                "start the window at or before {}, or test another facility",
                facility.maturity
            ),
        });
    }
    if let (Some(until), Some(first)) = (covenant.until, first_borrowing(facility))
        && until < first
    {
        out.push(Warning {
            path: format!("{id}.until"),
            message: format!(
                "is tested until {until}, before `{facility_id}` first draws in {first}: it \
                 never tests the loan"
            ),
            fix: format!("end the window in or after {first}, or remove `until`"),
        });
    }
}

/// The month a facility first owes anything, if it is known before running: none when it
/// has an opening balance (it owes from before 2025) or funds capex (its draws follow the
/// invoices), or when it never draws on a schedule.
fn first_borrowing(facility: &Facility) -> Option<Month> {
    let owes_already = facility.opening_balance > Decimal::ZERO || facility.funds.is_some();
    let draws = &facility.draws;
    (!owes_already && draws.total > Decimal::ZERO && draws.months > 0).then_some(draws.from)
}

/// `total × parts / months`, or nothing if it does not fit a `Decimal`.
fn share(total: Decimal, parts: i64, months: Decimal) -> Option<Decimal> {
    total
        .checked_mul(Decimal::from(parts))
        .and_then(|amount| amount.checked_div(months))
}

/// The month at offset `t`, saturated to what a [`Month`] holds.
fn month_at(t: i64) -> Month {
    Month::from_index(i32::try_from(t).unwrap_or(if t < 0 { i32::MIN } else { i32::MAX }))
}

/// `$3756M`, rounded as the rest of the app rounds money for display.
fn musd(value: Decimal) -> String {
    format!("${}M", round_for_display(value).normalize())
}

/// `` `ddtl2` ``, or `` `ddtl2` or `ddtl3` ``.
fn alternatives(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}
