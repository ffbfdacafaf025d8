//! The app's state across files and steps (issue 9): file dialogs that always open, opening as
//! one undo step, edits made away from the levers named in the status bar, Save As naming the
//! scenario after its file.

use coreweave_whatif::model::{Lever, LeverValue, levers, parse_preset};
use coreweave_whatif::ui::document::Origin;
use coreweave_whatif::ui::{Command, WhatIfApp};
use eframe::egui::accesskit::Role;
use eframe::egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use rust_decimal::Decimal;

mod common;
use common::{harness, harness_with_builtin_dialog, scratch_dir};

fn set_sofr(harness: &mut Harness<'_, WhatIfApp>, tenths: i64) {
    harness.state_mut().submit(Command::SetLever {
        path: "rates.sofr_pct".to_owned(),
        value: LeverValue::Number(Decimal::new(tenths, 1)),
        dragging: false,
    });
    harness.run();
}

/// Types `path` into the open in-app dialog's name field and presses Enter.
fn choose_in_builtin_dialog(harness: &mut Harness<'_, WhatIfApp>, path: &std::path::Path) {
    assert!(
        harness.state().is_builtin_file_dialog_open(),
        "the app's own dialog is open"
    );
    let field = harness.get_by_role_and_label(Role::TextInput, "File name");
    field.focus();
    field.set_text_value_accesskit(path.to_str().expect("a UTF-8 scratch path"));
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
}

#[test]
fn without_a_native_dialog_a_preset_saves_and_reopens_through_the_apps_own() {
    let dir = scratch_dir("builtin-dialog");
    let path = dir.join("plan.ron");
    let mut harness = harness_with_builtin_dialog();
    assert!(harness.state().uses_builtin_file_dialog());
    set_sofr(&mut harness, 61);
    let saved = harness.state().document().valid_scenario().clone();

    // Ctrl+S on a shipped preset asks for a file: the app's own dialog, and the status bar
    // says why.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert!(
        harness.state().status().contains("app's own"),
        "{}",
        harness.state().status()
    );
    harness.get_by_label_contains("app's own file dialog");
    choose_in_builtin_dialog(&mut harness, &path);
    assert!(!harness.state().is_builtin_file_dialog_open());
    assert_eq!(harness.state().error(), None);
    assert_eq!(
        harness.state().document().origin(),
        &Origin::File(path.clone())
    );
    let text = std::fs::read_to_string(&path).expect("the preset was written");
    let on_disk = parse_preset(&text).expect("the saved preset reads back");
    assert_eq!(on_disk.scenario().meta.name, "plan", "named after its file");

    // Another preset, then Ctrl+O through the app's own dialog brings the file back.
    harness
        .state_mut()
        .submit(Command::OpenShipped("management-plan".to_owned()));
    harness.run();
    assert_ne!(harness.state().document().valid_scenario(), &saved);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run();
    choose_in_builtin_dialog(&mut harness, &path);
    assert!(!harness.state().is_loading(), "the read has finished");
    assert_eq!(harness.state().error(), None);
    assert_eq!(harness.state().document().origin(), &Origin::File(path));
    assert_eq!(harness.state().document().valid_scenario(), &on_disk);
    assert_eq!(
        harness.state().document().scenario().rates,
        saved.scenario().rates,
        "the edited SOFR round-trips"
    );
    assert!(!harness.state().document().is_dirty());
}

#[test]
fn cancelling_the_apps_own_dialog_changes_nothing_and_says_so() {
    let mut harness = harness_with_builtin_dialog();
    let before = harness.state().document().valid_scenario().clone();
    harness.state_mut().submit(Command::OpenDialog);
    harness.run();
    assert!(harness.state().is_builtin_file_dialog_open());
    harness.key_press(Key::Escape);
    harness.run();
    assert!(!harness.state().is_builtin_file_dialog_open());
    assert_eq!(harness.state().document().valid_scenario(), &before);
    assert!(
        harness.state().status().starts_with("Cancelled"),
        "{}",
        harness.state().status()
    );
}

#[test]
fn discard_and_open_is_one_step_that_undo_takes_back_with_its_origin() {
    let mut harness = harness();
    set_sofr(&mut harness, 61);
    let edited = harness.state().document().valid_scenario().clone();
    let name = harness.state().document().scenario().meta.name.clone();

    harness
        .state_mut()
        .submit(Command::OpenShipped("management-plan".to_owned()));
    harness.run();
    assert!(harness.state().is_asking_to_discard());
    harness.state_mut().submit(Command::ConfirmDiscard);
    harness.run();
    assert_eq!(
        harness.state().document().origin(),
        &Origin::Shipped("management-plan".to_owned())
    );

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    let document = harness.state().document();
    assert_eq!(document.origin(), &Origin::Shipped("s1-base".to_owned()));
    assert_eq!(
        document.valid_scenario(),
        &edited,
        "the unsaved edit is back"
    );
    assert_eq!(document.scenario().meta.name, name);
    assert!(document.is_dirty(), "still marked against s1-base");
    assert_eq!(harness.state().status(), "Undone: back to s1-base");

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert_eq!(
        harness.state().document().origin(),
        &Origin::Shipped("management-plan".to_owned())
    );
    assert!(!harness.state().document().is_dirty());

    // One more undo goes back to before the open; another, to before the SOFR edit.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(!harness.state().document().is_dirty());
    assert_eq!(
        harness.state().document().origin(),
        &Origin::Shipped("s1-base".to_owned())
    );
}

fn openai_ramp() -> Lever {
    levers(coreweave_whatif::model::default_scenario().scenario())
        .into_iter()
        .find(|lever| lever.label.contains("OpenAI") && lever.label.contains("ramp"))
        .expect("the OpenAI contract's ramp is a lever")
}

#[test]
fn a_click_that_sets_levers_elsewhere_names_them_in_the_status_bar() {
    let mut harness = harness();
    let ramp = openai_ramp();
    // What a tornado bar click pushes.
    harness.state_mut().submit(Command::SetLever {
        path: ramp.path.clone(),
        value: LeverValue::Number(Decimal::from(6)),
        dragging: false,
    });
    harness.run();
    let expected = format!("Set {} to 6 months", ramp.label);
    assert_eq!(harness.state().status(), expected);
    harness.get_by_label(&expected);

    // What a breach-map cell pushes: both levers, by label.
    harness.state_mut().submit(Command::SetLevers {
        values: vec![
            (ramp.path.clone(), LeverValue::Number(Decimal::from(9))),
            (
                "rates.sofr_pct".to_owned(),
                LeverValue::Number(Decimal::new(55, 1)),
            ),
        ],
    });
    harness.run();
    assert_eq!(
        harness.state().status(),
        format!("Set {} to 9 months; SOFR to 5.5 %", ramp.label)
    );

    // A drag says nothing each frame.
    harness.state_mut().submit(Command::SetLever {
        path: ramp.path.clone(),
        value: LeverValue::Number(Decimal::from(10)),
        dragging: true,
    });
    harness.run();
    assert!(harness.state().status().contains("9 months"));
}

#[test]
fn save_as_names_the_scenario_after_its_new_file() {
    let dir = scratch_dir("save-as-name");
    let path = dir.join("bear-plan.ron");
    let mut harness = harness();
    assert_ne!(harness.state().document().scenario().meta.name, "bear-plan");
    harness.state_mut().submit(Command::SaveTo(path.clone()));
    harness.run();
    assert_eq!(harness.state().error(), None);
    assert_eq!(harness.state().document().scenario().meta.name, "bear-plan");
    assert!(!harness.state().document().is_dirty());
    let text = std::fs::read_to_string(&path).expect("written");
    let on_disk = parse_preset(&text).expect("reads back");
    assert_eq!(on_disk.scenario().meta.name, "bear-plan");
    assert!(
        harness
            .state()
            .title()
            .starts_with("bear-plan.ron — bear-plan")
    );
    assert!(
        harness
            .state()
            .status()
            .ends_with("bear-plan.ron as \"bear-plan\""),
        "{}",
        harness.state().status()
    );
}

#[test]
fn shortcuts_wait_while_the_apps_own_dialog_is_open() {
    let dir = scratch_dir("shortcuts-wait");
    let mut harness = harness_with_builtin_dialog();
    harness
        .state_mut()
        .submit(Command::SaveTo(dir.join("mine.ron")));
    harness.run();
    set_sofr(&mut harness, 61);
    assert!(harness.state().document().is_dirty());
    harness.state_mut().submit(Command::OpenDialog);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert!(harness.state().is_builtin_file_dialog_open());
    assert!(
        harness.state().document().is_dirty(),
        "Ctrl+S in the dialog does not save the scenario behind it"
    );
}
