//! Shipped presets load, validate and round-trip; every bad input is refused with a message
//! that names the file, the place and the field, and loses nothing.

use std::fs;
use std::path::PathBuf;

use coreweave_whatif::io;
use coreweave_whatif::model::{
    PresetError, SHIPPED_PRESETS, default_scenario, parse_preset, parse_scenario, run, to_ron,
};

mod common;
use common::scratch_dir;

#[test]
fn every_shipped_preset_loads_runs_and_round_trips() {
    for (stem, text) in SHIPPED_PRESETS {
        let valid = parse_preset(text).unwrap_or_else(|err| panic!("{stem}: {err}"));
        run(&valid).unwrap_or_else(|err| panic!("{stem}: {err}"));
        let written = to_ron(valid.scenario()).expect("serialises");
        let again = parse_preset(&written)
            .unwrap_or_else(|err| panic!("{stem} after save: {err}\n{written}"));
        assert_eq!(again, valid, "{stem}: load → save → load is equal");
        assert_eq!(
            to_ron(again.scenario()).expect("serialises"),
            written,
            "{stem}: saving is stable"
        );
        assert!(
            !valid.scenario().meta.description.is_empty(),
            "{stem} has a description"
        );
        assert!(
            !valid.scenario().meta.sources.is_empty(),
            "{stem} has source notes"
        );
    }
}

#[test]
fn shipped_files_are_the_embedded_ones() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("presets");
    for (stem, text) in SHIPPED_PRESETS {
        let on_disk = fs::read_to_string(dir.join(format!("{stem}.ron"))).expect("preset file");
        assert_eq!(on_disk, text, "{stem}");
    }
}

#[test]
fn files_round_trip_through_disk() {
    let dir = scratch_dir("roundtrip");
    let path = dir.join("copy.ron");
    let scenario = default_scenario();
    io::save(&path, scenario.scenario()).expect("saves");
    assert_eq!(io::load(&path).expect("loads"), scenario);
    let leftovers: Vec<_> = fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");
}

/// The default preset with one line replaced.
fn edited(from: &str, to: &str) -> String {
    let text = SHIPPED_PRESETS[0].1;
    assert!(text.contains(from), "test setup: `{from}` not in s1-base");
    text.replacen(from, to, 1)
}

fn error_of(text: &str) -> String {
    parse_preset(text)
        .expect_err("should be refused")
        .to_string()
}

#[test]
fn malformed_ron_reports_line_and_column() {
    let text = edited("horizon_months: 72,", "horizon_months: 72,,");
    let err = parse_preset(&text).expect_err("two commas");
    let line = text.lines().position(|l| l.contains("72,,")).expect("line") + 1;
    match err {
        PresetError::Syntax { line: got, .. } => assert_eq!(got, line, "{err}"),
        other => panic!("expected a syntax error, got {other}"),
    }
}

#[test]
fn a_negative_term_names_line_and_field() {
    let err = error_of(&edited(
        "start: \"2025-10\", term_months: 60",
        "start: \"2025-10\", term_months: -60",
    ));
    assert!(err.contains("contracts[3].term_months"), "{err}");
    assert!(err.starts_with("line "), "{err}");
}

#[test]
fn unknown_fields_are_refused_by_name() {
    let err = error_of(&edited(
        "horizon_months: 72,",
        "horizon_months: 72,\n    horizon_years: 6,",
    ));
    assert!(err.contains("horizon_years"), "{err}");
}

#[test]
fn meaningless_values_report_their_path() {
    let cases = [
        (
            ("horizon_months: 72", "horizon_months: 200"),
            "horizon_months: 200 is too high: must be between 12 and 120 months",
        ),
        (
            ("horizon_months: 72", "horizon_months: 6"),
            "horizon_months: 6 is too low: must be between 12 and 120 months",
        ),
        (
            ("every: 3, from: \"2025-03\"", "every: 0, from: \"2025-03\""),
            "ddtl1.amortization.every: 0 is too low: must be between 1 and 12 months",
        ),
        (
            ("rates: (sofr_pct: \"4.30\")", "rates: (sofr_pct: \"-1\")"),
            "rates.sofr_pct: -1 is too low: must be between 0 and 15 %",
        ),
        (
            (
                "total_value: \"11900\"",
                "total_value: \"10000000000000000000000000\"",
            ),
            "openai.total_value: 10000000000000000000000000 is too high: must be between 0 and 60000 $M",
        ),
        (
            ("floor: \"25\"", "floor: \"0\""),
            "liquidity.floor: 0 is too low: must be between 1 and 10000 $M",
        ),
    ];
    for ((from, to), expected) in cases {
        let err = error_of(&edited(from, to));
        assert!(err.contains(expected), "{to}: got `{err}`");
    }
}

#[test]
fn absurd_numbers_are_errors_not_crashes() {
    for absurd in [
        "\"1e40\"",
        "\"79228162514264337593543950336\"",
        "1e300",
        "\"NaN\"",
        "\"\"",
    ] {
        let text = edited("total_value: \"11900\"", &format!("total_value: {absurd}"));
        let err = error_of(&text);
        assert!(err.contains("total_value"), "{absurd}: {err}");
    }
}

#[test]
fn broken_references_name_the_referring_field() {
    let cases = [
        (
            ("pledged_to: \"ddtl2\"", "pledged_to: \"ddtl9\""),
            "microsoft.pledged_to: no facility has the id `ddtl9`",
        ),
        (
            ("of_facility: \"ddtl2\"", "of_facility: \"nope\""),
            "liquidity.of_facility: no facility has the id `nope`",
        ),
        (
            ("Dscr(facility: \"ddtl2\"", "Dscr(facility: \"gone\""),
            "dscr.facility: no facility has the id `gone`",
        ),
        (
            (
                "customer: \"Microsoft\", cut_pct: \"0\"",
                "customer: \"Microsoftt\", cut_pct: \"0\"",
            ),
            "microsoft_cut.customer: no contract is with the customer `Microsoftt`",
        ),
        (
            ("(id: \"nvidia\"", "(id: \"microsoft\""),
            "contracts[1].id: `microsoft` is used by another item",
        ),
        (
            ("(id: \"nvidia\"", "(id: \"Nvidia\""),
            "contracts[1].id: `Nvidia` is not an id",
        ),
        (
            ("(id: \"nvidia\"", "(id: \"rates\""),
            "contracts[1].id: `rates` is a section name",
        ),
        (
            (
                "\"opening.cash\":",
                "\"opening.cashh\": \"x\", \"ghost.total_value\":",
            ),
            "meta.sources[\"ghost.total_value\"]: names no input",
        ),
    ];
    for ((from, to), expected) in cases {
        let err = error_of(&edited(from, to));
        assert!(err.contains(expected), "{to}: got `{err}`");
    }
}

#[test]
fn a_newer_format_asks_for_an_update() {
    let text = edited(
        "format_version: 3",
        "format_version: 4,\n        future_field: true",
    );
    assert_eq!(
        parse_preset(&text).expect_err("newer"),
        PresetError::NewerFormat {
            found: 4,
            supported: 3
        },
        "the version is checked before the unknown field"
    );
}

#[test]
fn a_revolver_with_a_schedule_is_refused() {
    let text = edited(
        "commitment: \"650\",",
        "commitment: \"650\",\n            draws: (total: \"100\", from: \"2025-01\", months: 1),",
    );
    assert!(
        error_of(&text).contains("revolver.draws.total"),
        "{}",
        error_of(&text)
    );
}

#[test]
fn file_errors_name_the_file() {
    let dir = scratch_dir("errors");
    let bad = dir.join("bad.ron");
    fs::write(&bad, edited("horizon_months: 72", "horizon_months: 7000")).expect("write");
    let err = io::load(&bad).expect_err("invalid").to_string();
    assert!(
        err.contains("bad.ron") && err.contains("horizon_months"),
        "{err}"
    );

    let missing = dir.join("missing.ron");
    assert!(
        io::load(&missing)
            .expect_err("missing")
            .to_string()
            .contains("missing.ron")
    );

    let binary = dir.join("binary.ron");
    fs::write(&binary, [0xff, 0xfe, 0x00]).expect("write");
    assert!(
        io::load(&binary)
            .expect_err("binary")
            .to_string()
            .contains("UTF-8")
    );

    let huge = dir.join("huge.ron");
    fs::write(&huge, vec![b' '; (io::MAX_PRESET_BYTES + 1) as usize]).expect("write");
    assert!(matches!(
        io::load(&huge),
        Err(io::FileError::TooLarge { .. })
    ));
}

#[test]
fn a_failed_save_leaves_the_old_file_whole() {
    let dir = scratch_dir("atomic");
    // A directory where the file should go: the rename fails after the temporary file is written.
    let target = dir.join("taken.ron");
    fs::create_dir(&target).expect("dir");
    fs::write(target.join("inside"), "keep").expect("write");
    let err =
        io::save(&target, default_scenario().scenario()).expect_err("cannot replace a directory");
    assert!(err.to_string().contains("taken.ron"), "{err}");
    assert_eq!(
        fs::read_to_string(target.join("inside")).expect("still there"),
        "keep"
    );
    let names: Vec<String> = fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec!["taken.ron".to_owned()],
        "the temporary file was removed"
    );

    // Overwriting a real preset replaces it whole.
    let path = dir.join("preset.ron");
    fs::write(&path, "old").expect("write");
    io::save(&path, default_scenario().scenario()).expect("saves");
    assert!(parse_scenario(&fs::read_to_string(&path).expect("read")).is_ok());
}

#[test]
fn monte_carlo_distributions_are_checked_by_path() {
    let valid = parse_preset(SHIPPED_PRESETS[0].1).expect("s1-base");
    let spec = valid
        .scenario()
        .montecarlo
        .as_ref()
        .expect("s1-base carries distributions");
    assert_eq!((spec.seed, spec.runs, spec.levers.len()), (2025, 10000, 4));
    // The whole-month levers draw each month with the same chance, and say so as they are written.
    assert_eq!(spec.levers[3].1.to_string(), "int:0:6");
    let cases = [
        (
            (
                "(\"rates.sofr_pct\", Triangular",
                "(\"rates.sofr\", Triangular",
            ),
            "montecarlo.levers[1]",
        ),
        (
            (
                "probabilities: [\"0.4\", \"0.3\", \"0.2\", \"0.1\"]",
                "probabilities: [\"0.4\", \"0.3\", \"0.2\", \"0.2\"]",
            ),
            "montecarlo.levers[0]",
        ),
        (("runs: 10000", "runs: 0"), "montecarlo.runs"),
        (
            (
                "Int(min: \"0\", max: \"6\")",
                "Int(min: \"0\", max: \"6.5\")",
            ),
            "montecarlo.levers[3]",
        ),
        (
            (
                "Int(min: \"3\", max: \"12\")",
                "Int(min: \"12\", max: \"3\")",
            ),
            "montecarlo.levers[2]",
        ),
    ];
    for ((from, to), expected) in cases {
        let err = error_of(&edited(from, to));
        assert!(err.contains(expected), "{to}: got `{err}`");
    }
}
