//! Issue 4's analyses in the app, driven headless with egui_kittest: the baseline overlay, the
//! tornado, the breach map, Monte Carlo, the slider shading and the memo. Background results are
//! waited for by stepping frames in a bounded loop; nothing asserts on time.

use coreweave_whatif::model::LeverValue;
use coreweave_whatif::model::analysis::breach_ranges;
use coreweave_whatif::ui::breach_map_tab::cell_rect;
use coreweave_whatif::ui::{BaselineSource, Command, Tab, WhatIfApp};
use eframe::egui;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use rust_decimal::Decimal;

mod common;
use common::{harness, scratch_dir};

/// Most frames to wait for a background job (each frame sleeps a little, so a slow debug build
/// has minutes, not a fixed time, and a broken job fails instead of hanging).
const MAX_WAIT_FRAMES: usize = 6000;

/// Steps frames until `done` holds; panics with `what` if it never does.
fn wait_until(
    harness: &mut Harness<'static, WhatIfApp>,
    what: &str,
    done: impl Fn(&WhatIfApp) -> bool,
) {
    for _ in 0..MAX_WAIT_FRAMES {
        harness.step();
        if done(harness.state()) {
            harness.step();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("gave up waiting for {what}");
}

#[test]
fn pinning_a_baseline_shows_the_comparison_with_differences() {
    let mut harness = harness();
    harness
        .state_mut()
        .submit(Command::PinBaseline(BaselineSource::Current));
    harness.run();
    assert!(harness.state().pinned_baseline().is_some());

    harness
        .get_by_role_and_label(Role::Slider, "SOFR")
        .set_value_accesskit(9.0);
    harness.run();
    assert_eq!(
        harness.state().lever_value("rates.sofr_pct"),
        Some(LeverValue::Number(Decimal::from(9)))
    );

    harness.state_mut().set_tab(Tab::Compare);
    harness.run();
    for heading in ["Baseline", "Current", "Difference"] {
        harness.get_by_label(heading);
    }
    harness.get_by_label("Ending cash");
    assert!(
        harness
            .query_all_by_label_contains("Min headroom: ")
            .count()
            >= 1,
        "a headroom row per covenant"
    );
    for row in ["Funding need", "Total interest", "First breach"] {
        assert!(
            harness.query_all_by_label(row).count() >= 2,
            "{row}: a KPI tile and a table row"
        );
    }
    // A higher SOFR costs more interest: some row shows a positive $ difference.
    assert!(
        harness.query_all_by_label_contains("+$").next().is_some(),
        "a difference row with a positive amount"
    );

    // The charts draw the baseline's ghost lines without trouble, and unpinning removes it.
    harness.state_mut().set_tab(Tab::Charts);
    harness.run();
    harness.get_by_label("Unpin").click();
    harness.run();
    assert!(harness.state().pinned_baseline().is_none());
}

#[test]
fn dragging_a_slider_keeps_the_pre_drag_curve_as_a_ghost() {
    let mut harness = harness();
    let rect = harness.get_by_role_and_label(Role::Slider, "SOFR").rect();
    let start = rect.center();
    harness.hover_at(start);
    harness.step();
    harness.drag_at(start);
    harness.step();
    for dx in [10.0, 30.0, 60.0] {
        harness.hover_at(start + egui::vec2(dx, 0.0));
        harness.step();
    }
    assert!(
        harness.state().has_drag_ghost(),
        "while the slider is held the pre-drag curve is kept"
    );
    assert_ne!(
        harness.state().lever_value("rates.sofr_pct"),
        Some(LeverValue::Number(Decimal::new(43, 1))),
        "the drag moved SOFR"
    );
    harness.drop_at(start + egui::vec2(60.0, 0.0));
    harness.step();
    harness.step();
    assert!(
        !harness.state().has_drag_ghost(),
        "released: the ghost goes"
    );
}

#[test]
fn clicking_a_tornado_bar_sets_its_lever_and_undo_restores_it() {
    let mut harness = harness();
    harness.state_mut().set_tab(Tab::Tornado);
    harness.run();
    wait_until(&mut harness, "the tornado", |app| {
        app.tornado().current_result(app.document()).is_some()
    });
    let bar = harness
        .state()
        .tornado()
        .current_result(harness.state().document())
        .and_then(|result| {
            result
                .bars
                .iter()
                .find(|bar| !bar.swing.is_zero() && bar.high != bar.current)
                .cloned()
        })
        .expect("a bar whose high end moves the lever");
    let before = harness.state().lever_value(&bar.path);
    harness
        .get_by_label(&format!("{} high: {}", bar.label, bar.high))
        .click();
    // The click recomputes the breach shading in the background: wait for the lever, not for
    // the frames to go quiet.
    wait_until(&mut harness, "the clicked lever", |app| {
        app.lever_value(&bar.path) == Some(bar.high.clone())
    });
    assert_eq!(
        harness.state().lever_value(&bar.path),
        Some(bar.high.clone()),
        "clicking the high side of {} sets it to {}",
        bar.path,
        bar.high
    );
    harness.state_mut().submit(Command::Undo);
    wait_until(&mut harness, "the undo", |app| {
        app.lever_value(&bar.path) == before
    });
    assert_eq!(harness.state().lever_value(&bar.path), before, "undoable");
}

#[test]
fn the_breach_map_computes_and_a_cell_click_sets_both_levers_in_one_step() {
    let mut harness = harness();
    // management-plan holds every covenant until the Core Scientific delay grows.
    harness
        .state_mut()
        .submit(Command::OpenShipped("management-plan".to_owned()));
    harness.run();
    harness.state_mut().breach_map_mut().set_steps(6);
    harness.state_mut().set_tab(Tab::BreachMap);
    harness.run();
    wait_until(&mut harness, "the breach map", |app| {
        app.breach_map().is_current(app.document())
    });
    let map = harness
        .state()
        .breach_map()
        .result()
        .cloned()
        .expect("a map");
    assert_eq!(map.x_path, "rates.sofr_pct");
    assert_eq!(map.y_path, "core_scientific.delay_months");
    let (nx, ny) = (map.x_values.len(), map.y_values.len());
    assert_eq!(map.values.len(), nx * ny);
    assert!(
        map.breached.iter().any(|b| *b) && map.breached.iter().any(|b| !*b),
        "the default map has both breaching and safe cells"
    );

    let before_x = harness.state().lever_value("rates.sofr_pct");
    let before_y = harness.state().lever_value("core_scientific.delay_months");
    let rect = harness.get_by_label("Breach map cells").rect();
    let (i, j) = (nx - 2, ny - 2);
    let target = cell_rect(rect, nx, ny, i, j).center();
    harness.hover_at(target);
    harness.step();
    harness.drag_at(target);
    harness.step();
    harness.drop_at(target);
    harness.run();
    assert_eq!(
        harness.state().lever_value("rates.sofr_pct"),
        Some(map.x_values[i].clone())
    );
    assert_eq!(
        harness.state().lever_value("core_scientific.delay_months"),
        Some(map.y_values[j].clone())
    );

    harness.state_mut().submit(Command::Undo);
    harness.run();
    assert_eq!(harness.state().lever_value("rates.sofr_pct"), before_x);
    assert_eq!(
        harness.state().lever_value("core_scientific.delay_months"),
        before_y,
        "one undo step restores both levers"
    );
}

#[test]
fn monte_carlo_runs_to_completion_and_cancel_stops_a_run() {
    let mut harness = harness();
    harness.state_mut().montecarlo_mut().set_runs(40);
    harness.state_mut().set_tab(Tab::MonteCarlo);
    harness.run();
    harness.get_by_label("Run Monte Carlo").click();
    harness.step();
    wait_until(&mut harness, "the Monte Carlo runs", |app| {
        !app.montecarlo().is_running()
    });
    let result = harness
        .state()
        .montecarlo()
        .result()
        .cloned()
        .expect("a result");
    assert_eq!(result.runs, 40);
    assert_eq!(result.cash_p50.len(), result.months.len());
    assert!(
        result
            .breach_probability
            .windows(2)
            .all(|pair| pair[0] <= pair[1]),
        "the probability of a breach by each month never falls"
    );
    harness.get_by_label_contains("40 runs · funding need P10");
    harness.get_by_label("Funding need percentiles");

    harness.state_mut().montecarlo_mut().set_runs(200_000);
    harness.run();
    harness.get_by_label("Run Monte Carlo").click();
    harness.step();
    harness.step();
    assert!(harness.state().montecarlo().is_running());
    harness.get_by_label("Cancel").click();
    harness.step();
    harness.step();
    assert!(
        !harness.state().montecarlo().is_running(),
        "cancel stops it"
    );
    assert!(harness.state().montecarlo().was_cancelled());
    harness.get_by_label("Cancelled");
    assert_eq!(
        harness.state().montecarlo().result().map(|r| r.runs),
        Some(40),
        "the cancelled run leaves the last finished result"
    );
}

#[test]
fn only_the_sliders_on_screen_are_shaded() {
    // At 1440×900 the SOFR slider is on screen and the Core Scientific delay is below the fold.
    let mut harness = harness();
    wait_until(&mut harness, "the slider shading", |app| {
        app.breach_ranges("rates.sofr_pct").is_some() && app.is_shading_settled()
    });
    assert!(
        harness
            .state()
            .breach_ranges("core_scientific.delay_months")
            .is_none(),
        "a slider scrolled out of view costs nothing"
    );
}

#[test]
fn the_sliders_on_screen_get_their_breaching_ranges() {
    // Tall enough for every slider of the open groups.
    let mut harness = common::harness_sized([1440.0, 2400.0]);
    wait_until(&mut harness, "the slider shading", |app| {
        app.breach_ranges("core_scientific.delay_months").is_some()
    });
    let ranges = harness
        .state()
        .breach_ranges("core_scientific.delay_months")
        .expect("ranges")
        .to_vec();
    assert!(
        !ranges.is_empty(),
        "a long Core Scientific delay breaches a covenant in s1-base"
    );
    // After a change the shading shown is the one for the new scenario, not the old.
    harness
        .get_by_role_and_label(Role::Slider, "SOFR")
        .set_value_accesskit(9.0);
    harness.run();
    wait_until(&mut harness, "the refreshed shading", |app| {
        app.breach_ranges("core_scientific.delay_months").is_some()
    });
    let expected = breach_ranges(
        harness.state().document().scenario(),
        "core_scientific.delay_months",
    )
    .expect("ranges");
    assert_eq!(
        harness
            .state()
            .breach_ranges("core_scientific.delay_months")
            .map(<[_]>::to_vec),
        Some(expected)
    );

    // Opening another preset starts over: its shading is its own, never the old document's.
    harness
        .state_mut()
        .submit(Command::OpenShipped("management-plan".to_owned()));
    harness.run();
    wait_until(&mut harness, "the new preset's shading", |app| {
        app.breach_ranges("rates.sofr_pct").is_some()
    });
    let expected =
        breach_ranges(harness.state().document().scenario(), "rates.sofr_pct").expect("ranges");
    assert!(
        !expected.is_empty(),
        "a high SOFR breaches the management plan"
    );
    assert_eq!(
        harness
            .state()
            .breach_ranges("rates.sofr_pct")
            .map(<[_]>::to_vec),
        Some(expected)
    );
}

#[test]
fn the_memo_has_inputs_kpis_baseline_tornado_and_charts() {
    let mut harness = harness();
    harness
        .state_mut()
        .submit(Command::PinBaseline(BaselineSource::Shipped(
            "management-plan".to_owned(),
        )));
    harness.run();
    harness
        .get_by_role_and_label(Role::Slider, "SOFR")
        .set_value_accesskit(7.0);
    harness.run();
    let dir = scratch_dir("memo");
    let path = dir.join("memo.md");
    harness
        .state_mut()
        .submit(Command::ExportMemoTo(path.clone()));
    harness.run();
    assert_eq!(harness.state().error(), None);
    let text = std::fs::read_to_string(&path).expect("the memo was written");
    for section in [
        "# Scenario memo",
        "## Inputs",
        "## KPIs",
        "## Comparison with the baseline",
        "Baseline: management-plan.",
        "## Tornado",
        "## Charts",
        "### Cash and liquidity ($B)",
        "### Covenant headroom (%)",
    ] {
        assert!(text.contains(section), "the memo lacks {section}:\n{text}");
    }
    assert!(
        text.contains("| SOFR | `rates.sofr_pct` | 7 % |"),
        "the changed lever is listed with its value:\n{text}"
    );
    assert!(text.contains("| Total interest |"));
    // The charts are written beside the memo, with the pinned baseline as a ghost line.
    assert!(
        text.contains("![Cash and liquidity](memo-cash.svg)"),
        "{text}"
    );
    let cash =
        std::fs::read_to_string(dir.join("memo-cash.svg")).expect("the cash chart was written");
    assert!(
        cash.starts_with("<svg") && cash.contains(">Baseline cash<"),
        "{cash}"
    );
    let headroom = std::fs::read_to_string(dir.join("memo-headroom.svg"))
        .expect("the headroom chart was written");
    assert!(headroom.contains("<polyline"), "{headroom}");
    let _ = std::fs::remove_dir_all(dir);
}
