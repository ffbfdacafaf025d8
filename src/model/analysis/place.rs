//! A cheap setter for the analyses' inner loops.
//!
//! `set_lever` walks the whole registry and formats every path on each call (tens of µs, a
//! sizeable share of a run). [`locate`] finds a number or month field from its path by
//! matching the path's parts against the scenario, with no allocation. It only *finds* the
//! field: the lever, its kind and its range still come from the registry ([`super::Axis`]
//! resolves it there and checks every value with `check_in_range`), and a path `locate` does
//! not know falls back to `set_lever`. A test checks that both setters agree on every lever of
//! every shipped preset.

use rust_decimal::Decimal;

use crate::model::month::Month;
use crate::model::scenario::{Amortization, CovenantTerms, FacilityKind, Rate, Scenario};

/// A number or month field of a scenario.
pub(crate) enum Place<'a> {
    Decimal(&'a mut Decimal),
    Count(&'a mut u32),
    Month(&'a mut Month),
}

/// The field at `path`, if it is a number or month lever this function knows.
pub(crate) fn locate<'a>(scenario: &'a mut Scenario, path: &str) -> Option<Place<'a>> {
    let (head, field) = path.split_once('.').unwrap_or((path, ""));
    let place = match (head, field) {
        ("horizon_months", "") => Place::Count(&mut scenario.horizon_months),
        ("opening", "cash") => Place::Decimal(&mut scenario.opening.cash),
        ("opening", "mw_online") => Place::Decimal(&mut scenario.opening.mw_online),
        ("rates", "sofr_pct") => Place::Decimal(&mut scenario.rates.sofr_pct),
        ("core_scientific", "delay_months") => {
            Place::Count(&mut scenario.core_scientific.delay_months)
        }
        ("opex", "cost_of_revenue_pct") => Place::Decimal(&mut scenario.opex.cost_of_revenue_pct),
        ("opex", "other_opex_pct") => Place::Decimal(&mut scenario.opex.other_opex_pct),
        ("opex", "fixed_monthly") => Place::Decimal(&mut scenario.opex.fixed_monthly),
        ("opex", "fixed_growth_pct") => Place::Decimal(&mut scenario.opex.fixed_growth_pct),
        ("capex", "lead_months") => Place::Count(&mut scenario.capex.lead_months),
        ("revolver_policy", "target_cash") => {
            Place::Decimal(&mut scenario.revolver_policy.target_cash)
        }
        (id, field) => return locate_item(scenario, id, field),
    };
    Some(place)
}

/// A field of the list item with the id `id` (ids are unique across a valid scenario).
fn locate_item<'a>(scenario: &'a mut Scenario, id: &str, field: &str) -> Option<Place<'a>> {
    if let Some(contract) = scenario.contracts.iter_mut().find(|c| c.id == id) {
        return match field {
            "total_value" => Some(Place::Decimal(&mut contract.total_value)),
            "start" => Some(Place::Month(&mut contract.start)),
            "term_months" => Some(Place::Count(&mut contract.term_months)),
            "ramp_months" => Some(Place::Count(&mut contract.ramp_months)),
            "prepay_pct" => Some(Place::Decimal(&mut contract.prepay_pct)),
            _ => None,
        };
    }
    if let Some(cut) = scenario.customer_cuts.iter_mut().find(|c| c.id == id) {
        return match field {
            "cut_pct" => Some(Place::Decimal(&mut cut.cut_pct)),
            "from" => Some(Place::Month(&mut cut.from)),
            _ => None,
        };
    }
    if let Some(site) = scenario.sites.iter_mut().find(|s| s.id == id) {
        return match field {
            "mw" => Some(Place::Decimal(&mut site.mw)),
            "online" => Some(Place::Month(&mut site.online)),
            "capex_per_mw" => Some(Place::Decimal(&mut site.capex_per_mw)),
            "reimbursement" => Some(Place::Decimal(&mut site.reimbursement)),
            _ => None,
        };
    }
    if let Some(facility) = scenario.facilities.iter_mut().find(|f| f.id == id) {
        let term = facility.kind != FacilityKind::Revolver;
        return match (field, &mut facility.rate, &mut facility.amortization) {
            ("spread_pct", Rate::Floating { spread_pct }, _) => Some(Place::Decimal(spread_pct)),
            ("coupon_pct", Rate::Fixed { coupon_pct }, _) => Some(Place::Decimal(coupon_pct)),
            ("commitment", ..) => Some(Place::Decimal(&mut facility.commitment)),
            ("opening_balance", ..) => Some(Place::Decimal(&mut facility.opening_balance)),
            ("maturity", ..) => Some(Place::Month(&mut facility.maturity)),
            ("draws.total", ..) if term => Some(Place::Decimal(&mut facility.draws.total)),
            ("draws.from", ..) if term => Some(Place::Month(&mut facility.draws.from)),
            ("draws.months", ..) if term => Some(Place::Count(&mut facility.draws.months)),
            ("sweep_pct", ..) if term => Some(Place::Decimal(&mut facility.sweep_pct)),
            ("amortization.amount", _, Amortization::Fixed { amount, .. }) => {
                Some(Place::Decimal(amount))
            }
            (
                "amortization.every",
                _,
                Amortization::Fixed { every, .. } | Amortization::Level { every, .. },
            ) => Some(Place::Count(every)),
            (
                "amortization.from",
                _,
                Amortization::Fixed { from, .. } | Amortization::Level { from, .. },
            ) => Some(Place::Month(from)),
            _ => None,
        };
    }
    if let Some(raise) = scenario.equity.iter_mut().find(|e| e.id == id) {
        return match field {
            "amount" => Some(Place::Decimal(&mut raise.amount)),
            "month" => Some(Place::Month(&mut raise.month)),
            _ => None,
        };
    }
    let covenant = scenario.covenants.iter_mut().find(|c| c.id == id)?;
    match (field, &mut covenant.terms) {
        ("floor", CovenantTerms::MinLiquidity { floor, .. }) => Some(Place::Decimal(floor)),
        ("pct", CovenantTerms::MinLiquidity { pct, .. }) => Some(Place::Decimal(pct)),
        ("min", CovenantTerms::Dscr { min, .. }) => Some(Place::Decimal(min)),
        ("max", CovenantTerms::MaxLeverage { max }) => Some(Place::Decimal(max)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::analysis::Axis;
    use crate::model::levers::{LeverKind, LeverValue, levers, set_lever};
    use crate::model::preset::{SHIPPED_PRESETS, parse_preset};

    #[test]
    fn out_of_range_or_mistyped_values_are_refused_with_the_path() {
        let base = crate::model::default_scenario().into_scenario();
        let axis = Axis::resolve(&base, "rates.sofr_pct").expect("lever");
        for value in [
            LeverValue::Number(Decimal::from(99)),
            LeverValue::Month(Month::ym(2026, 1)),
        ] {
            let err = axis.apply(&mut base.clone(), &value).expect_err("refused");
            assert!(err.to_string().contains("rates.sofr_pct"), "{err}");
        }
        let term = Axis::resolve(&base, "openai.term_months").expect("lever");
        let err = term
            .apply(&mut base.clone(), &LeverValue::Number(Decimal::new(125, 1)))
            .expect_err("not whole");
        assert!(err.to_string().contains("openai.term_months"), "{err}");
    }

    #[test]
    fn the_cheap_setter_agrees_with_the_registry_on_every_shipped_lever() {
        for (name, text) in SHIPPED_PRESETS {
            let base = parse_preset(text)
                .unwrap_or_else(|err| panic!("{name}: {err}"))
                .into_scenario();
            for lever in levers(&base) {
                let path = lever.path.clone();
                let choice = matches!(lever.kind, LeverKind::Choice { .. });
                let known = locate(&mut base.clone(), &path).is_some();
                assert_eq!(
                    known, !choice,
                    "{name}: `{path}` — add new number and month levers to analysis/place.rs"
                );
                let axis = Axis::from_lever(lever);
                for index in axis.spread(5) {
                    let value = axis.value_at(index);
                    let mut cheap = base.clone();
                    let mut registry = base.clone();
                    axis.apply(&mut cheap, &value).expect("in range");
                    set_lever(&mut registry, &path, &value).expect("in range");
                    assert_eq!(cheap, registry, "{name}: {path} = {value}");
                }
            }
        }
    }
}
