//! The list limits that keep every-lever analyses near a second (docs/model.md, "Limits").

use coreweave_whatif::model::analysis::{Kpi, SpanRule, tornado_of};
use coreweave_whatif::model::{MAX_LIST_ITEMS, MAX_REPORTED, parse_preset, parse_scenario};

mod common;
use common::shipped;

/// s1-base with `extra` more one-line contracts (it has four of its own).
fn with_contracts(extra: usize) -> String {
    let rows: String = (0..extra)
        .map(|i| format!("        (id: \"c{i}\", customer: \"C{i}\", total_value: \"100\", start: \"2025-01\", term_months: 24),\n"))
        .collect();
    shipped("s1-base").replacen(
        "    contracts: [\n",
        &format!("    contracts: [\n{rows}"),
        1,
    )
}

#[test]
fn a_list_past_the_limit_is_refused_saying_which_and_why() {
    let own = parse_scenario(shipped("s1-base"))
        .expect("parses")
        .contracts
        .len();
    let err = parse_preset(&with_contracts(MAX_LIST_ITEMS + 1 - own))
        .expect_err("101 contracts")
        .to_string();
    assert!(
        err.starts_with(&format!(
            "contracts: {} items; a scenario holds at most {MAX_LIST_ITEMS} contracts: every analysis evaluates each lever",
            MAX_LIST_ITEMS + 1
        )),
        "{err}"
    );
    // Only the limit is reported: no knock-on complaints about the items themselves.
    let scenario = parse_scenario(&with_contracts(MAX_LIST_ITEMS + 1 - own)).expect("parses");
    let issues = coreweave_whatif::model::validate(scenario)
        .expect_err("refused")
        .issues;
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].path, "contracts");
}

#[test]
fn a_list_at_the_limit_runs_every_lever_analysis() {
    let own = parse_scenario(shipped("s1-base"))
        .expect("parses")
        .contracts
        .len();
    let valid = parse_preset(&with_contracts(MAX_LIST_ITEMS - own)).expect("100 contracts");
    assert_eq!(valid.scenario().contracts.len(), MAX_LIST_ITEMS);
    let bars = tornado_of(valid.scenario(), &Kpi::MinCash, &SpanRule::RangeEnds.into())
        .expect("tornado")
        .bars;
    let last = format!("c{}.", MAX_LIST_ITEMS - own - 1);
    assert!(
        bars.iter().any(|bar| bar.path.starts_with(&last)),
        "the last contract's levers are in the tornado ({} bars)",
        bars.len()
    );
}

#[test]
fn reported_figures_have_their_own_limit() {
    let entries: String = (0..=MAX_REPORTED)
        .map(|_| "        (month: \"2025-06\", debt: \"1\"),\n".to_owned())
        .collect();
    let text = shipped("s1-base").replacen(
        "    reported: [\n",
        &format!("    reported: [\n{entries}"),
        1,
    );
    let err = parse_preset(&text)
        .expect_err("too many reported")
        .to_string();
    assert!(
        err.contains(&format!(
            "reported: {} entries; a scenario holds at most {MAX_REPORTED}",
            MAX_REPORTED + 3
        )),
        "{err}"
    );
}
