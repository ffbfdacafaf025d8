//! Speed of the issue-4 analyses on the default scenario (targets in `docs/analysis.md`).
//! `per_run` times the pieces each analysis run is built from: a run, a clone, a validation,
//! a lever set (by path, and through an `Axis` as the analyses do) and a whole evaluation.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize};

use coreweave_whatif::model::analysis::{
    Axis, Condition, Evaluator, Kpi, SpanRule, breach_map, breach_ranges, evaluate, monte_carlo,
    solve, tornado_of,
};
use coreweave_whatif::model::{
    Contract, LeverValue, MAX_LIST_ITEMS, MonteCarloSpec, Scenario, default_scenario, run,
    set_lever, validate,
};
use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal_macros::dec;

fn per_run(c: &mut Criterion) {
    let valid = default_scenario();
    let base = valid.scenario().clone();
    c.bench_function("run/default", |b| b.iter(|| run(black_box(&valid))));
    c.bench_function("clone/default", |b| b.iter(|| black_box(&base).clone()));
    c.bench_function("validate/default", |b| {
        b.iter(|| validate(black_box(base.clone())))
    });
    c.bench_function("set_lever/rates.sofr_pct", |b| {
        b.iter(|| {
            let mut scenario = base.clone();
            set_lever(
                &mut scenario,
                "rates.sofr_pct",
                &LeverValue::Number(dec!(5)),
            )
        })
    });
    let axis = Axis::resolve(&base, "rates.sofr_pct").expect("lever");
    // What an analysis pays to move a lever, without the clone above.
    let mut scenario = base.clone();
    let five = LeverValue::Number(dec!(5));
    c.bench_function("axis.apply/rates.sofr_pct", |b| {
        b.iter(|| axis.apply(&mut scenario, black_box(&five)))
    });
    c.bench_function("evaluate/one lever", |b| {
        b.iter(|| evaluate(&base, &[(&axis, LeverValue::Number(dec!(5)))]))
    });
    // What an analysis pays per run: set a lever, check its range, run into reused buffers.
    let mut evaluator = Evaluator::new(&base).expect("the default scenario validates");
    c.bench_function("evaluator/one lever", |b| {
        b.iter(|| {
            evaluator
                .evaluate(&[(&axis, LeverValue::Number(dec!(5)))])
                .map(|outcome| outcome.kpis.min_cash)
        })
    });
}

fn analyses(c: &mut Criterion) {
    let base = default_scenario().into_scenario();
    c.bench_function("solve/rates.sofr_pct no-breach", |b| {
        b.iter(|| solve(&base, "rates.sofr_pct", &Condition::NoBreach))
    });
    c.bench_function("breach_ranges/core_scientific.delay_months", |b| {
        b.iter(|| breach_ranges(&base, "core_scientific.delay_months"))
    });
    c.bench_function("tornado/min_cash range ends", |b| {
        b.iter(|| tornado_of(&base, &Kpi::MinCash, &SpanRule::RangeEnds.into()))
    });
    let mut group = c.benchmark_group("slow");
    group.sample_size(10);
    group.bench_function("grid/40x40 sofr x delay", |b| {
        b.iter(|| {
            breach_map(
                &base,
                "rates.sofr_pct",
                "core_scientific.delay_months",
                &Kpi::FundingNeed,
                40,
            )
        })
    });
    let spec = MonteCarloSpec {
        seed: 42,
        runs: 10_000,
        levers: vec![
            (
                "core_scientific.delay_months".to_owned(),
                "discrete:0@0.4,3@0.3,6@0.2,12@0.1".parse().expect("parses"),
            ),
            (
                "rates.sofr_pct".to_owned(),
                "triangular:3:4.3:6".parse().expect("parses"),
            ),
            (
                "openai.start".to_owned(),
                "uniform:0:6".parse().expect("parses"),
            ),
        ],
    };
    group.bench_function("montecarlo/10000 runs", |b| {
        b.iter(|| monte_carlo(&base, &spec, &AtomicUsize::new(0), &AtomicBool::new(false)))
    });
    // Issue 11's larger sizes.
    group.bench_function("grid/100x100 sofr x delay", |b| {
        b.iter(|| {
            breach_map(
                &base,
                "rates.sofr_pct",
                "core_scientific.delay_months",
                &Kpi::FundingNeed,
                100,
            )
        })
    });
    let spec_100k = MonteCarloSpec {
        runs: 100_000,
        ..spec.clone()
    };
    group.bench_function("montecarlo/100000 runs", |b| {
        b.iter(|| {
            monte_carlo(
                &base,
                &spec_100k,
                &AtomicUsize::new(0),
                &AtomicBool::new(false),
            )
        })
    });
    // The worst a scenario may ask of an every-lever analysis: a contract list at its limit.
    let at_limit = with_contracts_up_to(&base, MAX_LIST_ITEMS);
    group.bench_function("tornado/min_cash, 100 contracts", |b| {
        b.iter(|| tornado_of(&at_limit, &Kpi::MinCash, &SpanRule::RangeEnds.into()))
    });
    group.finish();
}

/// `base` with small one-year contracts added until its list holds `count`.
fn with_contracts_up_to(base: &Scenario, count: usize) -> Scenario {
    let mut scenario = base.clone();
    let template = scenario.contracts[0].clone();
    for i in scenario.contracts.len()..count {
        scenario.contracts.push(Contract {
            id: format!("c{i}"),
            customer: format!("Customer {i}"),
            total_value: dec!(120),
            term_months: 12,
            ramp_months: 0,
            pledged_to: None,
            ..template.clone()
        });
    }
    scenario
}

criterion_group!(benches, per_run, analyses);
criterion_main!(benches);
