//! Exact numbers or a clear refusal (#10): a decimal that cannot be read exactly is refused
//! with a message naming it, through `--set` and through a preset, never rounded; every legal
//! spelling still reads exactly.

use coreweave_whatif::model::{
    LeverValue, PresetError, SHIPPED_PRESETS, Scenario, apply_assignments, default_scenario, lever,
    parse_preset, to_ron,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

const TOO_MANY: &str = "4.300000000000000000000000000000000000001";
const TOO_SMALL: &str = "0.00000000000000000000000000001";
const TWO_TO_THE_96: &str = "79228162514264337593543950336";

fn set(assignment: &str) -> Result<Scenario, String> {
    let mut scenario = default_scenario().scenario().clone();
    apply_assignments(&mut scenario, &[assignment])
        .map(|()| scenario)
        .map_err(|err| err.to_string())
}

fn number_at(scenario: &Scenario, path: &str) -> Decimal {
    match lever(scenario, path).expect("lever").value {
        LeverValue::Number(value) => value,
        other => panic!("{path} holds {other}"),
    }
}

#[test]
fn set_refuses_what_a_decimal_cannot_hold_exactly() {
    let cases = [
        (
            format!("rates.sofr_pct={TOO_MANY}"),
            format!("rates.sofr_pct: `{TOO_MANY}` has too many digits (a decimal keeps 28)"),
        ),
        (
            format!("rates.sofr_pct={TOO_SMALL}"),
            format!("rates.sofr_pct: `{TOO_SMALL}` has too many digits (a decimal keeps 28)"),
        ),
        (
            "rates.sofr_pct=1e30".to_owned(),
            "rates.sofr_pct: `1e30` has an exponent; use plain decimal notation".to_owned(),
        ),
        (
            "rates.sofr_pct=4.3E2".to_owned(),
            "rates.sofr_pct: `4.3E2` has an exponent; use plain decimal notation".to_owned(),
        ),
        (
            "rates.sofr_pct=4.3e-2".to_owned(),
            "rates.sofr_pct: `4.3e-2` has an exponent; use plain decimal notation".to_owned(),
        ),
        (
            format!("openai.total_value={TWO_TO_THE_96}"),
            format!("openai.total_value: `{TWO_TO_THE_96}` is too large for a decimal"),
        ),
        (
            format!("openai.total_value=-{TWO_TO_THE_96}0"),
            format!("openai.total_value: `-{TWO_TO_THE_96}0` is too large for a decimal"),
        ),
        (
            "rates.sofr_pct=4.3.0".to_owned(),
            "rates.sofr_pct: `4.3.0` is not a decimal number".to_owned(),
        ),
    ];
    for (assignment, expected) in cases {
        let err = set(&assignment).expect_err(&assignment);
        assert_eq!(err, expected, "{assignment}");
    }
}

#[test]
fn set_reads_legal_values_exactly() {
    let cases = [
        ("rates.sofr_pct=4.35", "rates.sofr_pct", dec!(4.35)),
        ("rates.sofr_pct= 4.35 ", "rates.sofr_pct", dec!(4.35)),
        (
            "rates.sofr_pct=0.0000000000000000000000000001",
            "rates.sofr_pct",
            dec!(0.0000000000000000000000000001),
        ),
        // Zeros beyond the 28th place change nothing, so nothing is lost by dropping them.
        (
            "rates.sofr_pct=4.3000000000000000000000000000000000",
            "rates.sofr_pct",
            dec!(4.3),
        ),
        (
            "ddtl1.opening_balance=2012.5",
            "ddtl1.opening_balance",
            dec!(2012.5),
        ),
        (
            "ddtl1.spread_pct=9.6200000000000001",
            "ddtl1.spread_pct",
            dec!(9.6200000000000001),
        ),
        ("openai.term_months=48", "openai.term_months", dec!(48)),
    ];
    for (assignment, path, expected) in cases {
        let scenario = set(assignment).unwrap_or_else(|err| panic!("{assignment}: {err}"));
        assert_eq!(number_at(&scenario, path), expected, "{assignment}");
    }
    // The largest decimal is read, and then judged against the lever's range, not its digits.
    let err = set("openai.total_value=79228162514264337593543950335").expect_err("out of range");
    assert!(err.contains("must be between 0 and 60000 $M"), "{err}");
}

/// The default preset with `from` replaced by `to` once, and where `to` begins (line, column).
fn edited(from: &str, to: &str) -> (String, (usize, usize)) {
    let text = SHIPPED_PRESETS[0].1;
    let at = text
        .find(from)
        .unwrap_or_else(|| panic!("test setup: `{from}` not in s1-base"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
    (text.replacen(from, to, 1), (line, column))
}

/// The refusal of the default preset edited at `from`, and the (line, column) of the edit.
fn refusal(from: &str, to: &str) -> (PresetError, (usize, usize)) {
    let (text, at) = edited(from, to);
    (parse_preset(&text).expect_err(to), at)
}

#[test]
fn presets_refuse_bare_numbers_that_f64_would_round() {
    // (edit, how far into `to` the number starts, field, message)
    let cases = [
        (
            ("sofr_pct: \"4.30\"", "sofr_pct: 4.3000000000000001"),
            10,
            "rates.sofr_pct",
            "`4.3000000000000001` has too many digits for a bare number (15 at most); quote it",
        ),
        (
            ("sofr_pct: \"4.30\"", "sofr_pct: 1e30"),
            10,
            "rates.sofr_pct",
            "`1e30` has an exponent; use plain decimal notation",
        ),
        (
            ("sofr_pct: \"4.30\"", "sofr_pct: 4.3E-2"),
            10,
            "rates.sofr_pct",
            "`4.3E-2` has an exponent; use plain decimal notation",
        ),
        (
            (
                "sofr_pct: \"4.30\"",
                "sofr_pct: 0.000000000000000000000000000001",
            ),
            10,
            "rates.sofr_pct",
            "`0.000000000000000000000000000001` has too many digits (a decimal keeps 28)",
        ),
        (
            (
                "total_value: \"11900\"",
                "total_value: 79228162514264337593543950336",
            ),
            13,
            "contracts[3].total_value",
            "`79228162514264337593543950336` is too large for a decimal",
        ),
        (
            (
                "total_value: \"11900\", start: \"2025-10\", term_months: 60",
                "total_value: \"11900\", start: \"2025-10\", term_months: 6e1",
            ),
            53,
            "contracts[3].term_months",
            "`6e1` has an exponent; use plain decimal notation",
        ),
        (
            (
                "total_value: \"11900\", start: \"2025-10\", term_months: 60",
                "total_value: \"11900\", start: \"2025-10\", term_months: 1000000000000000060",
            ),
            53,
            "contracts[3].term_months",
            "`1000000000000000060` has too many digits for a bare number (15 at most); quote it",
        ),
        (
            ("(offset: -6,", "(offset: -6e0,"),
            9,
            "capex.profile[0].offset",
            "`-6e0` has an exponent; use plain decimal notation",
        ),
        (
            ("seed: 2025", "seed: 2025202520252025"),
            6,
            "montecarlo.seed",
            "`2025202520252025` has too many digits for a bare number (15 at most); quote it",
        ),
    ];
    for ((from, to), offset, field, message) in cases {
        let (err, (line, column)) = refusal(from, to);
        let expected = PresetError::Syntax {
            line,
            column: column + offset,
            field: field.to_owned(),
            message: message.to_owned(),
        };
        assert_eq!(err, expected, "{to}: got `{err}`");
    }
    let (err, (line, column)) = refusal("sofr_pct: \"4.30\"", "sofr_pct: 4.3000000000000001");
    assert_eq!(
        err.to_string(),
        format!(
            "line {line}, column {}, rates.sofr_pct: `4.3000000000000001` has too many digits for a bare number (15 at most); quote it",
            column + 10
        )
    );
}

#[test]
fn presets_refuse_quoted_decimals_that_would_round() {
    let cases = [
        (
            format!("sofr_pct: \"{TOO_MANY}\""),
            "rates.sofr_pct",
            format!("`{TOO_MANY}` has too many digits (a decimal keeps 28)"),
        ),
        (
            format!("sofr_pct: \"{TOO_SMALL}\""),
            "rates.sofr_pct",
            format!("`{TOO_SMALL}` has too many digits (a decimal keeps 28)"),
        ),
        (
            "sofr_pct: \"4.3E2\"".to_owned(),
            "rates.sofr_pct",
            "`4.3E2` has an exponent; use plain decimal notation".to_owned(),
        ),
        (
            "sofr_pct: \"1e30\"".to_owned(),
            "rates.sofr_pct",
            "`1e30` has an exponent; use plain decimal notation".to_owned(),
        ),
    ];
    for (to, field, message) in cases {
        let (err, (line, _)) = refusal("sofr_pct: \"4.30\"", &to);
        match &err {
            PresetError::Syntax {
                line: got_line,
                field: got_field,
                message: got_message,
                ..
            } => assert_eq!(
                (*got_line, got_field.as_str(), got_message.as_str()),
                (line, field, message.as_str()),
                "{to}"
            ),
            other => panic!("{to}: expected a syntax error, got {other}"),
        }
    }
    let (err, _) = refusal(
        "total_value: \"11900\"",
        &format!("total_value: \"{TWO_TO_THE_96}\""),
    );
    assert!(
        err.to_string().ends_with(&format!(
            "contracts[3].total_value: `{TWO_TO_THE_96}` is too large for a decimal"
        )),
        "{err}"
    );
}

#[test]
fn presets_read_legal_numbers_exactly() {
    let cases = [
        (
            ("sofr_pct: \"4.30\"", "sofr_pct: 4.35"),
            "rates.sofr_pct",
            dec!(4.35),
        ),
        (
            ("sofr_pct: \"4.30\"", "sofr_pct: 1.23456789012345"),
            "rates.sofr_pct",
            dec!(1.23456789012345),
        ),
        (
            (
                "sofr_pct: \"4.30\"",
                "sofr_pct: \"4.3000000000000000000000000001\"",
            ),
            "rates.sofr_pct",
            dec!(4.3000000000000000000000000001),
        ),
        (
            ("spread_pct: \"9.62\"", "spread_pct: 9.62"),
            "ddtl1.spread_pct",
            dec!(9.62),
        ),
        (
            ("opening_balance: \"2012.5\"", "opening_balance: \"2012.5\""),
            "ddtl1.opening_balance",
            dec!(2012.5),
        ),
        (
            ("opening_balance: \"2012.5\"", "opening_balance: 2012.5"),
            "ddtl1.opening_balance",
            dec!(2012.5),
        ),
        (
            (
                "total_value: \"11900\", start: \"2025-10\", term_months: 60",
                "total_value: 11900, start: \"2025-10\", term_months: 48",
            ),
            "openai.term_months",
            dec!(48),
        ),
        (
            (
                "total_value: \"11900\", start: \"2025-10\", term_months: 60",
                "total_value: 11900, start: \"2025-10\", term_months: 60",
            ),
            "openai.total_value",
            dec!(11900),
        ),
        // Numbers in strings and comments are text, not numbers; `ddtl2` is a word.
        (
            (
                "sofr_pct: \"4.30\"",
                "sofr_pct: /* 1e30 /* 4.3000000000000001 */ */ \"4.30\" // 1e30\n",
            ),
            "rates.sofr_pct",
            dec!(4.30),
        ),
        (
            (
                "\"opening.cash\": \"[S] S-1:",
                "\"opening.cash\": \"[S] 1e30 4.3000000000000001 \\\" 1e30 S-1:",
            ),
            "opening.cash",
            dec!(1361),
        ),
        (
            ("sofr_pct: \"4.30\"", "sofr_pct: r#\"4.30\"#"),
            "rates.sofr_pct",
            dec!(4.30),
        ),
    ];
    for ((from, to), path, expected) in cases {
        let (text, _) = edited(from, to);
        let valid = parse_preset(&text).unwrap_or_else(|err| panic!("{to}: {err}"));
        assert_eq!(number_at(valid.scenario(), path), expected, "{to}");
    }
    // A negative bare offset in an integer field still reads.
    let (text, _) = edited("(offset: -6,", "(offset: -5,");
    let valid = parse_preset(&text).unwrap_or_else(|err| panic!("offset -5: {err}"));
    assert_eq!(valid.scenario().capex.profile[0].offset, -5);
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_preset() {
    for (stem, text) in SHIPPED_PRESETS {
        let with_mark = format!("\u{FEFF}{text}");
        assert_eq!(
            parse_preset(&with_mark).map_err(|err| err.to_string()),
            parse_preset(text).map_err(|err| err.to_string()),
            "{stem}"
        );
    }
    // Only a leading mark: one anywhere else is still an error.
    let (text, _) = edited("horizon_months: 72", "horizon_months: \u{FEFF}72");
    assert!(parse_preset(&text).is_err());
}

#[test]
fn a_source_note_given_twice_is_refused() {
    let (err, (line, _)) = refusal(
        "\"opening.cash\":",
        "\"opening.cash\": \"the first note\",\n            \"opening.cash\":",
    );
    match &err {
        PresetError::Syntax {
            line: got, field, ..
        } => {
            assert_eq!(*got, line + 1, "the line of the repeated key: {err}");
            assert_eq!(field, "meta.sources", "{err}");
        }
        other => panic!("expected a syntax error, got {other}"),
    }
    assert!(
        err.to_string()
            .ends_with("meta.sources: the key `opening.cash` is given twice"),
        "{err}"
    );
}

#[test]
fn every_shipped_preset_round_trips_unchanged() {
    for (stem, text) in SHIPPED_PRESETS {
        let valid = parse_preset(text).unwrap_or_else(|err| panic!("{stem}: {err}"));
        let written = to_ron(valid.scenario()).expect("serialises");
        let again = parse_preset(&written).unwrap_or_else(|err| panic!("{stem}: {err}"));
        assert_eq!(again, valid, "{stem}: every value survives the round trip");
        assert_eq!(
            to_ron(again.scenario()).expect("serialises"),
            written,
            "{stem}: the written text is stable"
        );
    }
}
