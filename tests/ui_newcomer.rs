//! What a new user hits (issue 9), driven headless with egui_kittest: the app's own file dialog,
//! honest headroom figures, the story header, words for people.

use coreweave_whatif::ui::file_dialog::{DialogOutcome, FileDialog, FilePurpose};
use eframe::egui::Key;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod common;
use common::scratch_dir;

/// The dialog alone in a harness; the state keeps the dialog and the last outcome.
fn dialog_harness(dialog: FileDialog) -> Harness<'static, (FileDialog, DialogOutcome)> {
    let mut harness = Harness::builder()
        .with_size([1024.0, 640.0])
        .build_ui_state(
            |ui, (dialog, outcome): &mut (FileDialog, DialogOutcome)| {
                if *outcome == DialogOutcome::Open {
                    *outcome = dialog.ui(ui);
                }
            },
            (dialog, DialogOutcome::Open),
        );
    harness.run();
    harness
}

#[test]
fn the_fallback_dialog_saves_under_a_typed_name_on_enter() {
    let dir = scratch_dir("dialog-save");
    let mut harness = dialog_harness(FileDialog::new(FilePurpose::SavePreset, &dir, ""));
    let field = harness.get_by_role_and_label(Role::TextInput, "File name");
    field.focus();
    field.type_text("my plan");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(
        harness.state().1,
        DialogOutcome::Chosen(dir.join("my plan.ron")),
        "Enter chooses the typed name with the preset extension"
    );
}

#[test]
fn the_fallback_dialog_opens_a_listed_preset_and_esc_cancels() {
    let dir = scratch_dir("dialog-open");
    std::fs::write(dir.join("stress.ron"), "()").expect("a preset file");
    std::fs::write(dir.join("ledger.csv"), "").expect("a csv file");
    let mut harness = dialog_harness(FileDialog::new(FilePurpose::OpenPreset, &dir, ""));
    assert!(
        harness.query_by_label_contains("ledger.csv").is_none(),
        "the preset filter hides the CSV"
    );
    harness.get_by_label_contains("stress.ron").click();
    harness.run();
    harness.get_by_label("Open").click();
    harness.run();
    assert_eq!(
        harness.state().1,
        DialogOutcome::Chosen(dir.join("stress.ron"))
    );

    let mut harness = dialog_harness(FileDialog::new(FilePurpose::ExportMemo, &dir, "memo.md"));
    harness.key_press(Key::Escape);
    harness.run();
    assert_eq!(harness.state().1, DialogOutcome::Cancelled);
}

fn shipped_outcome(
    stem: &str,
) -> (
    coreweave_whatif::model::ValidScenario,
    coreweave_whatif::model::Outcome,
) {
    let valid = coreweave_whatif::model::parse_preset(common::shipped(stem))
        .unwrap_or_else(|err| panic!("{stem}: {err}"));
    let outcome = coreweave_whatif::model::run(&valid).expect("a shipped preset runs");
    (valid, outcome)
}

#[test]
fn the_kpi_strip_speaks_plainly_and_gives_headroom_in_the_covenants_own_terms() {
    use coreweave_whatif::ui::kpi_strip::kpi_tiles;
    for (stem, tightest) in [
        ("s1-base", "Tightest: liquidity in "),
        ("management-plan", "Tightest: leverage in "),
    ] {
        let (valid, outcome) = shipped_outcome(stem);
        let tiles = kpi_tiles(&outcome, valid.scenario());
        for tile in &tiles {
            assert!(
                !tile.how.contains("spec") && !tile.how.contains('§'),
                "{stem} {}: {}",
                tile.title,
                tile.how
            );
        }
        let breach = tiles
            .iter()
            .find(|tile| tile.title == "First breach")
            .expect("a first-breach tile");
        let note = breach
            .how
            .split_once("\n\n")
            .map(|(_, note)| note)
            .unwrap_or_default();
        assert!(note.starts_with(tightest), "{stem}: {note}");
        assert!(!note.contains('%'), "{stem}: no share of a floor: {note}");
    }
    let (valid, outcome) = shipped_outcome("s1-base");
    let tiles = kpi_tiles(&outcome, valid.scenario());
    let breach = tiles
        .iter()
        .find(|tile| tile.title == "First breach")
        .expect("a first-breach tile");
    assert!(
        breach.how.contains("B below the $25M minimum."),
        "s1-base's liquidity falls billions below its $25M floor: {}",
        breach.how
    );
}

#[test]
fn the_headroom_chart_says_when_it_clips_and_hovers_with_the_exact_ratio() {
    use coreweave_whatif::ui::charts::{ChartData, headroom_clip_note};
    let (valid, outcome) = shipped_outcome("s1-base");
    let data = ChartData::new(&outcome, valid.scenario());
    let note = headroom_clip_note(&data).expect("s1-base's DSCR headroom passes 300 %");
    assert!(note.starts_with("Clipped at ±300 %"), "{note}");
    let clipped = data
        .headroom
        .iter()
        .find(|series| series.clipped)
        .expect("a clipped series");
    let at_clip = clipped
        .line
        .points
        .iter()
        .position(|point| point.y.abs() >= 300.0)
        .expect("a point on the clip line");
    let hover = &clipped.hovers[at_clip];
    assert!(
        hover.contains('×') && hover.contains("(headroom +"),
        "the hover gives the ratio against its limit and the true headroom: {hover}"
    );
    assert_eq!(clipped.hovers.len(), clipped.line.points.len());

    let (valid, outcome) = shipped_outcome("bear-case");
    let data = ChartData::new(&outcome, valid.scenario());
    assert_eq!(
        headroom_clip_note(&data),
        None,
        "bear-case never comes near 300 %"
    );
}

#[test]
fn the_story_header_shows_the_description_and_things_to_try_and_folds() {
    use coreweave_whatif::ui::story::{Story, story_ui};
    let (valid, outcome) = shipped_outcome("s1-base");
    let story = Story::new(valid.scenario(), &outcome);
    let description = story.description.clone();
    let mut harness = Harness::builder()
        .with_size([1024.0, 640.0])
        .build_ui_state(|ui, story: &mut Story| story_ui(ui, story), story);
    harness.run();
    assert!(harness.query_by_label(&description).is_some());
    assert!(
        harness
            .query_by_label_contains("Drag \"Core Scientific: delivery delay\"")
            .is_some(),
        "the first thing to try names the lever by its label"
    );
    harness
        .get_by_label_contains("About this scenario: ")
        .click();
    harness.run();
    assert!(
        harness.query_by_label(&description).is_none(),
        "folded, the header hides the description"
    );
}

#[test]
fn validation_names_the_field_by_its_label_then_its_path() {
    use coreweave_whatif::model::parse_preset;
    let text = common::shipped("s1-base");
    let openai = "ramp_months: 6, capacity: CoreScientific";
    assert!(text.contains(openai), "s1-base's OpenAI contract");
    for (edit, expected) in [
        (
            "ramp_months: 99, capacity: CoreScientific",
            "OpenAI: ramp · openai.ramp_months: 99 is too high: must be between 0 and 36 months",
        ),
        (
            "ramp_months: 6, capacity: CoreScientific, pledged_to: \"nope\"",
            "OpenAI: pledged to · openai.pledged_to: no facility has the id `nope`",
        ),
    ] {
        let err = parse_preset(&text.replace(openai, edit))
            .expect_err("refused")
            .to_string();
        assert!(err.contains(expected), "{edit}: got `{err}`");
    }
}

#[test]
fn when_every_value_breaches_the_panel_says_so_and_where_the_first_breach_moves() {
    use coreweave_whatif::ui::document::{Document, Origin};
    let (valid, _) = shipped_outcome("s1-base");
    // The levers panel (it owns its shading) on s1-base, headless, after the shading has landed.
    let document = Document::new(valid, Origin::Shipped("s1-base".to_owned()));
    let mut harness = common::panel_harness(document, 360.0);
    // The shading is computed on other threads: step until it has landed.
    for _ in 0..600 {
        harness.step();
        let generation = harness.state().document.generation();
        if harness
            .state()
            .panel
            .lever_shading("ddtl2.spread_pct", generation)
            .is_some()
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    harness.run();
    assert!(
        harness
            .query_by_label_contains("No lever alone avoids a breach here")
            .is_some(),
        "s1-base breaches at every value of every lever shown"
    );
    let generation = harness.state().document.generation();
    let spread = harness
        .state()
        .panel
        .lever_shading("ddtl2.spread_pct", generation)
        .expect("the DDTL 2.0 spread's shading")
        .clone();
    let moves = spread
        .first_breach_moves("%")
        .expect("a wider DDTL 2.0 spread brings the first breach forward");
    assert!(
        harness.query_by_label_contains(&moves[1..]).is_some(),
        "the line under the slider says how far: {moves}"
    );
}

#[test]
fn every_money_axis_puts_the_sign_before_the_currency_and_months_tick_by_the_year() {
    use coreweave_whatif::ui::charts::{billions_text_dp, month_grid};
    assert_eq!(billions_text_dp(-1.0, 1), "-$1.0B");
    assert_eq!(billions_text_dp(2.5, 1), "$2.5B");
    assert_eq!(
        billions_text_dp(-0.01, 1),
        "$0.0B",
        "no sign on a rounded zero"
    );
    let marks = month_grid(egui_plot::GridInput {
        bounds: (-0.5, 71.5),
        base_step_size: 1.0,
    });
    assert!(
        marks.iter().all(|mark| mark.value % 6.0 == 0.0),
        "a 72-month axis ticks on half years or years, never every 10 months: {:?}",
        marks.iter().map(|mark| mark.value).collect::<Vec<_>>()
    );
}

#[test]
fn a_warning_names_its_field_by_label_before_its_path() {
    use coreweave_whatif::ui::document::{Document, Origin};
    use coreweave_whatif::ui::warnings_strip::WarningsStrip;
    let text = common::shipped("s1-base").replace(
        "capacity: CoreScientific, prepay_pct: \"0\"",
        "capacity: CoreScientific, prepay_pct: \"0.15\"",
    );
    let valid = coreweave_whatif::model::parse_preset(&text).expect("0.15 % is valid");
    let document = Document::new(valid, Origin::Shipped("s1-base".to_owned()));
    let mut harness = common::view_harness(WarningsStrip::default(), document, [1024.0, 640.0]);
    harness.run();
    harness.get_by_label_contains("input warning").click();
    harness.run();
    assert!(harness.query_by_label("OpenAI: prepayment").is_some());
    assert!(harness.query_by_label("openai.prepay_pct").is_some());
}

/// Problem 4: at 1024×640 the tab row wraps instead of running off the window, so every tab
/// and the Pin baseline button can be seen and clicked.
#[test]
fn every_tab_and_the_pin_button_fit_a_1024_by_640_window() {
    use coreweave_whatif::ui::view::Tab;
    let mut harness = common::harness_sized([1024.0, 640.0]);
    let window = eframe::egui::Rect::from_min_size(
        eframe::egui::Pos2::ZERO,
        eframe::egui::vec2(1024.0, 640.0),
    );
    let labels = Tab::ALL
        .iter()
        .map(|(_, label)| *label)
        .chain(["Pin baseline"]);
    for label in labels {
        let node = harness.get_by_label(label);
        let rect = node.rect();
        assert!(
            window.contains_rect(rect),
            "`{label}` at {rect:?} is not inside the 1024×640 window"
        );
    }
    // And each tab still opens when clicked there.
    harness.get_by_label("Monte Carlo").click();
    harness.run();
    assert!(harness.query_by_label("Run Monte Carlo").is_some());
}
