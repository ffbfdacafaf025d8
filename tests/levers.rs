//! The lever registry: paths, ranges, errors, and that every in-range value runs.

mod common;

use common::grid_value;
use coreweave_whatif::model::analysis::{AnalysisError, Axis};
use coreweave_whatif::model::{
    Group, LeverError, LeverValue, Month, SHIPPED_PRESETS, Scenario, apply_assignments,
    default_scenario, lever, levers, parse_preset, read_value, run, set_lever, set_lever_text,
    validate,
};
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

#[test]
fn the_missions_levers_are_all_addressable() {
    let scenario = default_scenario().into_scenario();
    let paths = [
        "rates.sofr_pct",
        "ddtl1.spread_pct",
        "ddtl2.spread_pct",
        "oem.coupon_pct",
        "new_debt.coupon_pct",
        "ddtl2.draws.total",
        "ddtl2.draws.months",
        "revolver.commitment",
        "new_debt.draws.total",
        "new_debt.draws.from",
        "openai.start",
        "openai.ramp_months",
        "openai.total_value",
        "openai.term_months",
        "openai.prepay_pct",
        "core_scientific.delay_months",
        "core_scientific.delay_policy",
        "ipo.amount",
        "ipo.month",
        "opex.cost_of_revenue_pct",
        "denton.capex_per_mw",
        "ddtl1.amortization.amount",
        "liquidity.floor",
        "horizon_months",
    ];
    for path in paths {
        assert!(lever(&scenario, path).is_ok(), "{path} should be a lever");
    }
}

#[test]
fn groups_follow_the_mission() {
    let scenario = default_scenario().into_scenario();
    let group = |path: &str| lever(&scenario, path).map(|lever| lever.group).ok();
    assert_eq!(group("rates.sofr_pct"), Some(Group::InterestRates));
    assert_eq!(group("ddtl2.spread_pct"), Some(Group::InterestRates));
    assert_eq!(group("ddtl2.draws.total"), Some(Group::DrawAmounts));
    assert_eq!(group("openai.ramp_months"), Some(Group::OpenAiContract));
    assert_eq!(
        group("core_scientific.delay_months"),
        Some(Group::DeliveryPartners)
    );
    assert_eq!(group("ipo.amount"), Some(Group::IpoEquity));
    assert_eq!(group("microsoft_cut.cut_pct"), Some(Group::Customers));
    assert_eq!(group("microsoft_cut.from"), Some(Group::Customers));
    assert_eq!(group("opex.cost_of_revenue_pct"), Some(Group::CostsCapex));
}

#[test]
fn set_then_read_back() {
    let mut scenario = default_scenario().into_scenario();
    set_lever_text(&mut scenario, "ddtl2.spread_pct", "13").expect("in range");
    set_lever_text(&mut scenario, "openai.start", "2026-04").expect("in range");
    set_lever_text(&mut scenario, "core_scientific.delay_policy", "truncate")
        .expect("a choice, any case");
    set_lever_text(&mut scenario, "openai.ramp_months", "12").expect("whole");
    assert_eq!(
        lever(&scenario, "ddtl2.spread_pct").map(|l| l.value),
        Ok(LeverValue::Number(dec!(13)))
    );
    assert_eq!(
        lever(&scenario, "openai.start").map(|l| l.value),
        Ok(LeverValue::Month(Month::ym(2026, 4)))
    );
    assert_eq!(
        lever(&scenario, "core_scientific.delay_policy").map(|l| l.value),
        Ok(LeverValue::Choice("Truncate"))
    );
    assert_eq!(scenario.contracts[3].ramp_months, 12);
}

#[test]
fn unknown_paths_and_bad_values_name_the_path() {
    let mut scenario = default_scenario().into_scenario();
    let before = scenario.clone();
    let cases = [
        ("ddtl3.spread_pct", "1", "unknown lever `ddtl3.spread_pct`"),
        (
            "rates.sofr_pct",
            "99",
            "rates.sofr_pct: 99 is too high: must be between 0 and 15 %",
        ),
        (
            "rates.sofr_pct",
            "abc",
            "rates.sofr_pct: `abc` is not a decimal number",
        ),
        (
            "openai.ramp_months",
            "2.5",
            "openai.ramp_months: 2.5 is not a whole number",
        ),
        (
            "openai.start",
            "2026-13",
            "openai.start: `2026-13` is not a month",
        ),
        (
            "core_scientific.delay_policy",
            "Later",
            "core_scientific.delay_policy: `Later` is not one of Shift, Truncate",
        ),
        ("ddtl1.coupon_pct", "5", "unknown lever `ddtl1.coupon_pct`"),
    ];
    for (path, text, expected) in cases {
        let err = set_lever_text(&mut scenario, path, text)
            .expect_err(path)
            .to_string();
        assert!(err.contains(expected), "{path}={text}: got `{err}`");
    }
    assert_eq!(scenario, before, "a refused value changes nothing");
    let err = apply_assignments(&mut scenario, &["rates.sofr_pct"]).expect_err("no =");
    assert!(matches!(err, LeverError::BadValue { .. }), "{err}");
}

#[test]
fn every_lever_reads_its_own_value_back() {
    let scenario = default_scenario().into_scenario();
    for lever in levers(&scenario) {
        let mut copy = scenario.clone();
        set_lever(&mut copy, &lever.path, &lever.value)
            .unwrap_or_else(|err| panic!("{}: {err}", lever.path));
        assert_eq!(copy, scenario, "{} round-trips", lever.path);
        let text = lever.value.to_string();
        assert_eq!(
            read_value(&lever.kind, &text).ok().as_ref(),
            Some(&lever.value),
            "{} parses its own text",
            lever.path
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any in-range value of any lever, alone or combined with others, validates and runs;
    /// the cash identity of spec §4 holds every month and no balance goes negative.
    #[test]
    fn any_in_range_levers_run_and_keep_the_books(
        positions in prop::collection::vec(any::<u32>(), 240),
        changed in prop::collection::vec(any::<bool>(), 240),
        preset in 0usize..coreweave_whatif::model::SHIPPED_PRESETS.len(),
    ) {
        let text = coreweave_whatif::model::SHIPPED_PRESETS[preset].1;
        let mut scenario = coreweave_whatif::model::parse_preset(text).expect("shipped preset").into_scenario();
        for (i, lever) in levers(&scenario).into_iter().enumerate() {
            if changed.get(i).copied().unwrap_or(false) {
                let value = grid_value(&lever.kind, positions.get(i).copied().unwrap_or(0));
                set_lever(&mut scenario, &lever.path, &value).map_err(|err| TestCaseError::fail(err.to_string()))?;
            }
        }
        let valid = validate(scenario).map_err(|err| TestCaseError::fail(err.to_string()))?;
        let outcome = run(&valid).map_err(|err| TestCaseError::fail(err.to_string()))?;
        let mut cash = valid.scenario().opening.cash;
        for (t, row) in outcome.months.iter().enumerate() {
            // Spec §8.1: tax is the one income-statement figure paid in cash.
            let expected = cash + row.collections - row.cost_of_revenue - row.opex - row.capex - row.reimbursement
                - row.interest - row.principal - outcome.tax(t) + row.draws + row.equity + row.revolver_draw - row.revolver_repay;
            prop_assert_eq!(row.cash, expected, "cash identity in {}", row.month);
            cash = row.cash;
            if let Some(pnl) = outcome.pnl.get(t) {
                prop_assert_eq!(
                    pnl.net_income,
                    row.ebitda - pnl.depreciation - pnl.stock_comp - pnl.interest_expense - pnl.tax,
                    "net income identity in {}", row.month
                );
                prop_assert!(pnl.tax >= Decimal::ZERO && pnl.depreciation >= Decimal::ZERO);
                prop_assert!(pnl.book_value >= Decimal::ZERO, "book value {} in {}", pnl.book_value, row.month);
                prop_assert!(pnl.interest_expense <= row.interest, "expense within cash interest in {}", row.month);
            }
            if let Some(gap) = outcome.gap_interest.get(t) {
                prop_assert!(*gap >= Decimal::ZERO && *gap <= row.interest, "gap interest in {}", row.month);
            }
            for k in 0..outcome.collateral_ids.len() {
                let collateral = outcome.collateral_month(t, k);
                prop_assert!(collateral.value >= Decimal::ZERO && collateral.prepay >= Decimal::ZERO);
            }
            for (f, id) in outcome.facility_ids.iter().enumerate() {
                let balance = outcome.facility(t, f).balance;
                prop_assert!(balance >= Decimal::ZERO, "{}.balance = {} in {}", id, balance, row.month);
            }
            prop_assert!(row.debt >= Decimal::ZERO);
            prop_assert!(row.revolver_draw >= Decimal::ZERO && row.revolver_repay >= Decimal::ZERO);
        }
    }
}

#[test]
fn draw_amounts_hold_what_can_still_be_drawn() {
    let scenario = default_scenario().into_scenario();
    let in_group: Vec<String> = levers(&scenario)
        .into_iter()
        .filter(|lever| lever.group == Group::DrawAmounts)
        .map(|lever| lever.path)
        .collect();
    for path in [
        "ddtl2.draws.total",
        "ddtl2.draws.months",
        "new_debt.draws.total",
        "new_debt.draws.from",
        "revolver.commitment",
    ] {
        assert!(in_group.iter().any(|p| p == path), "{path} in {in_group:?}");
    }
    // Fully drawn facilities keep their (unused) draw levers with the debt terms.
    for path in [
        "oem.draws.total",
        "term2024.draws.total",
        "ddtl2.commitment",
    ] {
        assert!(
            !in_group.iter().any(|p| p == path),
            "{path} should not be a draw amount"
        );
    }
}

fn shipped_scenarios() -> Vec<(&'static str, Scenario)> {
    SHIPPED_PRESETS
        .iter()
        .map(|(name, text)| (*name, parse_preset(text).expect("shipped").into_scenario()))
        .collect()
}

/// The analyses set levers through an [`Axis`], which goes straight to the lever's field:
/// every lever of every shipped preset, set again and again on one scenario, moves that lever
/// and no other, exactly as `set_lever` does.
#[test]
fn an_axis_sets_its_lever_and_touches_no_other() {
    for (preset, base) in shipped_scenarios() {
        let before = levers(&base);
        for (index, lever) in before.iter().enumerate() {
            let axis = Axis::resolve(&base, &lever.path).expect("a lever");
            let mut scenario = base.clone();
            for point in axis.spread(5) {
                let value = axis.value_at(point);
                axis.apply(&mut scenario, &value)
                    .unwrap_or_else(|err| panic!("{preset}: {} = {value}: {err}", lever.path));
                let mut expected = scenario.clone();
                set_lever(&mut expected, &lever.path, &value).expect("in range");
                assert_eq!(scenario, expected, "{preset}: {} = {value}", lever.path);
                for (other, after) in before.iter().zip(levers(&scenario)) {
                    // A covenant window without an end is tested to the horizon's last month.
                    if lever.path == "horizon_months" && other.path.ends_with(".until") {
                        continue;
                    }
                    let moved = if other.path == lever.path {
                        &value
                    } else {
                        &other.value
                    };
                    assert_eq!(
                        (&after.path, &after.value),
                        (&other.path, moved),
                        "{preset}: {} = {value} (lever {index})",
                        lever.path
                    );
                }
            }
        }
    }
}

/// An axis keeps where it found its lever; applied to another preset, whose lists differ, it
/// must still set that preset's lever of the same path, or refuse as `set_lever` does.
#[test]
fn an_axis_applied_to_another_scenario_sets_that_scenarios_lever() {
    let scenarios = shipped_scenarios();
    for (first, base) in &scenarios {
        for lever in levers(base) {
            let axis = Axis::resolve(base, &lever.path).expect("a lever");
            axis.apply(&mut base.clone(), &lever.value)
                .expect("its own value");
            for (second, other) in &scenarios {
                let mut expected = other.clone();
                let expected_result = set_lever(&mut expected, &lever.path, &lever.value);
                let mut got = other.clone();
                let got_result = axis.apply(&mut got, &lever.value);
                assert_eq!(
                    got_result,
                    expected_result.map_err(AnalysisError::Lever),
                    "{first} → {second}: {}",
                    lever.path
                );
                assert_eq!(got, expected, "{first} → {second}: {}", lever.path);
            }
        }
    }
}

#[test]
fn an_axis_refuses_unknown_paths_and_bad_values_as_set_lever_does() {
    let base = default_scenario().into_scenario();
    let sofr = Axis::resolve(&base, "rates.sofr_pct").expect("a lever");
    let mut unknown = sofr.lever.clone();
    unknown.path = "ddtl3.spread_pct".to_owned();
    let cases = [
        (Axis::from_lever(unknown), LeverValue::Number(dec!(5))),
        (sofr.clone(), LeverValue::Number(dec!(99))),
        (sofr.clone(), LeverValue::Month(Month::ym(2026, 1))),
        (sofr, LeverValue::Choice("Shift")),
    ];
    for (axis, value) in cases {
        let mut scenario = base.clone();
        let expected = set_lever(&mut scenario.clone(), axis.path(), &value).expect_err("refused");
        assert_eq!(
            axis.apply(&mut scenario, &value),
            Err(AnalysisError::Lever(expected)),
            "{} = {value}",
            axis.path()
        );
        assert_eq!(scenario, base, "a refused value changes nothing");
    }
}

#[test]
fn every_lever_of_every_shipped_preset_has_a_label_of_its_own() {
    for (stem, text) in coreweave_whatif::model::SHIPPED_PRESETS {
        let valid = coreweave_whatif::model::parse_preset(text).expect("shipped presets parse");
        let levers = coreweave_whatif::model::levers(valid.scenario());
        let mut seen = std::collections::HashSet::new();
        for lever in &levers {
            assert!(
                seen.insert(lever.label.as_str()),
                "{stem}: two sliders read \"{}\" (one is {})",
                lever.label,
                lever.path
            );
        }
    }
    // Two contracts with one customer are told apart by their ids, and only then.
    let valid =
        coreweave_whatif::model::parse_preset(common::shipped("actual-2025")).expect("parses");
    let label = |path: &str| {
        coreweave_whatif::model::lever(valid.scenario(), path)
            .expect("a lever")
            .label
    };
    assert_eq!(label("openai_2.start"), "OpenAI (openai_2): start");
    assert_eq!(label("openai.start"), "OpenAI (openai): start");
    assert_eq!(label("rates.sofr_pct"), "SOFR");
    assert_eq!(
        label("microsoft.total_value"),
        "Microsoft: contract value",
        "one contract with Microsoft needs no id, whatever else is named after it"
    );
}
