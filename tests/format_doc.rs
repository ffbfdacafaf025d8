//! docs/format.md against the code: its complete example parses, validates, runs and warns
//! about nothing; every lever's range it states is the registry's; the ids it calls reserved
//! are exactly the ones validation refuses.

use coreweave_whatif::model::{
    LeverKind, SHIPPED_PRESETS, Scenario, levers, parse_preset, parse_scenario, run, validate,
    warnings,
};

const FORMAT_DOC: &str = include_str!("../docs/format.md");
/// The line before the example's fenced block.
const EXAMPLE_MARKER: &str = "<!-- example: checked by tests/format_doc.rs -->";

/// The RON inside the fenced block that follows the marker.
fn example() -> String {
    let mut lines = FORMAT_DOC
        .lines()
        .skip_while(|line| line.trim() != EXAMPLE_MARKER)
        .skip(1);
    assert_eq!(
        lines.next().map(str::trim),
        Some("```ron"),
        "the marker is followed by a ```ron block"
    );
    let body: Vec<&str> = lines.take_while(|line| line.trim() != "```").collect();
    assert!(!body.is_empty(), "the example is not empty");
    body.join("\n")
}

#[test]
fn the_complete_example_parses_runs_and_warns_about_nothing() {
    let text = example();
    let valid = parse_preset(&text).unwrap_or_else(|err| panic!("the example: {err}"));
    let scenario = valid.scenario();
    assert_eq!(scenario.meta.format_version, 3);
    assert_eq!(
        scenario.required_format_version(),
        3,
        "the example shows v3 fields"
    );
    let outcome = run(&valid).unwrap_or_else(|err| panic!("the example runs: {err}"));
    assert_eq!(outcome.months.len(), scenario.horizon_months as usize);
    assert!(
        outcome.backtest.len() == 3,
        "its reported quarter has three figures"
    );
    let found = warnings(scenario);
    assert!(found.is_empty(), "the example warns: {found:?}");
}

/// The range a lever's row in the doc must state, as `min..=max`.
fn range_text(kind: &LeverKind) -> Option<String> {
    match kind {
        LeverKind::Number { min, max, .. } => {
            Some(format!("{}..={}", min.normalize(), max.normalize()))
        }
        LeverKind::Month { min, max } => Some(format!("{min}..={max}")),
        LeverKind::Choice { .. } => None,
    }
}

#[test]
fn every_range_in_the_doc_is_the_lever_registry_s() {
    let mut scenarios: Vec<(String, Scenario)> = vec![(
        "the example".to_owned(),
        parse_scenario(&example()).unwrap_or_else(|err| panic!("the example: {err}")),
    )];
    for (stem, text) in SHIPPED_PRESETS {
        scenarios.push((
            stem.to_owned(),
            parse_scenario(text).unwrap_or_else(|err| panic!("{stem}: {err}")),
        ));
    }
    for (name, scenario) in &scenarios {
        for lever in levers(scenario) {
            let Some(range) = range_text(&lever.kind) else {
                continue;
            };
            // The field's own name, as its table row spells it: `total` of `ddtl2.draws.total`.
            let field = lever.path.rsplit('.').next().unwrap_or(&lever.path);
            let named = format!("{field}`");
            assert!(
                FORMAT_DOC
                    .lines()
                    .any(|line| line.contains(&named) && line.contains(&range)),
                "docs/format.md has no line with `{field}` and {range} ({} in {name})",
                lever.path
            );
        }
    }
}

/// The ids the doc lists after "are reserved", in its own words.
fn reserved_in_doc() -> Vec<String> {
    let text = FORMAT_DOC.replace('\n', " ");
    let (before, _) = text
        .split_once(" are reserved")
        .expect("the doc lists the reserved ids");
    let list = before
        .rsplit_once("shadow the section's:")
        .map(|(_, list)| list)
        .expect("the list follows \"shadow the section's:\"");
    list.split(',')
        .map(|name| name.trim().trim_matches('`').to_owned())
        .collect()
}

#[test]
fn the_reserved_ids_are_the_ones_validation_refuses() {
    let reserved = reserved_in_doc();
    assert!(reserved.contains(&"meta".to_owned()), "{reserved:?}");
    let example = parse_scenario(&example()).unwrap_or_else(|err| panic!("the example: {err}"));
    let json = serde_json::to_value(&example).expect("serialises");
    let mut sections: Vec<String> = json
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect();
    // Left out of the example (and of its JSON) while empty.
    sections.push("partners".to_owned());
    for name in &reserved {
        assert!(sections.contains(name), "`{name}` is not a section");
    }
    for section in sections {
        let mut scenario = example.clone();
        scenario.contracts[1].id.clone_from(&section);
        let refused = validate(scenario).err().is_some_and(|err| {
            err.issues
                .iter()
                .any(|issue| issue.message.contains("is a section name"))
        });
        assert_eq!(
            refused,
            reserved.contains(&section),
            "a contract with the id `{section}`: refused {refused}, listed as reserved {}",
            reserved.contains(&section)
        );
    }
}
