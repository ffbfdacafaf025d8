//! One full evaluation of every shipped preset (72 months), and the lever registry the app and
//! the analyses read. `cargo bench --bench engine`.
//!
//! Each preset is run three ways: `run` (a fresh outcome), `run_into` (buffers reused, as the
//! analyses do) and the Decimal reference engine of `tests/reference/` (the engine before the
//! fixed-point loop), so before and after are measured in one process, under the same load.
//! The v1 fixtures are run too: inputs that never change, so a change of the engine shows apart
//! from a change of the presets.

use std::hint::black_box;

use coreweave_whatif::model::SHIPPED_PRESETS;
use coreweave_whatif::model::run_into;
use coreweave_whatif::model::{
    Outcome, default_scenario, levers, parse_preset, run, set_lever_text,
};
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "../tests/reference/mod.rs"]
mod reference;

fn engine(c: &mut Criterion) {
    for (stem, text) in SHIPPED_PRESETS {
        let Ok(valid) = parse_preset(text) else {
            panic!("the shipped preset {stem} is invalid");
        };
        c.bench_function(&format!("run {stem} (72 months)"), |b| {
            b.iter(|| run(black_box(&valid)))
        });
        let mut outcome = Outcome::default();
        c.bench_function(&format!("run_into {stem}"), |b| {
            b.iter(|| run_into(black_box(&valid), &mut outcome))
        });
        c.bench_function(&format!("reference {stem}"), |b| {
            b.iter(|| reference::engine::run(black_box(&valid)))
        });
    }

    // The v1 files as they shipped (`tests/fixtures/v1/`): the same inputs in every version of
    // the engine, so a change of engine is measured apart from a change of presets.
    for stem in ["s1-base", "actual-2025"] {
        let path = format!(
            "{}/tests/fixtures/v1/{stem}.ron",
            env!("CARGO_MANIFEST_DIR")
        );
        let Ok(text) = std::fs::read_to_string(&path) else {
            panic!("{path} is missing");
        };
        let Ok(valid) = parse_preset(&text) else {
            panic!("{path} is invalid");
        };
        c.bench_function(&format!("run v1 fixture {stem}"), |b| {
            b.iter(|| run(black_box(&valid)))
        });
    }

    let s1_base = default_scenario();
    let scenario = s1_base.scenario().clone();
    c.bench_function("levers s1-base", |b| {
        b.iter(|| levers(black_box(&scenario)))
    });
    c.bench_function("set_lever_text", |b| {
        b.iter_batched(
            || scenario.clone(),
            |mut scenario| set_lever_text(&mut scenario, "core_scientific.delay_months", "6"),
            criterion::BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, engine);
criterion_main!(benches);
