//! Version-1 presets run exactly as before model v2 (spec §6: every new field at its default
//! gives the v1 ledger). `tests/fixtures/v1/` holds the five presets as they shipped with the
//! v1 engine and `tests/golden/` the CSV ledger that engine printed for each, every digit.
//!
//! Regenerate only with a v1 build: these files are the contract, not a snapshot of today.

use std::path::Path;

use coreweave_whatif::model::{parse_preset, run, to_ron};
use coreweave_whatif::report::exact_ledger_csv as ledger_csv;

const V1_PRESETS: [&str; 5] = [
    "s1-base",
    "ipo-as-priced",
    "management-plan",
    "bear-case",
    "actual-2025",
];

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

#[test]
fn every_v1_ledger_is_unchanged_to_the_digit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for stem in V1_PRESETS {
        let preset = read(&root.join("fixtures/v1").join(format!("{stem}.ron")));
        let golden = read(&root.join("golden").join(format!("{stem}.csv")));
        let valid = parse_preset(&preset).unwrap_or_else(|err| panic!("{stem}: {err}"));
        assert_eq!(
            valid.scenario().meta.format_version,
            1,
            "{stem} is a v1 file"
        );
        let ledger = ledger_csv(&run(&valid).expect("runs"));
        if ledger != golden {
            let (line, (now, then)) = ledger
                .lines()
                .zip(golden.lines())
                .enumerate()
                .find(|(_, (now, then))| now != then)
                .unwrap_or((0, ("(lengths differ)", "")));
            panic!(
                "{stem}: the v1 ledger moved at line {}\n now: {now}\n was: {then}",
                line + 1
            );
        }
    }
}

#[test]
fn a_v1_scenario_saves_as_v1_with_no_new_fields() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1");
    for stem in V1_PRESETS {
        let valid = parse_preset(&read(&root.join(format!("{stem}.ron")))).expect("parses");
        let text = to_ron(valid.scenario()).expect("writes");
        assert!(text.contains("format_version: 1"), "{stem} keeps format 1");
        for v2_field in [
            "revenue_per_mw_month",
            "fill_months",
            "profile",
            "funds",
            "market",
            "reported",
            "cost_per_mw_month",
        ] {
            assert!(
                !text.contains(v2_field),
                "{stem} wrote the v2 field {v2_field}"
            );
        }
        let again = parse_preset(&text).expect("reads back");
        assert_eq!(again.scenario(), valid.scenario(), "{stem} round-trips");
    }
}
