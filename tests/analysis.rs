//! The issue-4 analyses checked against plain model runs: every figure an analysis reports is
//! recomputed here with `set_lever` + `validate` + `run`, never copied from an earlier output.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use coreweave_whatif::model::analysis::{
    Axis, Condition, Kpi, LeverRange, Side, SolveOutcome, SpanRule, Tornado, breach_map,
    breach_ranges, failing_ranges, monte_carlo, solve, tornado_of,
};
use coreweave_whatif::model::{
    Distribution, LeverKind, LeverValue, MonteCarloSpec, Month, Outcome, SHIPPED_PRESETS, Scenario,
    analysis_limits, levers, parse_preset, run, set_lever, validate,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::Value;

mod common;
use common::cli;

fn preset(name: &str) -> Scenario {
    let (_, text) = SHIPPED_PRESETS
        .iter()
        .find(|(stem, _)| *stem == name)
        .unwrap_or_else(|| panic!("no shipped preset {name}"));
    parse_preset(text)
        .unwrap_or_else(|err| panic!("{name}: {err}"))
        .into_scenario()
}

fn default_base() -> Scenario {
    preset("s1-base")
}

/// The plain model with some levers set.
fn plain(base: &Scenario, settings: &[(&str, &LeverValue)]) -> Outcome {
    let mut scenario = base.clone();
    for (path, value) in settings {
        set_lever(&mut scenario, path, value).unwrap_or_else(|err| panic!("{path}: {err}"));
    }
    let valid = validate(scenario).unwrap_or_else(|err| panic!("{settings:?}: {err}"));
    run(&valid).unwrap_or_else(|err| panic!("{settings:?}: {err}"))
}

/// The condition, judged from the ledger itself rather than through `Condition::holds`.
fn judged(condition: &Condition, outcome: &Outcome) -> bool {
    match condition {
        Condition::NoBreach => outcome
            .covenants
            .iter()
            .all(|test| test.is_none_or(|test| !test.breach)),
        Condition::Solvent => outcome.months.iter().all(|row| row.cash >= Decimal::ZERO),
        Condition::KpiAtLeast { kpi, x } => match kpi {
            Kpi::MinCash => outcome.months.iter().all(|row| row.cash >= *x),
            other => other.value(outcome).is_some_and(|value| value >= *x),
        },
    }
}

fn with_value(base: &Scenario, path: &str, value: &LeverValue, condition: &Condition) -> bool {
    judged(condition, &plain(base, &[(path, value)]))
}

fn with(base: &Scenario, settings: &[(&str, &str)]) -> Scenario {
    let mut scenario = base.clone();
    for (path, text) in settings {
        coreweave_whatif::model::set_lever_text(&mut scenario, path, text)
            .unwrap_or_else(|err| panic!("{path}={text}: {err}"));
    }
    scenario
}

/// Are `below` and `above` neighbouring values on the lever's step grid?
fn neighbours(base: &Scenario, path: &str, below: &LeverValue, above: &LeverValue) -> bool {
    let axis = Axis::resolve(base, path).expect("lever");
    let (i, j) = (axis.index_of(below), axis.index_of(above));
    j == i + 1 && axis.value_at(i) == *below && axis.value_at(j) == *above
}

/// Checks one solver answer against the plain model; returns whether it found a threshold.
fn check_solution(name: &str, base: &Scenario, path: &str, condition: &Condition) -> bool {
    let solution = solve(base, path, condition).unwrap_or_else(|err| panic!("{name}: {err}"));
    let axis = Axis::for_analysis(base, path).expect("lever");
    let (low, high) = (axis.value_at(0), axis.value_at(axis.len() - 1));
    match &solution.outcome {
        SolveOutcome::Threshold {
            below,
            above,
            holds_on,
        } => {
            let holds_low = *holds_on == Side::Low;
            assert!(
                neighbours(base, path, below, above),
                "{name} {path} {condition}: {below} and {above} are not neighbours"
            );
            assert_eq!(
                with_value(base, path, below, condition),
                holds_low,
                "{name} {path} {condition} at {below}"
            );
            assert_eq!(
                with_value(base, path, above, condition),
                !holds_low,
                "{name} {path} {condition} at {above}"
            );
            true
        }
        SolveOutcome::HoldsEverywhere | SolveOutcome::FailsEverywhere => {
            let expected = solution.outcome == SolveOutcome::HoldsEverywhere;
            for end in [&low, &high] {
                assert_eq!(
                    with_value(base, path, end, condition),
                    expected,
                    "{name} {path} {condition} at {end}: {:?}",
                    solution.outcome
                );
            }
            false
        }
    }
}

#[test]
fn solver_thresholds_flip_exactly_between_neighbouring_grid_values() {
    let conditions: Vec<Condition> = ["no-breach", "solvent", "min_cash>=500", "first_breach>=24"]
        .iter()
        .map(|text| text.parse().expect("condition"))
        .collect();
    let paths = [
        "rates.sofr_pct",
        "core_scientific.delay_months",
        "new_debt.draws.total",
        "openai.total_value",
        "openai.start",
        "opex.cost_of_revenue_pct",
        "ipo.amount",
        "core_scientific.delay_policy",
    ];
    let mut thresholds = 0;
    let mut checked = 0;
    for (name, _) in SHIPPED_PRESETS {
        let base = preset(name);
        let known: Vec<String> = levers(&base).into_iter().map(|l| l.path).collect();
        for path in paths.iter().filter(|path| known.iter().any(|k| k == *path)) {
            for condition in &conditions {
                checked += 1;
                thresholds += usize::from(check_solution(name, &base, path, condition));
            }
        }
    }
    assert!(checked >= 100, "only {checked} cases");
    assert!(
        thresholds >= 10,
        "only {thresholds} of {checked} cases flip; the test would not exercise bisection"
    );
}

/// Solves `path` against `condition` on `base`, expecting a threshold; checks it with the plain
/// model and returns `(below, above, holds_on)`.
fn threshold(base: &Scenario, path: &str, condition: &Condition) -> (LeverValue, LeverValue, Side) {
    assert!(
        check_solution("designed", base, path, condition),
        "{path} {condition}: expected a threshold"
    );
    match solve(base, path, condition).expect("solves").outcome {
        SolveOutcome::Threshold {
            below,
            above,
            holds_on,
        } => (below, above, holds_on),
        other => panic!("{path} {condition}: {other:?}"),
    }
}

/// The default scenario with just enough opening cash to stay solvent, found by the solver.
fn just_solvent() -> Scenario {
    let base = default_base();
    let path = "opening.cash";
    let (_, above, holds_on) = threshold(&base, path, &Condition::Solvent);
    assert_eq!(
        holds_on,
        Side::High,
        "more opening cash keeps the company solvent"
    );
    let mut scenario = base;
    set_lever(&mut scenario, path, &above).expect("in range");
    scenario
}

#[test]
fn the_opening_cash_threshold_is_the_least_cash_that_survives() {
    let scenario = just_solvent();
    assert!(judged(&Condition::Solvent, &plain(&scenario, &[])));
    // With the cash at its threshold, dearer money or a later Core Scientific delivery breaks it.
    for path in ["rates.sofr_pct", "core_scientific.delay_months"] {
        let (below, _, holds_on) = threshold(&scenario, path, &Condition::Solvent);
        assert_eq!(holds_on, Side::Low, "{path}: the low end is the kind one");
        let axis = Axis::resolve(&scenario, path).expect("lever");
        assert!(
            axis.index_of(&below) >= axis.index_of(&axis.lever.value),
            "{path}: the scenario is solvent at its own value, so the flip is above it"
        );
    }
}

#[test]
fn new_money_that_is_not_repaid_in_the_horizon_restores_solvency() {
    let base = with(
        &default_base(),
        &[
            ("new_debt.draws.from", "2025-01"),
            ("new_debt.maturity", "2040-12"),
        ],
    );
    let (below, above, holds_on) = threshold(&base, "new_debt.draws.total", &Condition::Solvent);
    assert_eq!(holds_on, Side::High);
    let axis = Axis::resolve(&base, "new_debt.draws.total").expect("lever");
    assert!(axis.index_of(&below) < axis.index_of(&above));
}

#[test]
fn sofr_threshold_against_no_breach_once_coverage_is_loose_enough() {
    // Plenty of cash (liquidity is not at stake), then the strictest coverage minimum that
    // holds today, found by the solver; a high enough SOFR must then break it.
    let rich = with(&default_base(), &[("opening.cash", "50000")]);
    let (below, _, holds_on) = threshold(&rich, "dscr.min", &Condition::NoBreach);
    assert_eq!(
        holds_on,
        Side::Low,
        "a lower coverage minimum is easier to meet"
    );
    let mut scenario = rich;
    set_lever(&mut scenario, "dscr.min", &below).expect("in range");
    let (_, _, holds_on) = threshold(&scenario, "rates.sofr_pct", &Condition::NoBreach);
    assert_eq!(holds_on, Side::Low, "cheaper money never breaks coverage");
    check_solution(
        "tight dscr",
        &scenario,
        "core_scientific.delay_months",
        &Condition::NoBreach,
    );
}

fn check_ranges(base: &Scenario, path: &str, condition: &Condition, ranges: &[LeverRange]) {
    let axis = Axis::resolve(base, path).expect("lever");
    let mut previous_end: Option<usize> = None;
    for range in ranges {
        assert!(range.from_index <= range.to_index, "{path}: {range:?}");
        assert!(
            previous_end.is_none_or(|end| end + 1 < range.from_index),
            "{path}: ranges overlap or touch: {ranges:?}"
        );
        previous_end = Some(range.to_index);
        for index in [range.from_index, range.to_index] {
            let value = axis.value_at(index);
            assert!(
                !with_value(base, path, &value, condition),
                "{path} fails at {value}"
            );
        }
        if range.from_index > 0 {
            let value = axis.value_at(range.from_index - 1);
            assert!(
                with_value(base, path, &value, condition),
                "{path} holds at {value}"
            );
        }
        if range.to_index + 1 < axis.len() {
            let value = axis.value_at(range.to_index + 1);
            assert!(
                with_value(base, path, &value, condition),
                "{path} holds at {value}"
            );
        }
    }
}

#[test]
fn failing_ranges_have_exact_edges() {
    let mut nonempty = 0;
    for (name, _) in SHIPPED_PRESETS {
        let base = preset(name);
        for path in [
            "rates.sofr_pct",
            "core_scientific.delay_months",
            "opex.cost_of_revenue_pct",
        ] {
            let ranges = breach_ranges(&base, path).expect("ranges");
            check_ranges(&base, path, &Condition::NoBreach, &ranges);
            let solvent = failing_ranges(&base, path, &Condition::Solvent).expect("ranges");
            check_ranges(&base, path, &Condition::Solvent, &solvent);
            nonempty += usize::from(!ranges.is_empty()) + usize::from(!solvent.is_empty());
        }
    }
    assert!(nonempty >= 3, "only {nonempty} lever ranges ever fail");
}

#[test]
fn tornado_bars_match_plain_runs_and_are_sorted_by_swing() {
    let base = default_base();
    for (kpi, span) in [
        (Kpi::MinCash, SpanRule::RangeEnds),
        (Kpi::FirstBreach, SpanRule::RangeEnds),
        (
            Kpi::MinHeadroom {
                covenant: "liquidity".to_owned(),
            },
            SpanRule::Percent(dec!(20)),
        ),
    ] {
        let Tornado {
            base: base_value,
            bars,
        } = tornado_of(&base, &kpi, &span.into()).expect("tornado");
        assert_eq!(base_value, kpi.value(&plain(&base, &[])), "{kpi}");
        let expected = levers(&base)
            .iter()
            .filter(|l| !matches!(l.kind, LeverKind::Choice { .. }))
            .count();
        assert_eq!(
            bars.len(),
            expected,
            "{kpi}: one bar per number or month lever"
        );
        assert!(
            bars.windows(2).all(|pair| pair[0].swing >= pair[1].swing),
            "{kpi}: not sorted"
        );
        for bar in bars.iter().step_by(9).chain(bars.first()) {
            let low = kpi.value(&plain(&base, &[(&bar.path, &bar.low)]));
            let high = kpi.value(&plain(&base, &[(&bar.path, &bar.high)]));
            assert_eq!(
                (bar.kpi_low, bar.kpi_high),
                (low, high),
                "{kpi} {}",
                bar.path
            );
            if let (Some(low), Some(high)) = (low, high) {
                assert_eq!(bar.swing, (high - low).abs(), "{kpi} {}", bar.path);
            }
            if span == SpanRule::RangeEnds {
                // The range ends an analysis may use: the registry's, dates never before 2025-01.
                let lever = levers(&base)
                    .into_iter()
                    .find(|l| l.path == bar.path)
                    .expect("lever");
                let (low, high) = analysis_limits(&base, &lever).expect("not a choice");
                assert_eq!(
                    (bar.low.clone(), bar.high.clone()),
                    (low, high),
                    "{}",
                    bar.path
                );
                if let LeverKind::Number { min, max, .. } = lever.kind
                    && bar.path != "capex.lead_months"
                {
                    assert_eq!(
                        (bar.low.clone(), bar.high.clone()),
                        (LeverValue::Number(min), LeverValue::Number(max))
                    );
                }
                if let LeverValue::Month(low) = &bar.low {
                    assert!(
                        *low >= Month::ym(2025, 1) || bar.low == bar.current,
                        "{}: {low}",
                        bar.path
                    );
                }
            }
        }
        assert!(bars[0].swing > Decimal::ZERO, "{kpi}: no lever moves it");
    }
}

#[test]
fn breach_map_cells_match_plain_runs() {
    let base = default_base();
    let (x, y) = ("rates.sofr_pct", "core_scientific.delay_months");
    let kpi = Kpi::FundingNeed;
    let map = breach_map(&base, x, y, &kpi, 6).expect("map");
    assert_eq!((map.x_values.len(), map.y_values.len()), (6, 6));
    assert_eq!(map.values.len(), 36);
    let x_axis = Axis::resolve(&base, x).expect("lever");
    assert_eq!(map.x_values.first(), Some(&x_axis.value_at(0)));
    assert_eq!(
        map.x_values.last(),
        Some(&x_axis.value_at(x_axis.len() - 1))
    );
    for (i, j) in [(0, 0), (5, 0), (0, 5), (5, 5), (2, 3), (4, 1)] {
        let outcome = plain(&base, &[(x, &map.x_values[i]), (y, &map.y_values[j])]);
        let (value, breached) = map.cell(i, j).expect("cell");
        assert_eq!(value, kpi.value(&outcome), "cell ({i}, {j})");
        assert_eq!(
            breached,
            !judged(&Condition::NoBreach, &outcome),
            "cell ({i}, {j})"
        );
    }
}

fn delay_spec(seed: u64, runs: u32, dist: &str) -> MonteCarloSpec {
    MonteCarloSpec {
        seed,
        runs,
        levers: vec![(
            "core_scientific.delay_months".to_owned(),
            dist.parse().expect("distribution"),
        )],
    }
}

fn run_mc(
    base: &Scenario,
    spec: &MonteCarloSpec,
) -> coreweave_whatif::model::analysis::MonteCarloResult {
    monte_carlo(base, spec, &AtomicUsize::new(0), &AtomicBool::new(false)).expect("monte carlo")
}

#[test]
fn monte_carlo_is_the_same_on_one_thread_and_on_many() -> Result<(), Box<dyn std::error::Error>> {
    let base = default_base();
    let mut spec = delay_spec(2025, 400, "discrete:0@0.4,3@0.3,6@0.2,12@0.1");
    spec.levers.push((
        "rates.sofr_pct".to_owned(),
        "triangular:3:4.3:7".parse::<Distribution>()?,
    ));
    spec.levers.push((
        "openai.start".to_owned(),
        "uniform:0:6".parse::<Distribution>()?,
    ));
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()?
        .install(|| run_mc(&base, &spec));
    let many = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()?
        .install(|| run_mc(&base, &spec));
    assert_eq!(one, many);
    let other_seed = run_mc(
        &base,
        &MonteCarloSpec {
            seed: 2026,
            ..spec.clone()
        },
    );
    assert_ne!(one, other_seed, "a different seed should draw differently");
    Ok(())
}

#[test]
fn a_certain_draw_reproduces_the_plain_run() {
    let base = default_base();
    let result = run_mc(&base, &delay_spec(1, 50, "discrete:6@1"));
    let outcome = plain(
        &base,
        &[("core_scientific.delay_months", &LeverValue::Number(dec!(6)))],
    );
    let cash: Vec<Decimal> = outcome.months.iter().map(|row| row.cash).collect();
    assert_eq!(result.cash_p10, cash);
    assert_eq!(result.cash_p50, cash);
    assert_eq!(result.cash_p90, cash);
    let breach_month = outcome
        .kpis
        .first_breach
        .as_ref()
        .map(|b| usize::try_from(b.month.index()).expect("in horizon"));
    for (t, p) in result.breach_probability.iter().enumerate() {
        let expected = if breach_month.is_some_and(|m| m <= t) {
            1.0
        } else {
            0.0
        };
        assert!((p - expected).abs() < 1e-12, "month {t}: {p}");
    }
    for (_, value) in &result.funding_need.percentiles {
        assert_eq!(*value, outcome.kpis.funding_need);
    }
    assert_eq!(result.funding_need.histogram.counts.iter().sum::<u32>(), 50);
}

#[test]
fn two_point_draws_give_percentiles_from_the_two_plain_runs() {
    let base = just_solvent();
    let runs = 2000;
    let result = run_mc(&base, &delay_spec(9, runs, "discrete:0@0.5,12@0.5"));
    let outcomes = [0, 12].map(|delay| {
        plain(
            &base,
            &[(
                "core_scientific.delay_months",
                &LeverValue::Number(Decimal::from(delay)),
            )],
        )
    });
    for t in 0..result.months.len() {
        let options = [outcomes[0].months[t].cash, outcomes[1].months[t].cash];
        for p in [&result.cash_p10, &result.cash_p50, &result.cash_p90] {
            assert!(
                options.contains(&p[t]),
                "month {t}: {} not a plain cash",
                p[t]
            );
        }
        assert!(result.cash_p10[t] <= result.cash_p90[t]);
    }
    for (shares, failed) in [
        (
            &result.breach_probability,
            outcomes
                .each_ref()
                .map(|o| !judged(&Condition::NoBreach, o)),
        ),
        (
            &result.negative_cash_probability,
            outcomes.each_ref().map(|o| !judged(&Condition::Solvent, o)),
        ),
    ] {
        let last = shares.last().copied().unwrap_or(0.0);
        let expected = failed.iter().filter(|f| **f).count() as f64 / 2.0;
        assert!((last - expected).abs() < 0.05, "{last} vs {expected}");
    }
    assert!(
        judged(&Condition::Solvent, &outcomes[0]) && !judged(&Condition::Solvent, &outcomes[1]),
        "the just-solvent scenario should run out of cash with a 12-month delay"
    );
    assert!(
        result.breach_probability.windows(2).all(|w| w[0] <= w[1]),
        "cumulative probability must not fall"
    );
}

#[test]
fn monte_carlo_counts_progress_and_stops_when_cancelled() {
    let base = default_base();
    let spec = delay_spec(3, 120, "uniform:0:12");
    let progress = AtomicUsize::new(0);
    monte_carlo(&base, &spec, &progress, &AtomicBool::new(false)).expect("runs");
    assert_eq!(progress.load(Ordering::Relaxed), 120);
    let progress = AtomicUsize::new(0);
    let err = monte_carlo(&base, &spec, &progress, &AtomicBool::new(true))
        .expect_err("cancelled before it started");
    assert_eq!(err.to_string(), "cancelled");
    assert_eq!(progress.load(Ordering::Relaxed), 0);
}

#[test]
fn cli_solve_prints_the_threshold_the_solver_finds() {
    let args = [
        "solve",
        "default",
        "--lever",
        "rates.sofr_pct",
        "--until",
        "min_cash>=500",
    ];
    let text = cli(&args).expect("solve runs");
    let json: Value =
        serde_json::from_str(&cli(&[&args[..], &["--format", "json"]].concat()).expect("json"))
            .expect("valid JSON");
    let condition: Condition = "min_cash>=500".parse().expect("condition");
    let solution = solve(&default_base(), "rates.sofr_pct", &condition).expect("solves");
    assert!(text.starts_with("lever      rates.sofr_pct"), "{text}");
    assert!(text.contains("condition  min_cash>=500"), "{text}");
    assert_eq!(json["lever"], "rates.sofr_pct");
    match solution.outcome {
        SolveOutcome::Threshold { below, above, .. } => {
            assert_eq!(json["result"], "threshold");
            assert_eq!(json["below"], below.to_string());
            assert_eq!(json["above"], above.to_string());
            assert!(text.contains(&format!("{below} %")), "{text}");
        }
        SolveOutcome::HoldsEverywhere => assert_eq!(json["result"], "holds_everywhere"),
        SolveOutcome::FailsEverywhere => assert_eq!(json["result"], "fails_everywhere"),
    }
    let err = cli(&["solve", "default", "--lever", "rates.nope"]).expect_err("unknown lever");
    assert!(err.contains("rates.nope"), "{err}");
    let err = cli(&[
        "solve",
        "default",
        "--lever",
        "rates.sofr_pct",
        "--until",
        "cash>=1",
    ])
    .expect_err("unknown KPI");
    assert!(err.contains("min_headroom:<covenant id>"), "{err}");
}

#[test]
fn cli_tornado_lists_every_bar_in_swing_order() {
    let json: Value = serde_json::from_str(
        &cli(&[
            "tornado",
            "default",
            "--kpi",
            "ending_cash",
            "--pct",
            "10",
            "--exact",
            "--format",
            "json",
        ])
        .expect("tornado runs"),
    )
    .expect("valid JSON");
    let bars = tornado_of(
        &default_base(),
        &Kpi::EndingCash,
        &SpanRule::Percent(dec!(10)).into(),
    )
    .expect("runs")
    .bars;
    let listed = json["bars"].as_array().expect("bars");
    assert_eq!(listed.len(), bars.len());
    for (row, bar) in listed.iter().zip(&bars) {
        assert_eq!(row["path"], bar.path.as_str());
        assert_eq!(row["swing"], bar.swing.normalize().to_string());
    }
    let text = cli(&["tornado", "default", "--kpi", "peak_debt"]).expect("text");
    assert!(text.starts_with("tornado of peak_debt ($M)"), "{text}");
    assert_eq!(text.lines().count(), 2 + bars.len(), "{text}");
}

#[test]
fn cli_grid_writes_one_csv_row_per_cell() {
    let args = [
        "grid",
        "default",
        "--x",
        "rates.sofr_pct",
        "--y",
        "ipo.amount",
        "--kpi",
        "min_headroom:liquidity",
        "--steps",
        "4",
        "--exact",
    ];
    let csv = cli(&args).expect("grid runs");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("rates.sofr_pct,ipo.amount,min_headroom:liquidity,breached")
    );
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split(',').collect()).collect();
    assert_eq!(rows.len(), 16);
    let base = default_base();
    for row in rows.iter().step_by(5) {
        let sofr = LeverValue::Number(row[0].parse().expect("decimal"));
        let ipo = LeverValue::Number(row[1].parse().expect("decimal"));
        let outcome = plain(&base, &[("rates.sofr_pct", &sofr), ("ipo.amount", &ipo)]);
        let kpi: Kpi = "min_headroom:liquidity".parse().expect("kpi");
        let expected = kpi.value(&outcome).map(|v| v.normalize().to_string());
        assert_eq!(Some(row[2].to_owned()).filter(|s| !s.is_empty()), expected);
        assert_eq!(
            row[3],
            (!judged(&Condition::NoBreach, &outcome)).to_string()
        );
    }
    let json: Value =
        serde_json::from_str(&cli(&[&args[..], &["--format", "json"]].concat()).expect("json"))
            .expect("valid JSON");
    assert_eq!(json["values"].as_array().map(Vec::len), Some(4));
    assert_eq!(json["x"]["path"], "rates.sofr_pct");
}

#[test]
fn cli_montecarlo_reports_the_seeded_result() {
    let args = [
        "montecarlo",
        "default",
        "--runs",
        "200",
        "--seed",
        "11",
        "--lever",
        "core_scientific.delay_months=discrete:0@0.4,3@0.3,6@0.2,12@0.1",
    ];
    let json: Value = serde_json::from_str(
        &cli(&[&args[..], &["--exact", "--format", "json"]].concat()).expect("monte carlo runs"),
    )
    .expect("valid JSON");
    let direct = run_mc(
        &default_base(),
        &delay_spec(11, 200, "discrete:0@0.4,3@0.3,6@0.2,12@0.1"),
    );
    assert_eq!(json["result"]["runs"], 200);
    assert_eq!(
        json["result"],
        serde_json::to_value(&direct).expect("serialises"),
        "the CLI reports the library's result"
    );
    let text = cli(&args).expect("text");
    assert!(text.starts_with("monte carlo: 200 runs, seed 11"), "{text}");
    assert!(text.contains("P50"), "{text}");
    let err = cli(&[
        "montecarlo",
        "default",
        "--lever",
        "rates.sofr_pct=uniform:5:1",
    ])
    .expect_err("bad distribution");
    assert!(err.contains("rates.sofr_pct"), "{err}");
    // Without --lever, the preset's own distributions, seed and (unless overridden) runs.
    let text = cli(&["montecarlo", "default", "--runs", "40"]).expect("the preset's spec");
    assert!(
        text.starts_with("monte carlo: 40 runs, seed 2025"),
        "{text}"
    );
    assert!(
        text.contains("core_scientific.delay_months ~ discrete:0@0.4,3@0.3,6@0.2,12@0.1"),
        "{text}"
    );
    let plain = concat!(env!("CARGO_MANIFEST_DIR"), "/presets/management-plan.ron");
    let err = cli(&["montecarlo", plain]).expect_err("no distributions anywhere");
    assert!(err.contains("--lever"), "{err}");
}

#[test]
fn every_plausible_range_holds_the_current_value_inside_the_analysis_limits() {
    use coreweave_whatif::model::plausible_range;
    let less = |a: &LeverValue, b: &LeverValue| match (a, b) {
        (LeverValue::Number(a), LeverValue::Number(b)) => a < b,
        (LeverValue::Month(a), LeverValue::Month(b)) => a < b,
        _ => panic!("{a} and {b} are of different kinds"),
    };
    for (name, _) in SHIPPED_PRESETS {
        let base = preset(name);
        for lever in levers(&base) {
            let Some(range) = plausible_range(&base, &lever) else {
                assert!(
                    matches!(lever.kind, LeverKind::Choice { .. }),
                    "{}",
                    lever.path
                );
                continue;
            };
            let (floor, ceiling) = analysis_limits(&base, &lever).expect("not a choice");
            let at = format!("{name} {} ({})", lever.path, range.note);
            assert!(
                !less(&range.low, &floor) && !less(&ceiling, &range.high),
                "{at}"
            );
            if !less(&lever.value, &floor) {
                assert!(
                    !less(&lever.value, &range.low),
                    "{at}: {} below",
                    lever.value
                );
            }
            assert!(
                !less(&range.high, &lever.value),
                "{at}: {} above",
                lever.value
            );
            assert!(!less(&range.high, &range.low), "{at}");
        }
    }
    let base = default_base();
    let range = |path: &str| {
        let lever = levers(&base)
            .into_iter()
            .find(|lever| lever.path == path)
            .expect("lever");
        let range = plausible_range(&base, &lever).expect("a range");
        (range.low.to_string(), range.high.to_string())
    };
    assert_eq!(range("rates.sofr_pct"), ("3".to_owned(), "6".to_owned()));
    assert_eq!(
        range("core_scientific.delay_months"),
        ("0".to_owned(), "12".to_owned())
    );
    assert_eq!(
        range("microsoft_cut.cut_pct"),
        ("0".to_owned(), "10".to_owned())
    );
    assert_eq!(
        range("openai.start"),
        ("2025-07".to_owned(), "2026-01".to_owned())
    );
    assert_eq!(
        range("ddtl2.spread_pct"),
        ("5.25".to_owned(), "7.25".to_owned())
    );
}
