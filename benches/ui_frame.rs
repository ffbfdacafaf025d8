//! The CPU cost of one frame of the desktop app while a lever is dragged: apply the edit,
//! recompute the model, lay out the levers, KPIs and both charts. Driven headless with
//! egui_kittest (no GPU work is included; AccessKit is on, which real frames skip).
//!
//! `cargo bench --bench ui_frame`

use std::hint::black_box;

use coreweave_whatif::model::LeverValue;
use coreweave_whatif::ui::{Command, Tab, WhatIfApp};
use criterion::{Criterion, criterion_group, criterion_main};
use eframe::egui;
use egui_kittest::Harness;
use rust_decimal::Decimal;

fn harness(tab: Tab) -> Harness<'static, WhatIfApp> {
    let mut harness = Harness::builder()
        .with_size([1440.0, 900.0])
        .with_accessibility_check(false)
        .build_eframe(|_cc| WhatIfApp::with_default_scenario());
    harness.state_mut().set_tab(tab);
    harness.run();
    harness
}

/// Holds the mouse button down on an empty spot of the status bar, as during a real drag: the
/// app then keeps the pre-drag ghost and defers background work (slider shading) to the release.
fn hold_pointer(harness: &mut Harness<'_, WhatIfApp>) {
    let pos = egui::pos2(720.0, 895.0);
    harness
        .input_mut()
        .events
        .push(egui::Event::PointerMoved(pos));
    harness.input_mut().events.push(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    harness.step();
}

/// SOFR walks 3.00 %, 3.05 %, … as a drag would move it, one step per frame.
fn drag_step(harness: &mut Harness<'_, WhatIfApp>, step: &mut i64) {
    *step = (*step + 1) % 200;
    harness.state_mut().submit(Command::SetLever {
        path: "rates.sofr_pct".to_owned(),
        value: LeverValue::Number(Decimal::new(300 + *step * 5, 2)),
        dragging: true,
    });
    harness.step();
}

fn frames(c: &mut Criterion) {
    let mut group = c.benchmark_group("ui_frame");
    for (name, tab) in [
        ("drag_sofr_charts", Tab::Charts),
        ("drag_sofr_ledger", Tab::Ledger),
    ] {
        let mut harness = harness(tab);
        hold_pointer(&mut harness);
        let mut step = 0;
        group.bench_function(name, |b| {
            b.iter(|| drag_step(black_box(&mut harness), &mut step));
        });
    }
    let mut harness = harness(Tab::Charts);
    group.bench_function("idle_charts", |b| b.iter(|| black_box(&mut harness).step()));
    group.finish();
}

criterion_group!(benches, frames);
criterion_main!(benches);
