//! The CLI, driven in-process (and once through the real binary for exit codes).

use clap::Parser;
use coreweave_whatif::cli::{Cli, execute};
use coreweave_whatif::model::{BASE_COLUMNS, default_scenario, run};
use coreweave_whatif::report::format::grouped;
use serde_json::Value;

mod common;

/// Runs `coreweave-whatif ARGS…` in-process: (succeeded as a check, stdout) or the error text.
fn cli(args: &[&str]) -> Result<(bool, String), String> {
    let parsed =
        Cli::try_parse_from(std::iter::once("coreweave-whatif").chain(args.iter().copied()))
            .map_err(|err| err.to_string())?;
    let command = parsed.command.ok_or("no subcommand")?;
    let mut out = Vec::new();
    let ok = execute(command, &mut out).map_err(|err| format!("{err:#}"))?;
    Ok((ok, String::from_utf8(out).map_err(|err| err.to_string())?))
}

fn stdout(args: &[&str]) -> String {
    cli(args).unwrap_or_else(|err| panic!("{args:?}: {err}")).1
}

#[test]
fn run_csv_has_every_spec_column_and_exact_values() {
    // `--exact`: money is rounded to $0.01M unless asked for in full (issue 13).
    let csv = stdout(&["run", "default", "--format", "csv", "--exact"]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(&header[..BASE_COLUMNS.len()], &BASE_COLUMNS[..]);
    for column in [
        "revenue.openai",
        "ddtl2.balance",
        "ddtl2.interest",
        "revolver.draw",
        "dscr.headroom_pct",
        "liquidity.breach",
    ] {
        assert!(header.contains(&column), "{column} in {header:?}");
    }
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split(',').collect()).collect();
    assert_eq!(rows.len(), 72);
    let outcome = run(&default_scenario()).expect("runs");
    let cash = header
        .iter()
        .position(|c| *c == "cash")
        .expect("cash column");
    for (t, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), header.len(), "row {t}");
        assert_eq!(
            row[cash],
            outcome.months[t].cash.normalize().to_string(),
            "cash in row {t} is exact"
        );
    }
}

#[test]
fn run_json_holds_scenario_months_and_kpis() {
    let doc: Value = serde_json::from_str(&stdout(&[
        "run",
        "default",
        "--format",
        "json",
        "--set",
        "rates.sofr_pct=5",
    ]))
    .expect("json");
    assert_eq!(
        doc["scenario"]["rates"]["sofr_pct"], "5",
        "the override is in the echoed scenario"
    );
    let months = doc["months"].as_array().expect("months");
    assert_eq!(months.len(), 72);
    assert_eq!(months[0]["month"], "2025-01");
    assert!(months[0]["cash"].is_string(), "decimals are strings");
    assert!(
        months[0]["dscr.value"].is_null(),
        "untested covenant months are null"
    );
    assert!(
        months[2]["dscr.value"].is_string(),
        "tested at the quarter end"
    );
    assert!(doc["kpis"]["funding_need"].is_string());
}

#[test]
fn run_writes_to_a_file_with_out() {
    let path = std::env::temp_dir().join(format!("cw-ledger-{}.csv", std::process::id()));
    let (_, printed) = cli(&[
        "run",
        "default",
        "--format",
        "csv",
        "--out",
        path.to_str().expect("utf-8 path"),
    ])
    .expect("runs");
    assert!(printed.is_empty());
    let written = std::fs::read_to_string(&path).expect("written");
    assert_eq!(written, stdout(&["run", "default", "--format", "csv"]));
    let _ = std::fs::remove_file(path);
}

#[test]
fn table_is_aligned_and_rounded() {
    let table = stdout(&["run", "default"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 73);
    assert!(lines[0].trim_start().starts_with("month"));
    assert!(lines[1].starts_with("2025-01"));
    assert!(
        lines[1].contains("654.45"),
        "cash rounded to $0.01M: {}",
        lines[1]
    );
}

#[test]
fn kpis_text_and_json_agree() {
    let text = stdout(&["kpis", "default"]);
    assert!(
        text.contains("runway_month     cash goes below zero in 2025-10"),
        "{text}"
    );
    assert!(
        text.contains("first_breach     liquidity in 2025-10"),
        "{text}"
    );
    let json: Value =
        serde_json::from_str(&stdout(&["kpis", "default", "--format", "json"])).expect("json");
    assert_eq!(json["runway_month"], "2025-10");
    assert_eq!(json["first_breach"]["covenant"], "liquidity");
}

#[test]
fn set_overrides_move_the_kpis() {
    let base: Value =
        serde_json::from_str(&stdout(&["kpis", "default", "--format", "json"])).expect("json");
    let delayed: Value = serde_json::from_str(&stdout(&[
        "kpis",
        "default",
        "--format",
        "json",
        "--set",
        "core_scientific.delay_months=12",
        "--set",
        "core_scientific.delay_policy=Truncate",
    ]))
    .expect("json");
    let need = |v: &Value| {
        v["funding_need"]
            .as_str()
            .and_then(|s| s.parse::<f64>().ok())
            .expect("decimal")
    };
    assert!(
        need(&delayed) > need(&base),
        "a year's delay with lost revenue needs more money"
    );
}

#[test]
fn show_prints_the_resolved_scenario() {
    let ron = stdout(&["show", "default", "--set", "openai.ramp_months=9"]);
    let scenario =
        coreweave_whatif::model::parse_preset(&ron).expect("show's RON is a valid preset");
    assert_eq!(scenario.scenario().contracts[3].ramp_months, 9);
    let json: Value =
        serde_json::from_str(&stdout(&["show", "default", "--format", "json"])).expect("json");
    assert_eq!(json["facilities"][1]["id"], "ddtl2");
    assert_eq!(json["facilities"][1]["opening_balance"], "3843.8");
}

#[test]
fn bad_set_names_the_path() {
    let err = cli(&["kpis", "default", "--set", "ddtl9.spread_pct=3"]).expect_err("unknown");
    assert!(err.contains("unknown lever `ddtl9.spread_pct`"), "{err}");
    let err = cli(&["kpis", "default", "--set", "rates.sofr_pct=40"]).expect_err("range");
    assert!(
        err.contains("rates.sofr_pct: 40 is too high: must be between 0 and 15 %"),
        "{err}"
    );
}

#[test]
fn levers_json_lists_the_registry() {
    let json: Value = serde_json::from_str(&stdout(&["levers", "--format", "json"])).expect("json");
    let levers = json.as_array().expect("array");
    let find = |path: &str| {
        levers
            .iter()
            .find(|l| l["path"] == path)
            .unwrap_or_else(|| panic!("{path}"))
    };
    let sofr = find("rates.sofr_pct");
    assert_eq!(
        (
            sofr["kind"].as_str(),
            sofr["min"].as_str(),
            sofr["max"].as_str(),
            sofr["unit"].as_str()
        ),
        (Some("number"), Some("0"), Some("15"), Some("%"))
    );
    assert_eq!(sofr["group"], "Interest rates");
    assert!(sofr["source"].is_string());
    let start = find("openai.start");
    assert_eq!(
        (start["kind"].as_str(), start["step"].as_i64()),
        (Some("month"), Some(1))
    );
    assert!(start["min"].as_str().is_some_and(|m| m.len() == 7));
    let policy = find("core_scientific.delay_policy");
    assert_eq!(policy["kind"], "choice");
    assert_eq!(policy["choices"], serde_json::json!(["Shift", "Truncate"]));
    for lever in levers {
        for key in ["path", "label", "group", "unit", "kind", "source"] {
            assert!(lever.get(key).is_some(), "{key} in {lever}");
        }
    }
    assert!(stdout(&["levers"]).contains("Interest rates\n  rates.sofr_pct"));
}

#[test]
fn check_reports_each_preset_and_fails_if_any_is_bad() {
    let dir = std::env::temp_dir().join(format!("cw-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let bad = dir.join("bad.ron");
    std::fs::write(&bad, "(meta: (name: \"x\", format_version: 1))").expect("write");
    let presets = concat!(env!("CARGO_MANIFEST_DIR"), "/presets/s1-base.ron");
    let (ok, text) = cli(&["check", presets, "default"]).expect("runs");
    assert!(ok, "{text}");
    let (ok, text) = cli(&["check", presets, bad.to_str().expect("utf-8")]).expect("runs");
    assert!(!ok);
    assert!(text.contains("FAIL") && text.contains("bad.ron"), "{text}");

    // Through the real binary: the exit code is what scripts see.
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_coreweave-whatif"))
        .args(["check", presets])
        .status()
        .expect("runs");
    assert!(status.success());
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_coreweave-whatif"))
        .args(["check", bad.to_str().expect("utf-8")])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let _ = std::fs::remove_dir_all(dir);
}

const ACTUAL_2025: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/presets/actual-2025.ron");

#[test]
fn backtest_prints_every_reported_figure_beside_the_models() {
    let text = stdout(&["backtest", ACTUAL_2025]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].contains("the model beside 13 reported figures"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("month")
            && lines[1].contains("reported")
            && lines[1].ends_with("error")
    );
    // The Q2 2025 revenue row: reported $1,212.8M, the model's sum of April to June.
    let outcome = run(&coreweave_whatif::model::parse_preset(
        &std::fs::read_to_string(ACTUAL_2025).expect("read"),
    )
    .expect("valid"))
    .expect("runs");
    let q2: rust_decimal::Decimal = outcome.months[3..6].iter().map(|row| row.revenue).sum();
    let row = lines
        .iter()
        .find(|line| line.starts_with("2025-06  Quarterly revenue"))
        .unwrap_or_else(|| panic!("no Q2 revenue row in\n{text}"));
    // Money is grouped as everywhere else in the app and the CLI.
    assert!(row.contains("$1,212.80M"), "{row}");
    assert!(
        row.contains(&format!("${}M", grouped(q2, 2))),
        "{row} vs model {q2}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("2025-03  Power online") && line.contains("420 MW"))
    );
    let mean = outcome.kpis.backtest_error_pct.expect("reports figures");
    assert_eq!(
        lines.last().copied(),
        Some(format!("mean absolute error {:.1} %", mean.round_dp(1)).as_str())
    );
}

#[test]
fn backtest_json_has_rows_and_the_mean_and_follows_set() {
    let json: Value = serde_json::from_str(&stdout(&["backtest", ACTUAL_2025, "--format", "json"]))
        .expect("json");
    let rows = json["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 13);
    assert_eq!(rows[0]["month"], "2025-03");
    assert_eq!(rows[0]["figure"], "revenue_quarter");
    assert_eq!(rows[0]["reported"], "981.6");
    let mean: f64 = json["mean_absolute_error_pct"]
        .as_str()
        .expect("mean")
        .parse()
        .expect("number");
    let from_rows: f64 = rows
        .iter()
        .map(|row| {
            row["error_pct"]
                .as_str()
                .and_then(|e| e.parse::<f64>().ok())
                .expect("error")
                .abs()
        })
        .sum::<f64>()
        / rows.len() as f64;
    assert!(
        (mean - from_rows).abs() < 0.01,
        "mean {mean} vs rows {from_rows}"
    );
    // A lever moves the model's figures, never the reported ones.
    let slower: Value = serde_json::from_str(&stdout(&[
        "backtest",
        ACTUAL_2025,
        "--set",
        "own_q1.revenue_per_mw_month=0",
        "--format",
        "json",
    ]))
    .expect("json");
    assert_eq!(slower["rows"][0]["reported"], "981.6");
    assert_ne!(slower["rows"][0]["model"], json["rows"][0]["model"]);
}

#[test]
fn backtest_of_a_preset_that_reports_nothing_says_so_and_succeeds() {
    let v1 = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v1/s1-base.ron");
    let (ok, text) = cli(&["backtest", v1]).expect("runs");
    assert!(ok);
    assert!(text.contains("no reported figures to compare"), "{text}");
    let json: Value =
        serde_json::from_str(&stdout(&["backtest", v1, "--format", "json"])).expect("json");
    assert_eq!(json["rows"], Value::Array(Vec::new()));
    assert_eq!(json["mean_absolute_error_pct"], Value::Null);
}

/// Each bad input's message as the real binary prints it, one per case.
fn stderr_of(args: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_coreweave-whatif"))
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(!output.status.success(), "{args:?} should fail");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn every_error_is_said_once() {
    let dir = common::scratch_dir("errors-once");
    let preset =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/presets/s1-base.ron"))
            .expect("read s1-base");
    let bad_pledge = dir.join("bad-pledge.ron");
    std::fs::write(
        &bad_pledge,
        preset.replacen("pledged_to: \"ddtl2\")", "pledged_to: \"ddtl9\")", 1),
    )
    .expect("write");
    let bad_syntax = dir.join("bad-syntax.ron");
    std::fs::write(
        &bad_syntax,
        preset.replacen("horizon_months: 72", "horizon_months: \"72\"", 1),
    )
    .expect("write");
    let bad_pledge = bad_pledge.to_str().expect("utf-8 path");
    let bad_syntax = bad_syntax.to_str().expect("utf-8 path");
    let cases: [&[&str]; 8] = [
        &["kpis", bad_pledge],
        &["run", bad_syntax],
        &["kpis", "/nonexistent/preset.ron"],
        &["kpis", "default", "--set", "rates.sofr_pct=99"],
        &["kpis", "default", "--set", "nosuch.lever=1"],
        &["kpis", "default", "--set", "rates.sofr_pct"],
        &[
            "solve",
            "default",
            "--lever",
            "rates.sofr_pct",
            "--until",
            "nonsense",
        ],
        &["tornado", "default", "--kpi", "nonsense"],
    ];
    for args in cases {
        let message = stderr_of(args);
        assert_eq!(message.matches("error:").count(), 1, "{args:?}: {message}");
        // Split into clauses; a layer repeating its source repeats a whole clause.
        let clauses: Vec<&str> = message
            .split([':', '\n'])
            .map(str::trim)
            .filter(|clause| clause.len() > 12)
            .collect();
        for (i, clause) in clauses.iter().enumerate() {
            assert!(
                !clauses[i + 1..].contains(clause),
                "{args:?} says `{clause}` twice: {message}"
            );
        }
    }
    let (ok, text) = cli(&["check", bad_pledge]).expect("check runs");
    assert!(!ok);
    assert_eq!(
        text.matches("no facility has the id `ddtl9`").count(),
        1,
        "{text}"
    );
}

#[test]
fn levers_takes_the_preset_as_its_argument_like_every_subcommand() {
    // actual-2025's own items name levers the default scenario does not have.
    let actual = stdout(&["levers", ACTUAL_2025]);
    assert!(actual.contains("  ddtl3.spread_pct "), "{actual}");
    let default = stdout(&["levers"]);
    assert!(!default.contains("ddtl3."), "{default}");
    assert_eq!(
        stdout(&["levers", "default"]),
        default,
        "`default` is the default"
    );

    let json: Value =
        serde_json::from_str(&stdout(&["levers", ACTUAL_2025, "--format", "json"])).expect("json");
    assert!(
        json.as_array()
            .expect("array")
            .iter()
            .any(|lever| lever["path"] == "ddtl3.spread_pct"),
        "the JSON list follows the preset too"
    );
}

#[test]
fn levers_still_reads_the_former_preset_option_but_not_both_forms() {
    assert_eq!(
        stdout(&["levers", "--preset", ACTUAL_2025]),
        stdout(&["levers", ACTUAL_2025]),
        "`--preset FILE` is a hidden alias of the argument"
    );
    let err = cli(&["levers", "default", "--preset", ACTUAL_2025]).expect_err("two presets");
    assert!(err.contains("cannot be used with"), "{err}");
    let help = cli(&["levers", "--help"]).expect_err("help exits early");
    assert!(help.contains("[PRESET]"), "{help}");
    assert!(
        !help.contains("--preset"),
        "the alias stays out of the help: {help}"
    );
}
