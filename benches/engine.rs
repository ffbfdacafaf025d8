//! One full evaluation of the default scenario (72 months), and the lever registry the app and
//! the analyses read. `cargo bench --bench engine`.

use std::hint::black_box;

use coreweave_whatif::model::{default_scenario, levers, run, set_lever_text};
use criterion::{Criterion, criterion_group, criterion_main};

fn engine(c: &mut Criterion) {
    let s1_base = default_scenario();
    c.bench_function("run s1-base (72 months)", |b| {
        b.iter(|| run(black_box(&s1_base)))
    });

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
