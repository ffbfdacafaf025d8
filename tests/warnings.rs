//! Warnings: inputs that run but do nothing or probably mean something else. One case per
//! warning that fires and a neighbour that does not; the shipped presets' warnings pinned; the
//! `check` output; the app's strip.

use clap::Parser;
use coreweave_whatif::cli::{Cli, execute};
use coreweave_whatif::model::{
    Amortization, CovenantTerms, Month, SHIPPED_PRESETS, Scenario, Warning, parse_scenario,
    set_lever_text, to_ron, validate, warnings,
};
use egui_kittest::kittest::Queryable;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

mod common;
use common::{harness, scratch_dir, shipped};

fn preset(stem: &str) -> Scenario {
    parse_scenario(shipped(stem)).unwrap_or_else(|err| panic!("{stem}: {err}"))
}

/// `scenario` with the lever at `path` set from text, as `--set` does.
fn with_lever(mut scenario: Scenario, path: &str, text: &str) -> Scenario {
    set_lever_text(&mut scenario, path, text).unwrap_or_else(|err| panic!("{path}={text}: {err}"));
    scenario
}

/// The warnings at `path`, after checking the scenario is valid: warnings are about inputs
/// that run.
fn at(scenario: &Scenario, path: &str) -> Vec<Warning> {
    let valid = validate(scenario.clone()).unwrap_or_else(|err| panic!("valid: {err}"));
    warnings(valid.scenario())
        .into_iter()
        .filter(|warning| warning.path == path)
        .collect()
}

fn only_at(scenario: &Scenario, path: &str) -> Warning {
    match at(scenario, path).as_slice() {
        [warning] => warning.clone(),
        other => panic!("expected one warning at {path}, got {other:?}"),
    }
}

fn facility<'a>(scenario: &'a mut Scenario, id: &str) -> &'a mut coreweave_whatif::model::Facility {
    scenario
        .facilities
        .iter_mut()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no facility {id}"))
}

#[test]
fn a_pledge_to_a_facility_no_coverage_covenant_tests_changes_nothing() {
    let mut scenario = preset("s1-base");
    assert!(
        at(&scenario, "microsoft.pledged_to").is_empty(),
        "ddtl2 has a Dscr covenant: the pledge counts"
    );
    let microsoft = scenario
        .contracts
        .iter_mut()
        .find(|c| c.id == "microsoft")
        .expect("s1-base has microsoft");
    assert_eq!(microsoft.pledged_to.as_deref(), Some("ddtl2"));
    microsoft.pledged_to = Some("new_debt".to_owned());
    let warning = only_at(&scenario, "microsoft.pledged_to");
    assert_eq!(
        warning.message,
        "no coverage (`Dscr`) covenant tests `new_debt`, so this pledge changes nothing"
    );
    assert_eq!(
        warning.fix,
        "add a `Dscr` covenant on `new_debt`, pledge to `ddtl2` instead, or remove `pledged_to`"
    );

    // A site's pledge the same way.
    let mut scenario = preset("actual-2025");
    scenario.sites[0].pledged_to = Some("ddtl2".to_owned());
    assert!(at(&scenario, "own_q1.pledged_to").is_empty());
    scenario.sites[0].pledged_to = Some("oem".to_owned());
    only_at(&scenario, "own_q1.pledged_to");

    // With no coverage covenant at all, the fix does not offer another facility.
    let mut scenario = preset("s1-base");
    scenario
        .covenants
        .retain(|covenant| !matches!(covenant.terms, CovenantTerms::Dscr { .. }));
    scenario.meta.sources.remove("dscr");
    assert_eq!(
        only_at(&scenario, "microsoft.pledged_to").fix,
        "add a `Dscr` covenant on `ddtl2`, or remove `pledged_to`"
    );
}

#[test]
fn scheduled_draws_beyond_what_the_commitment_leaves_are_flagged() {
    // s1-base's DDTL 2.0: $7600M committed, $3843.8M drawn, $3756M scheduled: $0.2M to spare.
    let scenario = preset("s1-base");
    assert!(at(&scenario, "ddtl2.draws.total").is_empty());
    let exactly = with_lever(scenario.clone(), "ddtl2.draws.total", "3756.2");
    assert!(
        at(&exactly, "ddtl2.draws.total").is_empty(),
        "drawing exactly what is left is fine"
    );

    let over = with_lever(scenario.clone(), "ddtl2.draws.total", "5000");
    let warning = only_at(&over, "ddtl2.draws.total");
    assert_eq!(
        warning.message,
        "schedules $5000M of draws but the commitment leaves $3756.2M ($7600M − $3843.8M \
         opening balance): the draws stop when it is used up"
    );
    assert_eq!(
        warning.fix,
        "lower `draws.total`, or raise `commitment` to $8843.8M"
    );

    // Parts dated before 2025 are in the opening balance already: only the 2025 half counts.
    let mut half_before = with_lever(scenario.clone(), "ddtl2.draws.total", "7000");
    facility(&mut half_before, "ddtl2").draws.from = Month::ym(2024, 7);
    facility(&mut half_before, "ddtl2").draws.months = 12;
    assert!(
        at(&half_before, "ddtl2.draws.total").is_empty(),
        "$3500M from 2025 fits the $3756.2M left"
    );
    facility(&mut half_before, "ddtl2").draws.total = dec!(8000);
    assert!(
        only_at(&half_before, "ddtl2.draws.total")
            .message
            .starts_with("schedules $4000M of draws from 2025-01 but"),
    );

    // A commitment below the balance leaves nothing, never a negative amount.
    let below = with_lever(
        with_lever(scenario, "ddtl2.commitment", "3000"),
        "ddtl2.draws.total",
        "10",
    );
    assert!(
        only_at(&below, "ddtl2.draws.total")
            .message
            .contains("the commitment leaves $0M ($3000M − $3843.8M opening balance)")
    );
}

#[test]
fn a_maturity_inside_the_draw_period_loses_the_later_draws() {
    // management-plan's new notes: $8000M over 18 months from 2025-06 (to 2026-11), due 2031-06.
    let scenario = preset("management-plan");
    assert!(at(&scenario, "new_debt.maturity").is_empty());
    let mut scenario = scenario;
    facility(&mut scenario, "new_debt").amortization = Amortization::None;

    let after = with_lever(scenario.clone(), "new_debt.maturity", "2026-12");
    assert!(
        at(&after, "new_debt.maturity").is_empty(),
        "maturing the month after the last draw loses nothing"
    );

    let on_last = with_lever(scenario.clone(), "new_debt.maturity", "2026-11");
    let warning = only_at(&on_last, "new_debt.maturity");
    assert_eq!(
        warning.message,
        "matures in 2026-11, at or before the last scheduled draw (2026-11): 1 of 18 draws \
         ($444.44M) fall in or after the maturity month and are never made"
    );
    assert_eq!(
        warning.fix,
        "move `maturity` after 2026-11, or shorten `draws.months` to 17 so the draws end before it"
    );

    let inside = with_lever(scenario.clone(), "new_debt.maturity", "2026-03");
    assert!(
        only_at(&inside, "new_debt.maturity")
            .message
            .contains("9 of 18 draws ($4000M)")
    );

    let before = with_lever(scenario, "new_debt.maturity", "2025-06");
    let warning = only_at(&before, "new_debt.maturity");
    assert!(warning.message.contains("18 of 18 draws"), "{warning}");
    assert!(
        warning.fix.ends_with("or start the draws before it"),
        "{warning}"
    );
}

#[test]
fn percentages_written_as_fractions_are_flagged() {
    let cases = [
        ("s1-base", "openai.prepay_pct"),
        ("s1-base", "microsoft_cut.cut_pct"),
        ("s1-base", "opex.cost_of_revenue_pct"),
        ("s1-base", "opex.other_opex_pct"),
        ("s1-base", "ddtl2.sweep_pct"),
        ("actual-2025", "ddtl2.funds.advance_pct"),
    ];
    for (stem, path) in cases {
        let scenario = preset(stem);
        assert!(at(&scenario, path).is_empty(), "{stem} {path} as shipped");
        let fraction = with_lever(scenario.clone(), path, "0.15");
        let warning = only_at(&fraction, path);
        assert_eq!(
            warning.message, "0.15 % — did you mean 15 %?",
            "{stem} {path}"
        );
        assert_eq!(
            warning.fix, "percentages are written in percent: write \"15\" for 15 %",
            "{stem} {path}"
        );
        // The edges: 0 is a real value, 1 % is a small but plausible one.
        for text in ["0", "1", "15"] {
            let plain = with_lever(scenario.clone(), path, text);
            assert!(at(&plain, path).is_empty(), "{stem} {path}={text}");
        }
    }
    let half = with_lever(preset("s1-base"), "microsoft_cut.cut_pct", "0.5");
    assert_eq!(
        only_at(&half, "microsoft_cut.cut_pct").message,
        "0.5 % — did you mean 50 %?"
    );
}

#[test]
fn an_amortisation_that_starts_after_maturity_never_pays() {
    let scenario = preset("s1-base");
    assert!(at(&scenario, "ddtl1.amortization.from").is_empty());
    let late = with_lever(scenario, "ddtl1.amortization.from", "2028-04");
    let warning = only_at(&late, "ddtl1.amortization.from");
    assert_eq!(
        warning.message,
        "starts in 2028-04, after the maturity in 2028-03: no payment is ever made and the \
         balloon repays everything"
    );
}

#[test]
fn a_covenant_window_outside_its_facility_s_life_is_flagged() {
    // s1-base's DSCR tests DDTL 2.0, due 2029-05.
    let scenario = preset("s1-base");
    assert!(at(&scenario, "dscr.from").is_empty());
    let on_maturity = with_lever(scenario.clone(), "dscr.from", "2029-05");
    assert!(
        at(&on_maturity, "dscr.from").is_empty(),
        "the maturity month still has debt service"
    );
    let after = with_lever(scenario.clone(), "dscr.from", "2029-06");
    let warning = only_at(&after, "dscr.from");
    assert_eq!(
        warning.message,
        "is tested from 2029-06, after `ddtl2` matures in 2029-05: it never tests the loan"
    );
    // The liquidity covenant's share of DDTL 2.0's balance, likewise.
    let liquidity = with_lever(scenario.clone(), "liquidity.from", "2030-01");
    only_at(&liquidity, "liquidity.from");

    // A window ending before a new facility's first draw. DDTL 2.0 owes from before 2025.
    let early = with_lever(scenario, "dscr.until", "2025-03");
    assert!(at(&early, "dscr.until").is_empty());
    let mut plan = preset("management-plan");
    let dscr = plan
        .covenants
        .iter_mut()
        .find(|c| c.id == "dscr")
        .expect("management-plan has a dscr covenant");
    dscr.terms = CovenantTerms::Dscr {
        facility: "new_debt".to_owned(),
        min: dec!(1.4),
    };
    dscr.until = Some(Month::ym(2025, 5));
    let warning = only_at(&plan, "dscr.until");
    assert_eq!(
        warning.message,
        "is tested until 2025-05, before `new_debt` first draws in 2025-06: it never tests the loan"
    );
    let plan = with_lever(plan, "dscr.until", "2025-06");
    assert!(at(&plan, "dscr.until").is_empty());
}

#[test]
fn a_covenant_that_is_never_tested_is_flagged() {
    let scenario = preset("s1-base");
    // `until` before `from` is allowed (any two lever values run) but tests nothing.
    let empty = with_lever(
        with_lever(scenario.clone(), "leverage.from", "2027-01"),
        "leverage.until",
        "2026-12",
    );
    let warning = only_at(&empty, "leverage.until");
    assert_eq!(
        warning.message,
        "2026-12 is before `from` (2027-01): the window is empty and the covenant is never tested"
    );
    let one_month = with_lever(empty, "leverage.until", "2027-01");
    assert!(at(&one_month, "leverage.until").is_empty());

    // s1-base's 72 months end in 2030-12.
    let late = with_lever(scenario.clone(), "leverage.from", "2031-01");
    assert_eq!(
        only_at(&late, "leverage.from").message,
        "is tested from 2031-01, after the horizon's last month (2030-12): it is never tested"
    );
    let last = with_lever(scenario.clone(), "leverage.from", "2030-12");
    assert!(at(&last, "leverage.from").is_empty());
    // Said once: not also "after `ddtl2` matures".
    let late_dscr = with_lever(scenario, "dscr.from", "2031-01");
    assert_eq!(at(&late_dscr, "dscr.from").len(), 1);
}

#[test]
fn a_share_of_no_facility_does_nothing() {
    let mut scenario = preset("s1-base");
    assert!(
        at(&scenario, "liquidity.pct").is_empty(),
        "a share of ddtl2"
    );
    let liquidity = scenario
        .covenants
        .iter_mut()
        .find(|c| c.id == "liquidity")
        .expect("s1-base has a liquidity covenant");
    let CovenantTerms::MinLiquidity { of_facility, .. } = &mut liquidity.terms else {
        panic!("liquidity is a MinLiquidity covenant");
    };
    *of_facility = None;
    let flat = with_lever(scenario, "liquidity.pct", "1");
    let warning = only_at(&flat, "liquidity.pct");
    assert_eq!(
        warning.message,
        "1 % of no facility: without `of_facility` the floor is flat and `pct` does nothing"
    );
    let zero = with_lever(flat, "liquidity.pct", "0");
    assert!(at(&zero, "liquidity.pct").is_empty());
}

/// No shipped preset warns: a preset a user opens should not start with "input warnings". (They
/// once pledged contracts to DDTL 1.0, DDTL 3.0 and the new notes, which no coverage covenant
/// reads, so the pledges moved no figure and were removed.)
#[test]
fn the_shipped_presets_have_no_warnings() {
    for (stem, _) in SHIPPED_PRESETS {
        let found: Vec<String> = warnings(&preset(stem))
            .into_iter()
            .map(|warning| format!("{}: {}", warning.path, warning.message))
            .collect();
        assert!(found.is_empty(), "{stem}: {found:?}");
    }
}

#[test]
fn warnings_never_panic_on_extreme_values() {
    // Not valid, so never run, but the app's strip and `check` must never fall over on input.
    let mut scenario = preset("s1-base");
    let ddtl2 = facility(&mut scenario, "ddtl2");
    ddtl2.commitment = Decimal::MAX;
    ddtl2.opening_balance = Decimal::MIN;
    ddtl2.draws.total = Decimal::MAX;
    ddtl2.draws.months = u32::MAX;
    ddtl2.draws.from = Month::ym(1990, 1);
    let new_debt = facility(&mut scenario, "new_debt");
    new_debt.draws.total = Decimal::MAX;
    new_debt.draws.months = u32::MAX;
    new_debt.maturity = Month::ym(2025, 1);
    let found = warnings(&scenario);
    assert!(
        found
            .iter()
            .any(|warning| warning.path == "new_debt.maturity"),
        "{found:?}"
    );
}

/// Runs `coreweave-whatif ARGS…` in-process: (succeeded as a check, stdout).
fn cli(args: &[&str]) -> (bool, String) {
    let parsed =
        Cli::try_parse_from(std::iter::once("coreweave-whatif").chain(args.iter().copied()))
            .unwrap_or_else(|err| panic!("{args:?}: {err}"));
    let mut out = Vec::new();
    let ok = execute(parsed.command.expect("a subcommand"), &mut out)
        .unwrap_or_else(|err| panic!("{args:?}: {err:#}"));
    (ok, String::from_utf8(out).expect("utf-8"))
}

#[test]
fn check_prints_warnings_under_the_ok_line_and_still_succeeds() {
    let dir = scratch_dir("check-warnings");
    let scenario = with_lever(preset("s1-base"), "openai.prepay_pct", "0.2");
    let path = dir.join("fraction.ron");
    std::fs::write(&path, to_ron(&scenario).expect("serialises")).expect("write");
    let path = path.to_str().expect("utf-8 path");

    let (ok, text) = cli(&["check", path]);
    assert!(ok, "warnings do not fail a check: {text}");
    assert_eq!(
        text,
        format!(
            "ok   {path}: S-1 base (as filed)\n\
             \x20 warning: openai.prepay_pct: 0.2 % — did you mean 20 %? (percentages are \
             written in percent: write \"20\" for 20 %)\n"
        )
    );

    // Through the real binary: the exit code is still 0.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_coreweave-whatif"))
        .args(["check", path])
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("  warning: openai.prepay_pct: 0.2 %")
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_app_lists_the_warnings_of_an_opened_preset() {
    let dir = scratch_dir("ui-warnings");
    let scenario = with_lever(preset("s1-base"), "openai.prepay_pct", "0.15");
    let scenario = with_lever(scenario, "ddtl2.draws.total", "5000");
    let path = dir.join("fraction.ron");
    std::fs::write(&path, to_ron(&scenario).expect("serialises")).expect("write");

    let mut harness = harness();
    assert!(
        harness.query_by_label_contains("input warning").is_none(),
        "the default scenario has no warnings"
    );
    harness.state_mut().open_path(&path);
    harness.run();
    assert_eq!(harness.state().error(), None);
    let paths: Vec<&str> = harness
        .state()
        .input_warnings()
        .iter()
        .map(|warning| warning.path.as_str())
        .collect();
    assert_eq!(paths, ["openai.prepay_pct", "ddtl2.draws.total"]);

    // Collapsed, the strip is one line; opened, it lists each warning and its fix.
    assert!(
        harness
            .query_by_label_contains("did you mean 15 %")
            .is_none()
    );
    harness.get_by_label_contains("2 input warnings").click();
    harness.run();
    harness.get_by_label("0.15 % — did you mean 15 %?");
    harness.get_by_label_contains("Fix: percentages are written in percent");
    let _ = std::fs::remove_dir_all(dir);
}
