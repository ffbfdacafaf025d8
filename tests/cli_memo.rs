//! The CLI's `memo` writes the same memo and charts as the app's Export memo, and `kpis`/`run`
//! write money to the cent unless `--exact` is asked for.

use std::path::Path;

use coreweave_whatif::model::{
    CovenantTerms, LeverValue, default_scenario, round_for_display, run,
};
use coreweave_whatif::report::format::signed_pct;
use coreweave_whatif::ui::{BaselineSource, Command, WhatIfApp};
use rust_decimal::Decimal;
use serde_json::Value;

mod common;
use common::{cli, harness, scratch_dir};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// The memo and both chart images written under `dir` as `memo.md`.
fn written(dir: &Path) -> [String; 3] {
    [
        read(&dir.join("memo.md")),
        read(&dir.join("memo-cash.svg")),
        read(&dir.join("memo-headroom.svg")),
    ]
}

#[test]
fn memo_default_writes_what_the_app_exports_for_the_embedded_scenario() {
    let dir = scratch_dir("cli-memo-default");
    let (cli_dir, app_dir) = (dir.join("cli"), dir.join("app"));
    for sub in [&cli_dir, &app_dir] {
        std::fs::create_dir_all(sub).expect("a scratch directory");
    }
    let out = cli_dir.join("memo.md");
    let printed = cli(&["memo", "default", "--out", out.to_str().expect("utf-8")]).expect("runs");
    assert!(printed.is_empty(), "the files are the output: {printed}");

    let app = WhatIfApp::with_default_scenario();
    app.export_memo(&app_dir.join("memo.md"))
        .expect("the app exports its memo");

    let [cli_text, cli_cash, cli_headroom] = written(&cli_dir);
    let [app_text, app_cash, app_headroom] = written(&app_dir);
    assert!(
        cli_text.starts_with("# Scenario memo: ") && cli_text.contains("Source: `s1-base`."),
        "{cli_text}"
    );
    assert!(cli_text.contains("![Cash and liquidity](memo-cash.svg)"));
    assert_eq!(cli_text, app_text, "the same memo from both front ends");
    assert_eq!(cli_cash, app_cash, "the same cash chart");
    assert_eq!(cli_headroom, app_headroom, "the same headroom chart");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn memo_with_set_and_baseline_matches_the_app_with_the_same_edit_and_pin() {
    let dir = scratch_dir("cli-memo-baseline");
    let (cli_dir, app_dir) = (dir.join("cli"), dir.join("app"));
    for sub in [&cli_dir, &app_dir] {
        std::fs::create_dir_all(sub).expect("a scratch directory");
    }
    let preset = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/management-plan.ron");
    let out = cli_dir.join("memo.md");
    cli(&[
        "memo",
        preset.to_str().expect("utf-8"),
        "--set",
        "rates.sofr_pct=7",
        "--baseline",
        "default",
        "--out",
        out.to_str().expect("utf-8"),
    ])
    .expect("runs");

    let mut harness = harness();
    harness.state_mut().open_path(&preset);
    harness.run();
    harness.state_mut().submit(Command::SetLever {
        path: "rates.sofr_pct".to_owned(),
        value: LeverValue::Number(Decimal::from(7)),
        dragging: false,
    });
    harness
        .state_mut()
        .submit(Command::PinBaseline(BaselineSource::Shipped(
            "s1-base".to_owned(),
        )));
    harness.run();
    assert_eq!(harness.state().error(), None);
    harness
        .state()
        .export_memo(&app_dir.join("memo.md"))
        .expect("the app exports its memo");

    let [cli_text, cli_cash, cli_headroom] = written(&cli_dir);
    let [app_text, app_cash, app_headroom] = written(&app_dir);
    for expected in [
        "Source: `management-plan.ron`.",
        "Baseline: s1-base.",
        "| SOFR | `rates.sofr_pct` | 7 % |",
    ] {
        assert!(cli_text.contains(expected), "{expected} in\n{cli_text}");
    }
    assert!(
        cli_cash.contains(">Baseline cash<"),
        "the baseline is drawn"
    );
    assert_eq!(cli_text, app_text, "the same memo from both front ends");
    assert_eq!(cli_cash, app_cash);
    assert_eq!(cli_headroom, app_headroom);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn memo_names_a_baseline_that_does_not_load() {
    let dir = scratch_dir("cli-memo-bad-baseline");
    let out = dir.join("memo.md");
    let err = cli(&[
        "memo",
        "default",
        "--baseline",
        "/nonexistent/base.ron",
        "--out",
        out.to_str().expect("utf-8"),
    ])
    .expect_err("no such baseline");
    assert!(err.contains("/nonexistent/base.ron"), "{err}");
    assert!(
        !out.exists(),
        "nothing is written when the memo cannot be made"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn kpis_money_is_to_the_cent_unless_exact() {
    let outcome = run(&default_scenario()).expect("s1-base runs");
    let exact = outcome.kpis.min_cash;
    let json =
        |args: &[&str]| -> Value { serde_json::from_str(&cli(args).expect("runs")).expect("json") };
    let readable = json(&["kpis", "default", "--format", "json"]);
    assert_eq!(
        readable["min_cash"],
        format!("{:.2}", round_for_display(exact)),
        "rounded to $0.01M"
    );
    let full = json(&["kpis", "default", "--format", "json", "--exact"]);
    assert_eq!(full["min_cash"], exact.normalize().to_string());

    let text = cli(&["kpis", "default"]).expect("runs");
    let scenario = default_scenario().into_scenario();
    for covenant in &outcome.kpis.covenants {
        let line = text
            .lines()
            .find(|line| line.starts_with(&format!("covenant {:<8} ", covenant.id)))
            .unwrap_or_else(|| panic!("no line for {} in\n{text}", covenant.id));
        let is_liquidity = scenario
            .covenants
            .iter()
            .any(|c| c.id == covenant.id && matches!(c.terms, CovenantTerms::MinLiquidity { .. }));
        if is_liquidity {
            assert!(
                line.contains("min headroom -$") && !line.contains('%'),
                "liquidity headroom is money, short of the threshold: {line}"
            );
        } else if let Some(pct) = covenant.min_headroom_pct {
            let expected = format!("min headroom {}", signed_pct(pct));
            assert!(line.contains(&expected), "{expected} in {line}");
        }
    }
}

#[test]
fn run_json_money_is_to_the_cent_unless_exact() {
    let outcome = run(&default_scenario()).expect("s1-base runs");
    let doc =
        |args: &[&str]| -> Value { serde_json::from_str(&cli(args).expect("runs")).expect("json") };
    let readable = doc(&["run", "default", "--format", "json"]);
    for (t, row) in outcome.months.iter().enumerate() {
        let cash = &readable["months"][t]["cash"];
        assert_eq!(
            *cash,
            format!("{:.2}", round_for_display(row.cash)),
            "cash in row {t}"
        );
    }
    assert_eq!(
        readable["kpis"]["funding_need"],
        format!("{:.2}", round_for_display(outcome.kpis.funding_need))
    );
    let full = doc(&["run", "default", "--format", "json", "--exact"]);
    assert_eq!(
        full["months"][0]["cash"],
        outcome.months[0].cash.normalize().to_string()
    );
}
