//! The desktop app driven headless with egui_kittest: widgets found by role and label, state
//! read back from the app. No renderer and no display are needed.

use coreweave_whatif::model::{LeverKind, LeverValue, levers, parse_preset};
use coreweave_whatif::ui::{Command, WhatIfApp};
use eframe::egui::accesskit::Role;
use eframe::egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use rust_decimal::Decimal;

mod common;
use common::{harness, scratch_dir, shipped};

/// The KPI tile's accessible text, `"<title>: <value>"`.
fn kpi_text(harness: &Harness<'_, WhatIfApp>, title: &str) -> String {
    harness
        .get_by_label_contains(&format!("{title}: "))
        .value()
        .unwrap_or_default()
}

#[test]
fn moving_the_core_scientific_delay_changes_the_first_breach_kpi() {
    let mut harness = harness();
    harness
        .state_mut()
        .submit(Command::OpenShipped("management-plan".to_owned()));
    harness.run();
    let before = kpi_text(&harness, "First breach");
    assert_eq!(
        before, "First breach: none",
        "management-plan holds every covenant"
    );

    harness
        .get_by_role_and_label(Role::Slider, "Core Scientific: delivery delay")
        .set_value_accesskit(6.0);
    harness.run();

    assert_eq!(
        harness.state().lever_value("core_scientific.delay_months"),
        Some(LeverValue::Number(Decimal::from(6)))
    );
    let after = kpi_text(&harness, "First breach");
    assert_eq!(
        after, "First breach: dscr 2025-12",
        "a 6-month delay breaks the DSCR"
    );
}

#[test]
fn typing_into_a_levers_entry_updates_the_charts() {
    let mut harness = harness();
    let cash_before = harness.state().chart_data().cash.clone();
    let interest_before = harness.state().kpis().expect("runs").total_interest;

    let entry = harness.get_by_role_and_label(Role::TextInput, "SOFR");
    entry.focus();
    entry.set_text_value_accesskit("8.5");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();

    assert_eq!(
        harness.state().lever_value("rates.sofr_pct"),
        Some(LeverValue::Number(Decimal::new(85, 1)))
    );
    assert!(
        harness.state().kpis().expect("runs").total_interest > interest_before,
        "a higher SOFR costs more interest"
    );
    assert_ne!(
        harness.state().chart_data().cash,
        cash_before,
        "the cash chart's points follow the new rate"
    );
    assert_eq!(
        harness
            .get_by_role_and_label(Role::TextInput, "SOFR")
            .value()
            .as_deref(),
        Some("8.5")
    );
}

#[test]
fn a_typed_value_out_of_range_is_refused_with_a_message() {
    let mut harness = harness();
    let entry = harness.get_by_role_and_label(Role::TextInput, "SOFR");
    entry.focus();
    entry.set_text_value_accesskit("99");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(
        harness.state().lever_value("rates.sofr_pct"),
        levers(coreweave_whatif::model::default_scenario().scenario())
            .into_iter()
            .find(|lever| lever.path == "rates.sofr_pct")
            .map(|lever| lever.value),
        "the scenario keeps its SOFR"
    );
    harness.get_by_label_contains("99 is too high: must be between 0 and 15");
}

#[test]
fn opening_a_preset_file_updates_every_lever() {
    let dir = scratch_dir("open");
    let path = dir.join("bear-case.ron");
    std::fs::write(&path, shipped("bear-case")).expect("write the preset");
    let expected = parse_preset(shipped("bear-case")).expect("bear-case is valid");

    let mut harness = harness();
    harness.state_mut().open_path(&path);
    harness.run();

    let app = harness.state();
    assert_eq!(app.error(), None);
    assert_eq!(app.document().scenario(), expected.scenario());
    assert!(!app.document().is_dirty());
    assert!(
        app.title().starts_with("bear-case.ron — "),
        "{}",
        app.title()
    );
    for lever in levers(expected.scenario()) {
        assert_eq!(
            app.lever_value(&lever.path).as_ref(),
            Some(&lever.value),
            "{}",
            lever.path
        );
        // Collapsed groups are not drawn, so their entries have no node; choices have no entry.
        if !lever.group.is_primary() || matches!(lever.kind, LeverKind::Choice { .. }) {
            continue;
        }
        let shown: Vec<String> = harness
            .get_all_by_role_and_label(Role::TextInput, &lever.label)
            .filter_map(|node| node.value())
            .collect();
        assert!(
            shown.contains(&lever.value.to_string()),
            "{} shows {shown:?}, expected {}",
            lever.path,
            lever.value
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_malformed_preset_shows_the_error_and_keeps_the_scenario() {
    let dir = scratch_dir("malformed");
    let broken = dir.join("broken.ron");
    let text = shipped("bear-case").replacen("horizon_months", "horizon_months: ,", 1);
    std::fs::write(&broken, text).expect("write the broken preset");
    let out_of_range = dir.join("out-of-range.ron");
    let text: String = shipped("bear-case")
        .lines()
        .map(|line| {
            if line.trim_start().starts_with("rates: (sofr_pct:") {
                "    rates: (sofr_pct: \"99\"),".to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(text, shipped("bear-case"), "the SOFR field was found");
    std::fs::write(&out_of_range, text).expect("write the out-of-range preset");

    let mut harness = harness();
    harness.state_mut().submit(Command::SetLever {
        path: "rates.sofr_pct".to_owned(),
        value: LeverValue::Number(Decimal::new(55, 1)),
        dragging: false,
    });
    harness.run();
    let before = harness.state().document().scenario().clone();

    harness.state_mut().open_path(&broken);
    harness.run();
    let error = harness
        .state()
        .error()
        .expect("an error is shown")
        .to_owned();
    assert!(error.contains("broken.ron"), "{error}");
    assert!(error.contains("line "), "{error}");
    harness.get_by_label_contains("broken.ron");
    assert_eq!(harness.state().document().scenario(), &before);

    harness.state_mut().open_path(&out_of_range);
    harness.run();
    let error = harness
        .state()
        .error()
        .expect("an error is shown")
        .to_owned();
    assert!(error.contains("out-of-range.ron"), "{error}");
    assert!(error.contains("rates.sofr_pct"), "{error}");
    assert_eq!(harness.state().document().scenario(), &before);
    assert!(!harness.state().is_asking_to_discard());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn undo_restores_the_previous_value_and_redo_reapplies_it() {
    let mut harness = harness();
    let original = harness.state().lever_value("rates.sofr_pct");
    harness
        .get_by_role_and_label(Role::Slider, "SOFR")
        .set_value_accesskit(7.0);
    harness.run();
    let seven = Some(LeverValue::Number(Decimal::from(7)));
    assert_eq!(harness.state().lever_value("rates.sofr_pct"), seven);
    assert!(
        harness.state().title().contains('●'),
        "{}",
        harness.state().title()
    );

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().lever_value("rates.sofr_pct"), original);
    assert!(!harness.state().document().is_dirty());

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert_eq!(harness.state().lever_value("rates.sofr_pct"), seven);
}

#[test]
fn reset_returns_a_lever_to_the_presets_value() {
    let mut harness = harness();
    let original = harness.state().lever_value("core_scientific.delay_months");
    harness
        .get_by_role_and_label(Role::Slider, "Core Scientific: delivery delay")
        .set_value_accesskit(9.0);
    harness.run();
    assert_ne!(
        harness.state().lever_value("core_scientific.delay_months"),
        original
    );
    harness.state_mut().submit(Command::ResetLever {
        path: "core_scientific.delay_months".to_owned(),
    });
    harness.run();
    assert_eq!(
        harness.state().lever_value("core_scientific.delay_months"),
        original
    );
}

#[test]
fn opening_over_unsaved_changes_asks_first() {
    let mut harness = harness();
    harness
        .get_by_role_and_label(Role::Slider, "SOFR")
        .set_value_accesskit(6.0);
    harness.run();
    let edited = harness.state().document().scenario().clone();

    harness
        .state_mut()
        .submit(Command::OpenShipped("bear-case".to_owned()));
    harness.run();
    assert!(harness.state().is_asking_to_discard());
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(!harness.state().is_asking_to_discard());
    assert_eq!(harness.state().document().scenario(), &edited);

    harness
        .state_mut()
        .submit(Command::OpenShipped("bear-case".to_owned()));
    harness.run();
    harness.get_by_label("Discard and open").click();
    harness.run();
    let bear = parse_preset(shipped("bear-case")).expect("valid");
    assert_eq!(harness.state().document().scenario(), bear.scenario());
}

#[test]
fn saving_writes_the_file_and_clears_the_unsaved_mark() {
    let dir = scratch_dir("save");
    let path = dir.join("saved.ron");
    let mut harness = harness();
    harness
        .get_by_role_and_label(Role::Slider, "SOFR")
        .set_value_accesskit(6.0);
    harness.run();
    harness.state_mut().submit(Command::SaveTo(path.clone()));
    harness.run();
    assert_eq!(harness.state().error(), None);
    assert!(!harness.state().document().is_dirty());
    assert!(harness.state().title().starts_with("saved.ron — "));
    let saved = coreweave_whatif::io::load(&path).expect("the saved file loads");
    assert_eq!(saved.scenario(), harness.state().document().scenario());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("read the scratch directory")
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file is left behind");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn every_tab_draws_without_panicking() {
    let mut harness = harness();
    for tab in [
        coreweave_whatif::ui::Tab::Breakdown,
        coreweave_whatif::ui::Tab::Charts,
        coreweave_whatif::ui::Tab::Ledger,
    ] {
        harness.state_mut().set_tab(tab);
        harness.run();
    }
    harness.get_by_label("Export CSV…");
}

#[test]
fn the_levers_panel_keeps_its_width_from_frame_to_frame() {
    let mut harness = harness();
    let before = harness
        .get_by_role_and_label(Role::TextInput, "SOFR")
        .rect();
    for _ in 0..30 {
        harness.step();
    }
    let after = harness
        .get_by_role_and_label(Role::TextInput, "SOFR")
        .rect();
    assert_eq!(
        before, after,
        "a row wider than the panel would widen it every frame"
    );
}
