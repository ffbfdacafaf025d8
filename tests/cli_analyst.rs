//! Issue 13: the six credit questions of an analyst, each answered by one command whose output
//! needs no script, and a test per bullet (spans, what broke, readable numbers, whole-month
//! distributions, the text map, dates before the model). Every figure a command prints is
//! checked against plain model runs (`set_lever` + `validate` + `run`), never against an
//! earlier output.

use std::sync::atomic::{AtomicBool, AtomicUsize};

use coreweave_whatif::model::analysis::{Kpi, SpanRule, TornadoSpans, monte_carlo, tornado_of};
use coreweave_whatif::model::{
    LeverValue, MonteCarloSpec, Month, Outcome, Scenario, analysis_limits, levers, parse_preset,
    plausible_range, run, set_lever_text, validate,
};
use coreweave_whatif::report::format::grouped;
use rust_decimal::Decimal;
use serde_json::Value;

mod common;
use common::cli;

const PLAN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/presets/management-plan.ron");

fn json(args: &[&str]) -> Value {
    let text = cli(&[args, &["--format", "json"]].concat())
        .unwrap_or_else(|err| panic!("{args:?}: {err}"));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{args:?}: {err}\n{text}"))
}

fn load(preset: &str) -> Scenario {
    let text = if preset == "default" {
        coreweave_whatif::model::SHIPPED_PRESETS
            .iter()
            .find(|(stem, _)| *stem == "s1-base")
            .map(|(_, text)| (*text).to_owned())
            .expect("s1-base ships")
    } else {
        std::fs::read_to_string(preset).expect("preset file")
    };
    parse_preset(&text).expect("preset").into_scenario()
}

/// The plain model with some levers set from text.
fn plain(base: &Scenario, settings: &[(&str, &str)]) -> Outcome {
    let mut scenario = base.clone();
    for (path, text) in settings {
        set_lever_text(&mut scenario, path, text).unwrap_or_else(|err| panic!("{path}: {err}"));
    }
    run(&validate(scenario).expect("valid")).expect("runs")
}

/// The covenant test of `covenant` in `month` of a run.
fn headroom(outcome: &Outcome, covenant: &str, month: Month) -> Decimal {
    let k = outcome
        .covenant_ids
        .iter()
        .position(|id| id == covenant)
        .expect("covenant");
    let t = usize::try_from(month.index()).expect("in the horizon");
    outcome.covenants[t * outcome.covenant_ids.len() + k]
        .as_ref()
        .expect("tested")
        .headroom_pct()
}

fn month(value: &Value) -> Month {
    value.as_str().expect("a month").parse().expect("YYYY-MM")
}

fn decimal(value: &Value) -> Decimal {
    value.as_str().expect("a decimal").parse().expect("decimal")
}

/// A solve answer's nearest crossing, checked against plain runs on both sides: the verdict
/// flips, and each side's margin names what the plain run shows.
fn check_crossing(base: &Scenario, doc: &Value) -> (String, String) {
    let path = doc["lever"].as_str().expect("lever");
    assert_eq!(doc["result"], "threshold", "{doc}");
    let nearest = doc["nearest"].as_u64().expect("a nearest crossing") as usize;
    let crossing = &doc["crossings"][nearest];
    assert_eq!(crossing["below"], doc["below"]);
    let (below, above) = (
        crossing["below"].as_str().expect("below"),
        crossing["above"].as_str().expect("above"),
    );
    for (value, side) in [
        (below, &crossing["at_below"]),
        (above, &crossing["at_above"]),
    ] {
        let outcome = plain(base, &[(path, value)]);
        let breach = outcome.kpis.first_breach.clone();
        assert_eq!(side["holds"], breach.is_none(), "{path}={value}: {side}");
        if let Some(breach) = breach {
            assert_eq!(side["what"], breach.covenant.as_str(), "{path}={value}");
            assert_eq!(month(&side["month"]), breach.month, "{path}={value}");
            if side["unit"] == "%" {
                assert_eq!(
                    decimal(&side["margin"]),
                    headroom(&outcome, &breach.covenant, breach.month),
                    "{path}={value}"
                );
            }
        }
    }
    (below.to_owned(), above.to_owned())
}

#[test]
fn q1_how_late_can_core_scientific_be_under_the_management_plan() {
    let args = [
        "solve",
        PLAN,
        "--lever",
        "core_scientific.delay_months",
        "--exact",
    ];
    let doc = json(&args);
    let base = load(PLAN);
    let (below, above) = check_crossing(&base, &doc);
    let text = cli(&args[..4]).expect("text");
    // One line says which covenant broke, in which month, by how much, on each side.
    let broke = text
        .lines()
        .find(|line| line.starts_with("broke"))
        .unwrap_or_else(|| panic!("no `broke` line:\n{text}"));
    let at_above = &doc["crossings"][0]["at_above"];
    let covenant = at_above["what"].as_str().expect("what");
    assert!(
        broke.contains(&format!("holds at {below} months"))
            && broke.contains(&format!(
                "fails at {above} months: {covenant} {}",
                month(&at_above["month"])
            )),
        "{broke}"
    );
    assert!(
        broke.contains(" -") && broke.contains(" +"),
        "a margin on each side: {broke}"
    );
}

#[test]
fn q2_what_sofr_or_spread_breaks_the_plan_within_a_chosen_span() {
    let base = load(PLAN);
    let doc = json(&["solve", PLAN, "--lever", "ddtl2.spread_pct", "--exact"]);
    let (_, above) = check_crossing(&base, &doc);
    assert!(decimal(&Value::String(above)) > decimal(&doc["current"]));
    // SOFR alone does not break the plan anywhere in 3–8 %; the answer says so for that span.
    let doc = json(&[
        "solve",
        PLAN,
        "--lever",
        "rates.sofr_pct",
        "--range",
        "rates.sofr_pct=3:8",
    ]);
    assert_eq!(doc["searched"]["from"], "3");
    assert_eq!(doc["searched"]["to"], "8");
    match doc["result"].as_str() {
        Some(everywhere @ ("holds_everywhere" | "fails_everywhere")) => {
            for sofr in ["3", "8"] {
                let holds = plain(&base, &[("rates.sofr_pct", sofr)])
                    .kpis
                    .first_breach
                    .is_none();
                assert_eq!(
                    holds,
                    everywhere == "holds_everywhere",
                    "SOFR {sofr}: {doc}"
                );
            }
        }
        _ => {
            check_crossing(&base, &doc);
        }
    }
    let err = cli(&[
        "solve",
        PLAN,
        "--lever",
        "rates.sofr_pct",
        "--range",
        "ddtl2.spread_pct=3:8",
    ])
    .expect_err("a range for another lever");
    assert!(
        err.contains("ddtl2.spread_pct") && err.contains("rates.sofr_pct"),
        "{err}"
    );
}

#[test]
fn q3_how_much_new_money_the_s1_base_needs_and_which_lever_moves_it_most() {
    let base = load("default");
    let text = cli(&["tornado", "default", "--kpi", "funding_need"]).expect("tornado");
    let need = plain(&base, &[]).kpis.funding_need;
    let first = text.lines().next().expect("a title");
    assert!(
        first.contains(&format!("base {}", grouped(need, 2))),
        "money to the cent: {first}"
    );
    let tornado = tornado_of(&base, &Kpi::FundingNeed, &TornadoSpans::default()).expect("runs");
    let top = &tornado.bars[0];
    let row = text.lines().nth(2).expect("the top bar");
    assert!(row.starts_with(&top.path), "{row}");
    // The top bar's figures are plain runs at its two ends, within its plausible range.
    let lever = levers(&base)
        .into_iter()
        .find(|lever| lever.path == top.path)
        .expect("lever");
    let plausible = plausible_range(&base, &lever).expect("a number lever");
    assert_eq!(
        (top.low.clone(), top.high.clone()),
        (plausible.low, plausible.high)
    );
    let at_high = plain(&base, &[(&top.path, &top.high.to_string())]);
    assert_eq!(top.kpi_high, Some(at_high.kpis.funding_need));
    assert!(
        row.contains(&grouped(at_high.kpis.funding_need, 2)),
        "{row}"
    );
}

#[test]
fn q4_what_microsoft_cut_breaks_the_plan() {
    let base = load(PLAN);
    let doc = json(&["solve", PLAN, "--lever", "microsoft_cut.cut_pct", "--exact"]);
    let (below, above) = check_crossing(&base, &doc);
    // The cut is 0 today, so the crossing nearest it is the smallest cut that breaks the plan.
    assert_eq!(doc["current"], "0");
    assert_eq!(doc["holds_on"], "low");
    let above: Decimal = above.parse().expect("a number");
    let below: Decimal = below.parse().expect("a number");
    assert_eq!(above - below, Decimal::ONE, "neighbours on the 1 % grid");
}

#[test]
fn q5_the_chance_of_a_breach_by_end_2026_under_an_uncertain_openai_start_and_ramp() {
    let args = [
        "montecarlo",
        PLAN,
        "--runs",
        "300",
        "--seed",
        "5",
        "--lever",
        "openai.start",
        "--range",
        "openai.start=2025-10:2026-04",
        "--lever",
        "openai.ramp_months=int:3:12",
        "--by",
        "2026-12",
    ];
    let doc = json(&args);
    let base = load(PLAN);
    let spec = MonteCarloSpec {
        seed: 5,
        runs: 300,
        levers: vec![
            ("openai.start".to_owned(), "int:0:6".parse().expect("int")),
            (
                "openai.ramp_months".to_owned(),
                "int:3:12".parse().expect("int"),
            ),
        ],
    };
    let direct =
        monte_carlo(&base, &spec, &AtomicUsize::new(0), &AtomicBool::new(false)).expect("runs");
    let by = Month::ym(2026, 12);
    let odds = direct.odds_by(by).expect("in the horizon");
    assert_eq!(doc["by"]["any"].as_f64(), Some(odds.any));
    assert!(
        odds.any > 0.0 && odds.any < 1.0,
        "the test should bite: {}",
        odds.any
    );
    for (row, (id, share)) in doc["by"]["covenants"]
        .as_array()
        .expect("covenants")
        .iter()
        .zip(&odds.covenants)
    {
        assert_eq!(row["id"], id.as_str());
        assert_eq!(row["probability"].as_f64(), Some(*share));
        assert!(*share <= odds.any, "{id}");
    }
    assert_eq!(doc["levers"][0]["distribution"], "int:0:6");
    let text = cli(&args).expect("text");
    assert!(
        text.contains(&format!("P(breach by 2026-12) {:.1} %", odds.any * 100.0)),
        "{text}"
    );
    // Percentiles of the first-breach month: the median is a month where half the runs broke.
    let median = direct
        .first_breach
        .percentiles
        .iter()
        .find(|(p, _)| *p == 50);
    if let Some((_, Some(month))) = median {
        let t = usize::try_from(month.index()).expect("in the horizon");
        assert!(direct.breach_probability[t] >= 0.5, "{month}");
        assert!(t == 0 || direct.breach_probability[t - 1] < 0.5, "{month}");
    }
    assert!(text.contains("first breach"), "{text}");
}

#[test]
fn q6_a_sofr_by_delay_map_reads_in_a_terminal() {
    let args = [
        "grid",
        PLAN,
        "--x",
        "rates.sofr_pct",
        "--y",
        "core_scientific.delay_months",
        "--x-range",
        "3:6",
        "--y-range",
        "0:12",
        "--kpi",
        "min_headroom:dscr",
        "--steps",
        "13",
    ];
    let doc = json(&args);
    let text = cli(&[&args[..], &["--format", "text"]].concat()).expect("text map");
    let rows: Vec<&str> = text.lines().filter(|line| line.contains(" | ")).collect();
    assert_eq!(rows.len(), 13, "{text}");
    let breached = doc["breached"].as_array().expect("breached");
    // The top row is the highest delay; a letter marks a breached cell, a digit one that holds.
    for (r, row) in rows.iter().enumerate() {
        let j = 12 - r;
        let (label, cells) = row.split_once(" | ").expect("a row");
        assert_eq!(label.trim(), doc["y"]["values"][j]);
        let marks: Vec<char> = cells
            .split(' ')
            .map(|c| c.chars().next().unwrap_or(' '))
            .collect();
        assert_eq!(marks.len(), 13, "{row}");
        for (i, mark) in marks.iter().enumerate() {
            assert_eq!(
                mark.is_ascii_lowercase(),
                breached[j][i] == true,
                "cell ({i}, {j}) {mark}"
            );
        }
    }
    assert!(text.contains("legend:"), "{text}");
    assert!(
        breached
            .iter()
            .flat_map(|row| row.as_array().into_iter().flatten())
            .any(|b| *b == true)
            && breached
                .iter()
                .flat_map(|row| row.as_array().into_iter().flatten())
                .any(|b| *b == false),
        "the map should show a boundary"
    );
    let err = cli(&[&args[..6], &["--x-range", "6:3", "--kpi", "min_cash"]].concat())
        .expect_err("a reversed range");
    assert!(
        err.contains("--x-range") && err.contains("above the high end"),
        "{err}"
    );
}

#[test]
fn tornado_spans_are_in_the_lever_s_unit_and_a_lever_at_zero_still_swings() {
    let base = load(PLAN);
    let doc = json(&[
        "tornado",
        PLAN,
        "--kpi",
        "first_breach",
        "--range",
        "rates.sofr_pct=3:8",
    ]);
    let bar = |path: &str| {
        doc["bars"]
            .as_array()
            .expect("bars")
            .iter()
            .find(|bar| bar["path"] == path)
            .unwrap_or_else(|| panic!("no bar {path}"))
            .clone()
    };
    let sofr = bar("rates.sofr_pct");
    assert_eq!(
        (sofr["low"].as_str(), sofr["high"].as_str()),
        (Some("3"), Some("8"))
    );
    assert_eq!(bar("ddtl2.spread_pct")["span"], "±100 bp");
    assert_eq!(bar("openai.start")["span"], "±3 months");
    let delay = bar("core_scientific.delay_months");
    assert_eq!(delay["span"], "-0/+12 months");
    let at_twelve = plain(&base, &[("core_scientific.delay_months", "12")]);
    assert_eq!(
        decimal(&delay["kpi_high"]),
        Kpi::FirstBreach.value(&at_twelve).expect("a value")
    );
    assert_ne!(
        delay["swing"], "0.00",
        "a lever at 0 swings over its plausible range"
    );
}

#[test]
fn no_analysis_dates_a_flow_before_the_model_starts() {
    // Under the old ±X % of the horizon, `own_2025.online` and `ipo.month` moved before 2025-01,
    // where capex and proceeds were dropped, and topped the tornado for no economic reason.
    let base = load("default");
    let first = Month::ym(2025, 1);
    let sums = |outcome: &Outcome| -> [Decimal; 3] {
        outcome
            .months
            .iter()
            .fold([Decimal::ZERO; 3], |[capex, equity, draws], row| {
                [capex + row.capex, equity + row.equity, draws + row.draws]
            })
    };
    let at_base = sums(&plain(&base, &[]));
    for rule in [
        SpanRule::Plausible,
        SpanRule::RangeEnds,
        SpanRule::Percent(Decimal::TEN),
    ] {
        let spans = TornadoSpans {
            rule,
            ranges: Vec::new(),
        };
        let tornado = tornado_of(&base, &Kpi::FundingNeed, &spans).expect("tornado");
        for bar in &tornado.bars {
            let LeverValue::Month(low) = bar.low else {
                continue;
            };
            assert!(
                low >= first || bar.low == bar.current,
                "{rule:?} {}: {low}",
                bar.path
            );
            if bar.path.ends_with(".online")
                || bar.path.ends_with(".month")
                || bar.path.ends_with(".draws.from")
            {
                let outcome = plain(&base, &[(&bar.path, &low.to_string())]);
                assert_eq!(
                    sums(&outcome),
                    at_base,
                    "{rule:?} {} at {low}: a flow left the model",
                    bar.path
                );
            }
        }
    }
    // The analyst cannot ask for it either, and the limits say where they stop.
    let lever = levers(&base)
        .into_iter()
        .find(|lever| lever.path == "own_2025.online")
        .expect("lever");
    let (low, _) = analysis_limits(&base, &lever).expect("a month lever");
    assert_eq!(
        low,
        LeverValue::Month(first.plus(i32::try_from(base.capex.lead_months).expect("small")))
    );
    let err = cli(&[
        "tornado",
        "default",
        "--kpi",
        "funding_need",
        "--range",
        "ipo.month=2024-09:2025-06",
    ])
    .expect_err("a span before the model");
    assert!(
        err.contains("ipo.month") && err.contains("before the model starts"),
        "{err}"
    );
}

#[test]
fn numbers_are_rounded_to_the_cent_unless_exact() {
    let base = load("default");
    let args = ["tornado", "default", "--kpi", "min_cash"];
    let rounded = json(&args);
    let exact = json(&[&args[..], &["--exact"]].concat());
    let min_cash = plain(&base, &[]).kpis.min_cash;
    assert_eq!(decimal(&exact["base"]), min_cash);
    assert_eq!(rounded["base"], format!("{:.2}", min_cash.round_dp(2)));
    for bar in rounded["bars"].as_array().expect("bars") {
        let swing = bar["swing"].as_str().expect("swing");
        assert!(
            swing.split_once('.').is_some_and(|(_, dp)| dp.len() == 2),
            "{swing}"
        );
    }
    // A headroom carries its sign and is never rounded to 0.0 %.
    let text = cli(&["tornado", "default", "--kpi", "min_headroom:dscr"]).expect("text");
    let title = text.lines().next().expect("title");
    assert!(title.contains(" %;"), "{title}");
    assert!(
        !title.contains("base 0.0 %") && !title.contains("base -0.0 %"),
        "{title}"
    );
}

#[test]
fn uniform_on_a_whole_number_lever_is_warned_about() {
    let text = cli(&[
        "montecarlo",
        "default",
        "--runs",
        "20",
        "--lever",
        "core_scientific.delay_months=uniform:0:6",
    ])
    .expect("runs");
    assert!(
        text.contains("warning: core_scientific.delay_months") && text.contains("int:0:6"),
        "{text}"
    );
    let text = cli(&[
        "montecarlo",
        "default",
        "--runs",
        "20",
        "--lever",
        "core_scientific.delay_months",
    ])
    .expect("runs");
    assert!(
        text.contains("core_scientific.delay_months ~ int:0:12"),
        "{text}"
    );
    assert!(!text.contains("warning"), "{text}");
    let err = cli(&[
        "montecarlo",
        "default",
        "--runs",
        "20",
        "--lever",
        "rates.sofr_pct",
        "--by",
        "2040-01",
    ])
    .expect_err("outside the horizon");
    assert!(err.contains("--by 2040-01"), "{err}");
}

/// `kpis` gives the cumulative new money needed by each quarter end: in JSON every quarter,
/// never falling, ending at the funding need; in text the quarters where it grows.
#[test]
fn kpis_say_how_much_new_money_is_needed_by_each_quarter_end() {
    let doc = json(&["kpis", "default", "--exact"]);
    let quarters = doc["funding_need_by_quarter"]
        .as_array()
        .expect("a list of quarters");
    let needs: Vec<Decimal> = quarters
        .iter()
        .map(|quarter| {
            quarter["need"]
                .as_str()
                .expect("money")
                .parse()
                .expect("decimal")
        })
        .collect();
    assert_eq!(quarters[0]["quarter_end"], "2025-03");
    assert!(needs.windows(2).all(|pair| pair[0] <= pair[1]), "{needs:?}");
    let total: Decimal = doc["funding_need"]
        .as_str()
        .expect("money")
        .parse()
        .expect("decimal");
    assert!(total > Decimal::ZERO, "s1-base needs new money");
    assert_eq!(needs.last(), Some(&total));
    let first_need = quarters
        .iter()
        .find(|quarter| quarter["need"] != "0")
        .expect("a quarter with a need");
    let text = cli(&["kpis", "default"]).expect("kpis");
    let line = text
        .lines()
        .find(|line| line.starts_with("funding_need_by"))
        .expect("a funding_need_by line");
    assert!(
        line.contains(first_need["quarter_end"].as_str().expect("month")),
        "{line}"
    );
    let grows = needs.windows(2).filter(|pair| pair[1] > pair[0]).count()
        + usize::from(needs[0] > Decimal::ZERO);
    let listed = text
        .lines()
        .skip_while(|line| !line.starts_with("funding_need_by"))
        .take_while(|line| line.starts_with("funding_need_by") || line.starts_with(' '))
        .count();
    assert_eq!(listed, grows, "{text}");
}
