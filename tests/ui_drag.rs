//! Dragging a slider as a person does: press on its handle, move the pointer over many frames,
//! hold, release. The value must follow the pointer to the end of the track, the slider must
//! not move under the pointer while it is held, and one drag is one undo step. Run on every
//! shipped preset, after its breach shading has landed (what is drawn above the sliders then
//! is what used to shift them when a change dropped it).

mod common;

use coreweave_whatif::model::{Lever, LeverKind, LeverValue, SHIPPED_PRESETS};
use coreweave_whatif::ui::WhatIfApp;
use coreweave_whatif::ui::command::Command;
use eframe::egui::{self, Pos2, Rect, accesskit::Role};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

const SIZE: [f32; 2] = [1440.0, 900.0];

/// How far the pointer moves each frame of a drag, in points: a brisk hand, a dozen or more
/// frames across a track.
const DRAG_STEP: f32 = 14.0;

/// The app on the shipped preset `stem`, with the shading of every slider on screen landed.
fn app_on(stem: &str) -> Harness<'static, WhatIfApp> {
    let mut harness = common::harness_sized(SIZE);
    harness
        .state_mut()
        .submit(Command::OpenShipped(stem.to_owned()));
    settle(&mut harness, stem);
    harness
}

/// Steps the app until the breach shading of the sliders on screen has landed.
fn settle(harness: &mut Harness<'static, WhatIfApp>, what: &str) {
    for _ in 0..6000 {
        harness.step();
        if harness.state().is_shading_settled() {
            harness.step();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("{what}: the breach shading never landed");
}

fn lever(harness: &Harness<'static, WhatIfApp>, path: &str) -> Lever {
    harness
        .state()
        .document()
        .levers()
        .iter()
        .find(|lever| lever.path == path)
        .unwrap_or_else(|| panic!("no lever {path}"))
        .clone()
}

/// The levers a drag is tried on: a rate, a draw, a month and a delivery delay, where the
/// preset has one of each.
fn levers_to_drag(harness: &Harness<'static, WhatIfApp>) -> Vec<String> {
    let levers = harness.state().document().levers();
    let first = |wanted: &dyn Fn(&Lever) -> bool| {
        levers
            .iter()
            .find(|lever| wanted(lever))
            .map(|lever| lever.path.clone())
    };
    let picks = [
        first(&|lever| lever.path == "rates.sofr_pct"),
        first(&|lever| lever.path.ends_with(".draws.total")),
        first(&|lever| matches!(lever.kind, LeverKind::Month { .. })),
        first(&|lever| lever.path.ends_with("delay_months")),
    ];
    let mut paths: Vec<String> = picks.into_iter().flatten().collect();
    paths.dedup();
    paths
}

/// Wheels the levers panel by `delta` points (positive: content moves down, revealing the top).
fn wheel_levers(harness: &mut Harness<'static, WhatIfApp>, delta: f32) {
    harness.hover_at(Pos2::new(150.0, SIZE[1] / 2.0));
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, delta),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run_steps(2);
}

/// The slider's rect, scrolled into view (and its group opened) first. Widgets scrolled out
/// of the panel have no accessibility node: from the top, wheel down through the panel until
/// the slider shows, opening its group on the way if it is folded.
fn slider_rect(harness: &mut Harness<'static, WhatIfApp>, lever: &Lever) -> Rect {
    let group = lever.group.label();
    wheel_levers(harness, 100_000.0);
    harness.run_steps(8);
    for _ in 0..80 {
        let slider = harness
            .query_by_role_and_label(Role::Slider, &lever.label)
            .map(|node| node.rect());
        let folded = harness.query_all_by_label_contains(group).find(|node| {
            node.accesskit_node()
                .label()
                .is_some_and(|text| text.starts_with(group))
                && node.accesskit_node().data().is_expanded() == Some(false)
        });
        match (slider, folded) {
            (Some(rect), _) if rect.top() > 80.0 && rect.bottom() < SIZE[1] - 40.0 => {
                // egui animates a wheel scroll: wait until the slider stops moving.
                let mut last = rect;
                loop {
                    harness.run_steps(4);
                    let now = harness
                        .query_by_role_and_label(Role::Slider, &lever.label)
                        .map_or(last, |node| node.rect());
                    if now == last {
                        return now;
                    }
                    last = now;
                }
            }
            (Some(rect), _) if rect.top() <= 80.0 => wheel_levers(harness, 80.0),
            (Some(_), _) => wheel_levers(harness, -200.0),
            (None, Some(header)) => {
                // Through AccessKit: the header may sit half under the panel's bottom edge.
                header.click_accesskit();
                harness.run_steps(4);
            }
            (None, None) => wheel_levers(harness, -400.0),
        }
    }
    panic!("the slider of {} never came on screen", lever.path);
}

/// Where the slider's handle is for `value` (egui keeps the handle inside the rect).
fn handle_x(rect: Rect, lever: &Lever) -> f32 {
    let (low, high, at) = match (&lever.kind, &lever.value) {
        (LeverKind::Number { min, max, .. }, LeverValue::Number(value)) => (
            f64::try_from(*min).expect("f64"),
            f64::try_from(*max).expect("f64"),
            f64::try_from(*value).expect("f64"),
        ),
        (LeverKind::Month { min, max }, LeverValue::Month(value)) => (
            f64::from(min.index()),
            f64::from(max.index()),
            f64::from(value.index()),
        ),
        _ => panic!("{} is not a slider", lever.path),
    };
    let radius = rect.height() / 2.5;
    let fraction = ((at - low) / (high - low)).clamp(0.0, 1.0) as f32;
    rect.left() + radius + fraction * (rect.width() - 2.0 * radius)
}

fn max_of(lever: &Lever) -> LeverValue {
    match &lever.kind {
        LeverKind::Number { max, .. } => LeverValue::Number(*max),
        LeverKind::Month { max, .. } => LeverValue::Month(*max),
        LeverKind::Choice { .. } => panic!("{} is not a slider", lever.path),
    }
}

/// Presses on the handle of `path`, moves right past the end of the track in small steps (a
/// frame each) and releases; asserts the value follows and the slider never moves.
fn drag_to_the_end(harness: &mut Harness<'static, WhatIfApp>, stem: &str, path: &str) {
    let before = lever(harness, path);
    let rect = slider_rect(harness, &before);
    let undo_before = harness.state().undo_depth();
    let y = rect.center().y;
    let start = handle_x(rect, &before);
    harness.hover_at(Pos2::new(start, y));
    harness.step();
    harness.drag_at(Pos2::new(start, y));
    harness.step();
    let mut x = start;
    let mut moved = false;
    while x < rect.right() + 40.0 {
        x += DRAG_STEP;
        harness.hover_at(Pos2::new(x, y));
        harness.step();
        let now = lever(harness, path);
        moved |= now.value != before.value;
        let held = harness
            .query_by_role_and_label(Role::Slider, &before.label)
            .map(|node| node.rect());
        assert_eq!(
            held,
            Some(rect),
            "{stem}: the slider of {path} moved under the pointer at x = {x} (value {})",
            now.value
        );
    }
    let held = lever(harness, path);
    harness.drop_at(Pos2::new(x, y));
    harness.run_steps(3);
    assert!(moved, "{stem}: dragging {path} never changed it");
    assert_eq!(
        held.value,
        max_of(&before),
        "{stem}: a drag of {path} to past the end of its track stopped at {} (from {})",
        held.value,
        before.value
    );
    assert_eq!(
        harness.state().undo_depth(),
        undo_before + 1,
        "{stem}: one drag of {path} is one undo step"
    );
}

/// Drags a rate, a draw, a month and the delivery delay (those it has) on the shipped preset
/// `stem`, one after another.
fn every_drag_follows_the_pointer_on(stem: &str) {
    let mut harness = app_on(stem);
    let paths = levers_to_drag(&harness);
    assert!(
        paths.len() >= 3,
        "{stem}: a rate, a draw and a month at least: {paths:?}"
    );
    // No wait between drags: the shading held from before the last one is still drawn
    // (faded), so each drag starts with the panel as the first one saw it.
    for path in paths {
        drag_to_the_end(&mut harness, stem, &path);
    }
}

/// One test per preset, so the test threads share them out.
macro_rules! drag_tests {
    ($($name:ident => $stem:literal),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                every_drag_follows_the_pointer_on($stem);
            }
        )*

        #[test]
        fn every_shipped_preset_has_its_drag_test() {
            let tested = [$($stem),*];
            let shipped: Vec<&str> = SHIPPED_PRESETS.iter().map(|(stem, _)| *stem).collect();
            assert_eq!(tested.to_vec(), shipped);
        }
    };
}

drag_tests! {
    drags_follow_the_pointer_on_s1_base => "s1-base",
    drags_follow_the_pointer_on_ipo_as_priced => "ipo-as-priced",
    drags_follow_the_pointer_on_management_plan => "management-plan",
    drags_follow_the_pointer_on_bear_case => "bear-case",
    drags_follow_the_pointer_on_actual_2025 => "actual-2025",
    drags_follow_the_pointer_on_gpu_price_crash => "gpu-price-crash",
    drags_follow_the_pointer_on_galaxy_helios_2026 => "galaxy-helios-2026",
    drags_follow_the_pointer_on_short_lived_gpus => "short-lived-gpus",
}

#[test]
fn the_arrow_keys_step_a_focused_slider_again_and_again() {
    let mut harness = app_on("s1-base");
    let path = "rates.sofr_pct";
    let before = lever(&harness, path);
    let rect = slider_rect(&mut harness, &before);
    let LeverKind::Number { step, .. } = before.kind else {
        panic!("SOFR is a number");
    };
    let LeverValue::Number(start) = before.value else {
        panic!("SOFR is a number");
    };
    assert_eq!(
        harness
            .get_by_role_and_label(Role::Slider, &before.label)
            .rect(),
        rect
    );
    harness
        .get_by_role_and_label(Role::Slider, &before.label)
        .focus();
    harness.run_steps(2);
    for presses in 1..=3_u32 {
        harness.key_press(egui::Key::ArrowRight);
        harness.run_steps(3);
        assert_eq!(
            lever(&harness, path).value,
            LeverValue::Number(start + step * rust_decimal::Decimal::from(presses)),
            "Right arrow pressed {presses} times"
        );
    }
}

#[test]
fn a_quick_click_on_the_track_sets_the_value_there() {
    let mut harness = app_on("s1-base");
    let path = "rates.sofr_pct";
    let before = lever(&harness, path);
    let rect = slider_rect(&mut harness, &before);
    // Inside the widget, past where the handle's centre can go: the value at the track's end.
    let end = rect.right() - 2.0;
    harness.hover_at(Pos2::new(end, rect.center().y));
    harness.step();
    harness.drag_at(Pos2::new(end, rect.center().y));
    harness.step();
    harness.drop_at(Pos2::new(end, rect.center().y));
    harness.run_steps(3);
    assert_eq!(lever(&harness, path).value, max_of(&before));
}
