//! Syntax errors for the mistakes people make most carry a hint saying what to write.

use coreweave_whatif::model::parse_preset;

mod common;
use common::shipped;

fn error_after(stem: &str, from: &str, to: &str) -> String {
    let text = shipped(stem);
    assert!(text.contains(from), "test setup: `{from}` not in {stem}");
    parse_preset(&text.replacen(from, to, 1))
        .expect_err("refused")
        .to_string()
}

#[test]
fn common_mistakes_get_a_hint() {
    let cases = [
        (
            "s1-base",
            r#"start: "2025-10", term_months: 60"#,
            "start: 2025-10, term_months: 60",
            r#"contracts[3].start: Expected string — months are written quoted: "2025-10""#,
        ),
        (
            "s1-base",
            r#"opening: (cash: "1361""#,
            r#"opening: (cash: ["1361"]"#,
            "opening.cash: Expected a decimal number, preferably quoted (\"2012.5\") but found a sequence instead — one value goes here, not a list",
        ),
        (
            "actual-2025",
            r#"funds: (sites: ["own_q1", "own_q2", "own_h2"]"#,
            r#"funds: (sites: "own_q1""#,
            r#"facilities[1].funds.sites: Expected opening `[` — a list goes in brackets, even with one item: ["own_q1"]"#,
        ),
        (
            "s1-base",
            "horizon_months: 72",
            r#"horizon_months: "72""#,
            r#"horizon_months: Expected integer — whole numbers are written bare: 72, not "72""#,
        ),
    ];
    for (stem, from, to, expected) in cases {
        let err = error_after(stem, from, to);
        assert!(
            err.ends_with(expected),
            "{to}\n got: {err}\nwant: …{expected}"
        );
        assert!(err.starts_with("line "), "located: {err}");
    }
}

#[test]
fn other_syntax_errors_keep_ron_s_words_alone() {
    let err = error_after("s1-base", "horizon_months: 72", "horizon_months: (72)");
    assert!(!err.contains(" — "), "no hint to give: {err}");
}
