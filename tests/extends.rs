//! Presets that extend another (spec §7.3), one test per rule: the order of resolution, `meta`,
//! shipped and relative bases, the depth limit, circles, errors that name their file, the file
//! loader and the CLI; then `changes_against` and the app's Save As changes, read back.

use std::fs;
use std::path::{Path, PathBuf};

use coreweave_whatif::io::{self as preset_file, FileError};
use coreweave_whatif::model::{
    Contract, EquityRaise, ExtendsFile, LeverValue, MAX_EXTENDS_DEPTH, Month, PresetError,
    PresetSource, Scenario, ValidScenario, changes_against, is_extends, parse_preset,
    parse_scenario, resolve_preset, run, set_lever_text, unchangeable_differences, validate,
};
use coreweave_whatif::ui::Command;
use rust_decimal_macros::dec;

mod common;
use common::{cli, harness, scratch_dir, shipped};

/// Writes `text` as `dir/name` and returns its path.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create the directory");
    }
    fs::write(&path, text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    path
}

fn s1_base() -> Scenario {
    parse_scenario(shipped("s1-base")).expect("s1-base parses")
}

/// `scenario` with `PATH=VALUE` assignments applied.
fn with(mut scenario: Scenario, assignments: &[(&str, &str)]) -> Scenario {
    for (path, value) in assignments {
        set_lever_text(&mut scenario, path, value).unwrap_or_else(|err| panic!("{path}: {err}"));
    }
    scenario
}

fn valid(scenario: Scenario) -> ValidScenario {
    validate(scenario).unwrap_or_else(|err| panic!("{err}"))
}

fn load(path: &Path) -> ValidScenario {
    preset_file::load(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn load_error(path: &Path) -> String {
    preset_file::load(path)
        .expect_err("the preset is refused")
        .to_string()
}

/// A contract no shipped preset has.
const ACME: &str =
    r#"(id: "acme", customer: "Acme", total_value: "1200", start: "2026-01", term_months: 24)"#;

#[test]
fn it_resolves_as_base_then_remove_then_add_then_changes() {
    // A change reaches an item added by the same file...
    let text = format!(
        r#"(
            extends: "s1-base",
            remove: ["nvidia"],
            add: (contracts: [{ACME}]),
            changes: {{ "acme.total_value": "1500", "rates.sofr_pct": "3.9" }},
        )"#
    );
    let resolved = parse_preset(&text).unwrap_or_else(|err| panic!("{err}"));
    let mut expected = s1_base();
    expected
        .contracts
        .retain(|contract| contract.id != "nvidia");
    expected.meta.sources.remove("nvidia");
    expected.contracts.push(Contract {
        id: "acme".to_owned(),
        customer: "Acme".to_owned(),
        total_value: dec!(1500),
        start: Month::ym(2026, 1),
        term_months: 24,
        ramp_months: 0,
        capacity: Default::default(),
        prepay_pct: dec!(0),
        pledged_to: None,
    });
    expected.rates.sofr_pct = dec!(3.9);
    assert_eq!(resolved.scenario(), &expected);

    // ...and not one the same file removed: the removal came first.
    let text =
        r#"(extends: "s1-base", remove: ["nvidia"], changes: { "nvidia.total_value": "1" })"#;
    assert_eq!(
        parse_preset(text).expect_err("removed").to_string(),
        r#"the preset: changes["nvidia.total_value"]: unknown lever"#
    );
}

#[test]
fn every_list_section_takes_additions_and_removals_partners_too() {
    let text = r#"(
        extends: "s1-base",
        remove: ["microsoft_cut", "ipo", "leverage", "muskogee"],
        add: (
            partners: [(id: "galaxy", name: "Galaxy Digital", delay_months: 2)],
            customer_cuts: [(id: "nvidia_cut", customer: "Nvidia", cut_pct: "50", from: "2026-01")],
        ),
        changes: { "galaxy.delay_months": "4", "nvidia_cut.cut_pct": "20" },
    )"#;
    let resolved = parse_preset(text).unwrap_or_else(|err| panic!("{err}"));
    let scenario = resolved.scenario();
    assert_eq!(scenario.partners.len(), 1);
    assert_eq!(scenario.partners[0].delay_months, 4);
    assert_eq!(scenario.customer_cuts[0].cut_pct, dec!(20));
    assert!(scenario.equity.iter().all(|raise| raise.id != "ipo"));
    assert!(scenario.covenants.iter().all(|c| c.id != "leverage"));
    assert!(scenario.sites.iter().all(|site| site.id != "muskogee"));

    // And back: the partner comes out of `changes_against` as an addition.
    let dir = scratch_dir("extends-partners");
    let file = round_trip(&dir, "partners.ron", &s1_base(), scenario, "s1-base");
    assert_eq!(file.add.partners.len(), 1);
    assert_eq!(
        file.remove,
        ["microsoft_cut", "muskogee", "ipo", "leverage"]
    );
}

#[test]
fn meta_name_and_description_replace_the_bases_and_sources_merge() {
    let text = r#"(
        extends: "s1-base",
        meta: (
            name: "Galaxy",
            description: "S-1 base with another SOFR",
            sources: { "rates.sofr_pct": "[E] mine", "acme": "[E] a new customer" },
        ),
        remove: ["nvidia"],
        add: (contracts: [(id: "acme", customer: "Acme", total_value: "1200", start: "2026-01", term_months: 24)]),
    )"#;
    let resolved = parse_preset(text).unwrap_or_else(|err| panic!("{err}"));
    let (meta, base) = (&resolved.scenario().meta, &s1_base().meta);
    assert_eq!(meta.name, "Galaxy");
    assert_eq!(meta.description, "S-1 base with another SOFR");
    assert_eq!(
        meta.format_version, base.format_version,
        "the base's version"
    );
    assert_eq!(
        meta.sources["rates.sofr_pct"], "[E] mine",
        "the extending note wins"
    );
    assert_eq!(meta.sources["acme"], "[E] a new customer");
    assert_eq!(
        meta.sources["openai"], base.sources["openai"],
        "the base's notes stay"
    );
    assert!(
        !meta.sources.contains_key("nvidia"),
        "a removed item's note goes with it"
    );

    // Without `meta`, the base's name and notes are kept as they are.
    let plain = parse_preset(r#"(extends: "s1-base")"#).expect("resolves");
    assert_eq!(plain.scenario(), &s1_base());
}

#[test]
fn a_base_is_a_shipped_stem_or_a_path_relative_to_the_extending_file() {
    let dir = scratch_dir("extends-bases");
    let shipped_base = write(&dir, "on-shipped.ron", r#"(extends: "bear-case")"#);
    assert_eq!(
        load(&shipped_base),
        parse_preset(shipped("bear-case")).expect("bear-case")
    );

    // A plain preset one directory up, and a file in a sub-directory that extends it.
    let base = with(s1_base(), &[("horizon_months", "60")]);
    let base_text = coreweave_whatif::model::to_ron(&base).expect("writes");
    write(&dir, "plans/base.ron", &base_text);
    let nested = write(
        &dir,
        "plans/2026/late.ron",
        r#"(extends: "../base.ron", changes: { "openai.start": "2026-03" })"#,
    );
    assert_eq!(
        load(&nested),
        valid(with(base, &[("openai.start", "2026-03")]))
    );

    // Relative to the file, not to the working directory: read from elsewhere, it still resolves.
    let copy = write(
        &dir,
        "plans/2026/copy.ron",
        r#"(extends: "./late.ron", changes: { "rates.sofr_pct": "5" })"#,
    );
    assert_eq!(
        load(&copy).scenario().rates.sofr_pct,
        dec!(5),
        "{}",
        copy.display()
    );

    // A missing base names the extending file, the name it gave and the path it tried.
    let missing = write(&dir, "missing.ron", r#"(extends: "nowhere.ron")"#);
    let err = load_error(&missing);
    assert!(
        err.starts_with(&format!("{}: extends \"nowhere.ron\": ", missing.display()))
            && err.contains(&dir.join("nowhere.ron").display().to_string()),
        "{err}"
    );
}

#[test]
fn a_shipped_preset_extends_only_shipped_presets() {
    // As a shipped preset that extends another is read (compiled in, no file to read a path against).
    let mut no_files =
        |_: &(), _: &str| -> Result<_, String> { panic!("a shipped preset never reads a file") };
    let galaxy =
        r#"(extends: "actual-2025", meta: (name: "Galaxy"), changes: { "rates.sofr_pct": "4.0" })"#;
    let resolved = resolve_preset(
        PresetSource::Shipped("galaxy"),
        "galaxy",
        galaxy,
        &mut no_files,
    )
    .expect("resolves");
    let mut expected = parse_scenario(shipped("actual-2025")).expect("actual-2025");
    expected.meta.name = "Galaxy".to_owned();
    expected.rates.sofr_pct = dec!(4.0);
    assert_eq!(resolved, expected);

    let err = resolve_preset(
        PresetSource::Shipped("galaxy"),
        "galaxy",
        r#"(extends: "base.ron")"#,
        &mut no_files,
    )
    .expect_err("a path");
    assert!(
        err.to_string().starts_with(
            "galaxy: extends \"base.ron\": a shipped preset can extend only another shipped preset"
        ),
        "{err}"
    );

    // Every shipped preset reads through the same entry point, extends or not.
    for (stem, text) in coreweave_whatif::model::SHIPPED_PRESETS {
        let valid = parse_preset(text).unwrap_or_else(|err| panic!("{stem}: {err}"));
        assert!(run(&valid).is_ok(), "{stem} runs");
    }
}

/// Files `depth-1.ron` … `depth-<extends_files>.ron` in `dir`, each extending the next, the
/// last extending s1-base, each moving SOFR up 0.1; returns the first.
fn chain(dir: &Path, extends_files: usize) -> PathBuf {
    for level in 1..=extends_files {
        let base = if level == extends_files {
            "s1-base".to_owned()
        } else {
            format!("depth-{}.ron", level + 1)
        };
        let sofr = dec!(4.30) + dec!(0.1) * rust_decimal::Decimal::from(extends_files - level + 1);
        write(
            dir,
            &format!("depth-{level}.ron"),
            &format!(r#"(extends: "{base}", changes: {{ "rates.sofr_pct": "{sofr}" }})"#),
        );
    }
    dir.join("depth-1.ron")
}

#[test]
fn eight_files_deep_resolve_and_nine_are_refused() {
    assert_eq!(MAX_EXTENDS_DEPTH, 8);
    let dir = scratch_dir("extends-depth-8");
    let top = chain(&dir, 8);
    assert_eq!(
        load(&top).scenario().rates.sofr_pct,
        dec!(5.10),
        "each level applied on the one below"
    );

    let dir = scratch_dir("extends-depth-9");
    let top = chain(&dir, 9);
    let err = load_error(&top);
    let files: Vec<String> = (1..=9)
        .map(|level| dir.join(format!("depth-{level}.ron")).display().to_string())
        .collect();
    assert_eq!(
        err,
        format!(
            "{}: more than 8 presets extending one another (at most 8 are followed)",
            files.join(" extends ")
        )
    );
}

#[test]
fn a_circle_is_refused_naming_the_files() {
    let dir = scratch_dir("extends-circle");
    let a = write(&dir, "a.ron", r#"(extends: "b.ron")"#);
    let b = write(&dir, "b.ron", r#"(extends: "./a.ron")"#);
    assert_eq!(
        load_error(&a),
        format!(
            "{a} extends {b} extends {a}: a circle",
            a = a.display(),
            b = b.display()
        )
    );

    // The same file by another name is still the same file.
    let link = dir.join("link.ron");
    std::os::unix::fs::symlink(&a, &link).expect("symlink");
    let itself = write(&dir, "self.ron", r#"(extends: "self.ron")"#);
    assert_eq!(
        load_error(&itself),
        format!("{0} extends {0}: a circle", itself.display())
    );
    let err = load_error(&link);
    assert!(err.ends_with(": a circle"), "{err}");
}

#[test]
fn errors_name_the_file_they_come_from() {
    let dir = scratch_dir("extends-errors");
    let galaxy = write(
        &dir,
        "galaxy.ron",
        r#"(extends: "s1-base", remove: ["ddtl9"])"#,
    );
    let name = galaxy.display();
    assert_eq!(
        load_error(&galaxy),
        format!("{name}: remove: no item has the id `ddtl9`")
    );

    write(
        &dir,
        "galaxy.ron",
        r#"(extends: "s1-base", changes: { "nosuch.x": "1" })"#,
    );
    assert_eq!(
        load_error(&galaxy),
        format!("{name}: changes[\"nosuch.x\"]: unknown lever")
    );

    write(
        &dir,
        "galaxy.ron",
        r#"(extends: "s1-base", changes: { "rates.sofr_pct": "99" })"#,
    );
    assert_eq!(
        load_error(&galaxy),
        format!("{name}: changes[\"rates.sofr_pct\"]: 99 is too high: must be between 0 and 15 %")
    );

    write(
        &dir,
        "galaxy.ron",
        r#"(extends: "s1-base", add: (sites: [(id: "openai", mw: "10", online: "2026-01", capex_per_mw: "30")]))"#,
    );
    assert_eq!(
        load_error(&galaxy),
        format!(
            "{name}: add.sites: the id `openai` is already used (remove the item first to replace it)"
        )
    );

    write(
        &dir,
        "galaxy.ron",
        r#"(extends: "s1-base", remove: ["ipo", "ipo"])"#,
    );
    assert_eq!(
        load_error(&galaxy),
        format!("{name}: remove: `ipo` is listed twice")
    );

    // A whole-scenario field in an extends file: the extends syntax says what it takes.
    write(
        &dir,
        "galaxy.ron",
        "(\n    extends: \"s1-base\",\n    horizon_months: 60,\n)",
    );
    let err = load_error(&galaxy);
    assert!(
        err.starts_with(&format!("{name}: line 3, column 5"))
            && err.contains("horizon_months")
            && err.contains("changes"),
        "{err}"
    );

    // A bad bare number in an extends file is refused on its text, with its field.
    write(
        &dir,
        "galaxy.ron",
        "(extends: \"s1-base\", add: (contracts: [(id: \"acme\", customer: \"Acme\", total_value: \"1\", start: \"2026-01\", term_months: 1e3)]))",
    );
    let err = load_error(&galaxy);
    assert!(
        err.starts_with(&format!("{name}: line 1")) && err.contains("add.contracts[0].term_months"),
        "{err}"
    );

    // A `changes` value must be text, as `--set` takes it.
    write(
        &dir,
        "galaxy.ron",
        r#"(extends: "s1-base", changes: { "rates.sofr_pct": 4 })"#,
    );
    let err = load_error(&galaxy);
    assert!(err.starts_with(&format!("{name}: line 1")), "{err}");

    // A fault in the base names the base, not the file that extends it.
    let broken = write(&dir, "broken.ron", "(\n    meta: (name: \"x\",, ),\n)");
    write(&dir, "on-broken.ron", r#"(extends: "broken.ron")"#);
    let err = load_error(&dir.join("on-broken.ron"));
    assert!(
        err.starts_with(&format!("{}: line 2", broken.display())),
        "{err}"
    );

    // The result is validated like any scenario, and named after the file that made it.
    write(
        &dir,
        "galaxy.ron",
        r#"(extends: "s1-base", remove: ["ddtl2"])"#,
    );
    let err = preset_file::load(&galaxy).expect_err("dangling references");
    assert!(
        matches!(
            &err,
            FileError::Preset {
                error: PresetError::Invalid(_),
                ..
            }
        ) && err.to_string().starts_with(&format!("{name}: "))
            && err.to_string().contains("ddtl2"),
        "{err}"
    );
}

#[test]
fn a_newer_format_is_refused_before_anything_else() {
    let text = r#"(extends: "s1-base", meta: (format_version: 99), nonsense: 1)"#;
    assert!(matches!(
        parse_scenario(text),
        Err(PresetError::Extends(error)) if matches!(
            &*error,
            coreweave_whatif::model::ExtendsError::Preset {
                error: PresetError::NewerFormat { found: 99, .. },
                ..
            }
        )
    ));
    // A declared version never lowers the base's.
    let older = parse_preset(r#"(extends: "s1-base", meta: (format_version: 1))"#).expect("ok");
    assert_eq!(older.scenario().meta.format_version, 3);
}

#[test]
fn an_extends_file_loads_through_the_file_loader_and_the_cli() {
    let dir = scratch_dir("extends-cli");
    let path = write(
        &dir,
        "galaxy.ron",
        "// A comment, then the file.\n(\n    extends: \"s1-base\",\n    meta: (name: \"Galaxy\"),\n    changes: { \"rates.sofr_pct\": \"5.1\", \"core_scientific.delay_months\": \"6\" },\n)\n",
    );
    let mut expected = with(
        s1_base(),
        &[
            ("rates.sofr_pct", "5.1"),
            ("core_scientific.delay_months", "6"),
        ],
    );
    expected.meta.name = "Galaxy".to_owned();
    assert_eq!(load(&path).scenario(), &expected);
    let file = path.to_str().expect("UTF-8 path");

    // `show` prints the resolved scenario, a whole preset.
    let shown = cli(&["show", file, "--format", "ron"]).expect("show");
    assert!(!is_extends(&shown), "{shown}");
    assert_eq!(parse_scenario(&shown).expect("a preset"), expected);

    // `kpis` runs it, and `--set` applies on top of the resolved scenario.
    let kpis = cli(&["kpis", file, "--format", "json"]).expect("kpis");
    let same = cli(&[
        "kpis",
        "default",
        "--format",
        "json",
        "--set",
        "rates.sofr_pct=5.1",
        "--set",
        "core_scientific.delay_months=6",
    ])
    .expect("kpis");
    assert_eq!(kpis, same);

    let err = cli(&["kpis", dir.join("nothere.ron").to_str().expect("UTF-8")]);
    assert!(err.is_err());
}

/// Writes `changes_against(base, current, base_name)` as `dir/name`, reads it back through the
/// file loader and checks it gives `current`; returns the file.
fn round_trip(
    dir: &Path,
    name: &str,
    base: &Scenario,
    current: &Scenario,
    base_name: &str,
) -> ExtendsFile {
    let file = changes_against(base, current, base_name);
    let text = file.to_ron().expect("writes");
    assert!(is_extends(&text), "{text}");
    let path = write(dir, name, &text);
    assert_eq!(load(&path).scenario(), current, "{name} read back:\n{text}");
    assert!(unchangeable_differences(base, current).is_empty());
    file
}

#[test]
fn changes_against_s1_base_hold_exactly_the_levers_that_moved() {
    let dir = scratch_dir("extends-round-trip-levers");
    let base = s1_base();
    let current = with(
        base.clone(),
        &[
            ("rates.sofr_pct", "5.15"),
            ("core_scientific.delay_policy", "Truncate"),
            ("openai.start", "2026-01"),
            ("ddtl2.draws.total", "4100.5"),
            ("opex.fixed_monthly", "17"),
            ("horizon_months", "60"),
        ],
    );
    let file = round_trip(&dir, "levers.ron", &base, &current, "s1-base");
    let paths: Vec<&str> = file
        .changes
        .0
        .iter()
        .map(|(path, _)| path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "horizon_months",
            "rates.sofr_pct",
            "openai.start",
            "core_scientific.delay_policy",
            "opex.fixed_monthly",
            "ddtl2.draws.total"
        ],
        "registry order; the covenants' `until` follows the horizon and is not written"
    );
    assert!(file.remove.is_empty() && file.add.is_empty() && file.meta.is_empty());
    assert_eq!(file.changes.0[1].1, "5.15");

    // Nothing changed: nothing written but the base.
    let same = changes_against(&base, &base, "s1-base");
    assert_eq!(
        same.to_ron().expect("writes").trim(),
        "(\n    extends: \"s1-base\",\n)"
    );
}

#[test]
fn changes_against_remove_and_add_items() {
    let dir = scratch_dir("extends-round-trip-items");
    let base = s1_base();
    let mut current = with(base.clone(), &[("openai.ramp_months", "9")]);
    current.contracts.retain(|contract| contract.id != "nvidia");
    current.meta.sources.remove("nvidia");
    let mut acme: Contract = ron::from_str(ACME).expect("a contract");
    acme.total_value = dec!(1300.25);
    current.contracts.push(acme);
    current.equity.push(EquityRaise {
        id: "follow_on".to_owned(),
        amount: dec!(500),
        month: Month::ym(2026, 3),
    });
    current
        .meta
        .sources
        .insert("follow_on".to_owned(), "[E] a follow-on".to_owned());
    let current = valid(current).into_scenario();

    let file = round_trip(&dir, "items.ron", &base, &current, "s1-base");
    assert_eq!(file.remove, ["nvidia"]);
    let added: Vec<&str> = file.add.contracts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(added, ["acme"]);
    assert_eq!(file.add.equity.len(), 1);
    assert_eq!(
        file.changes.0,
        [("openai.ramp_months".to_owned(), "9".to_owned())]
    );
    assert_eq!(
        file.meta.sources.0,
        [("follow_on".to_owned(), "[E] a follow-on".to_owned())]
    );

    // An item whose other fields changed is removed and added, and so are the items after it,
    // so the list keeps its order.
    let mut renamed = base.clone();
    renamed.contracts[2].customer = "Everyone else".to_owned();
    let file = round_trip(&dir, "renamed.ron", &base, &renamed, "s1-base");
    assert_eq!(file.remove, ["others", "openai"]);
    let added: Vec<&str> = file.add.contracts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(added, ["others", "openai"]);
    assert!(file.changes.is_empty());
}

#[test]
fn changes_against_a_preset_that_itself_extends() {
    let dir = scratch_dir("extends-round-trip-chain");
    let middle = write(
        &dir,
        "middle.ron",
        &format!(
            r#"(extends: "s1-base", meta: (name: "Middle"), add: (contracts: [{ACME}]), changes: {{ "rates.sofr_pct": "4.8" }})"#
        ),
    );
    let base = load(&middle).into_scenario();
    let mut current = with(
        base.clone(),
        &[("acme.term_months", "36"), ("ipo.amount", "2500")],
    );
    current.meta.name = "Top".to_owned();
    let file = round_trip(&dir, "top.ron", &base, &current, "middle.ron");
    assert_eq!(file.meta.name.as_deref(), Some("Top"));
    assert_eq!(file.changes.0.len(), 2);

    // Saved through the checked writer, a file that would extend itself is the circle it is.
    let err = preset_file::save_extends(
        &middle,
        &changes_against(&base, &current, "middle.ron"),
        &valid(current.clone()),
    )
    .expect_err("middle.ron extending middle.ron");
    assert!(err.to_string().ends_with(": a circle"), "{err}");
    assert!(is_extends(&fs::read_to_string(&middle).expect("read")));
    assert_eq!(
        load(&middle).scenario(),
        &base,
        "the refused save left the file alone"
    );

    // What a file of changes cannot hold is said, and the checked writer refuses it.
    let mut moved = current.clone();
    moved.montecarlo = None;
    assert_eq!(
        unchangeable_differences(&base, &moved),
        ["the Monte Carlo set-up"]
    );
    let err = preset_file::save_extends(
        &dir.join("lossy.ron"),
        &changes_against(&base, &moved, "middle.ron"),
        &valid(moved),
    )
    .expect_err("the Monte Carlo set-up cannot be dropped");
    assert!(matches!(err, FileError::NotReproduced { .. }), "{err}");
    assert!(!dir.join("lossy.ron").exists());
}

#[test]
fn saving_in_place_keeps_an_extends_file_one() {
    let dir = scratch_dir("extends-save-in-place");
    let path = write(
        &dir,
        "plan.ron",
        r#"(extends: "s1-base", meta: (name: "Plan"), changes: { "rates.sofr_pct": "4.8" })"#,
    );
    let edited = valid(with(load(&path).into_scenario(), &[("ipo.amount", "2600")]));
    preset_file::save_in_place(&path, &edited).expect("saves");
    let text = fs::read_to_string(&path).expect("read");
    assert!(is_extends(&text), "{text}");
    assert_eq!(load(&path), edited);

    // A whole preset is saved whole, as before.
    let whole = write(&dir, "whole.ron", shipped("bear-case"));
    let edited = valid(with(
        load(&whole).into_scenario(),
        &[("ipo.amount", "2600")],
    ));
    preset_file::save_in_place(&whole, &edited).expect("saves");
    assert!(!is_extends(&fs::read_to_string(&whole).expect("read")));
    assert_eq!(load(&whole), edited);
}

#[test]
fn a_base_is_named_relative_to_the_file_that_extends_it() {
    let reference = |file: &str, base: &str| {
        preset_file::relative_reference(Path::new(file), Path::new(base)).expect("UTF-8")
    };
    assert_eq!(reference("/p/plans/a.ron", "/p/plans/b.ron"), "b.ron");
    assert_eq!(
        reference("/p/plans/2026/a.ron", "/p/base.ron"),
        "../../base.ron"
    );
    assert_eq!(reference("/p/a.ron", "/p/x/y/b.ron"), "x/y/b.ron");
    assert_eq!(reference("/p/a.ron", "/q/b.ron"), "/q/b.ron");
    // A file named like a shipped stem is still read as a file.
    assert_eq!(reference("/p/a.ron", "/p/s1-base"), "./s1-base");
}

#[test]
fn the_app_saves_the_scenario_as_changes_to_its_preset_and_keeps_it_so() {
    let dir = scratch_dir("extends-app");
    let path = dir.join("mine.ron");
    let mut harness = harness();
    harness.state_mut().submit(Command::SetLever {
        path: "rates.sofr_pct".to_owned(),
        value: LeverValue::Number(dec!(5.25)),
        dragging: false,
    });
    harness.run();
    harness
        .state_mut()
        .submit(Command::SaveChangesTo(path.clone()));
    harness.run();
    let app = harness.state();
    assert_eq!(app.error(), None);
    assert!(!app.document().is_dirty());
    let text = fs::read_to_string(&path).expect("written");
    assert!(text.contains("extends: \"s1-base\""), "{text}");
    assert!(text.contains("\"rates.sofr_pct\": \"5.25\""), "{text}");
    assert_eq!(&load(&path), app.document().valid_scenario());

    // Save writes it as changes again, against the same base.
    harness.state_mut().submit(Command::SetLever {
        path: "core_scientific.delay_months".to_owned(),
        value: LeverValue::Number(dec!(6)),
        dragging: false,
    });
    harness.run();
    harness.state_mut().submit(Command::Save);
    harness.run();
    let app = harness.state();
    assert_eq!(app.error(), None);
    let text = fs::read_to_string(&path).expect("written");
    assert!(
        is_extends(&text) && text.contains("core_scientific.delay_months"),
        "{text}"
    );
    assert_eq!(&load(&path), app.document().valid_scenario());

    // From that file, Save As changes writes a file extending it, by its relative name.
    let next = dir.join("next/step.ron");
    fs::create_dir_all(dir.join("next")).expect("directory");
    harness.state_mut().submit(Command::SetLever {
        path: "rates.sofr_pct".to_owned(),
        value: LeverValue::Number(dec!(4)),
        dragging: false,
    });
    harness.run();
    harness
        .state_mut()
        .submit(Command::SaveChangesTo(next.clone()));
    harness.run();
    let app = harness.state();
    assert_eq!(app.error(), None);
    let text = fs::read_to_string(&next).expect("written");
    assert!(text.contains("extends: \"../mine.ron\""), "{text}");
    assert_eq!(&load(&next), app.document().valid_scenario());

    // Plain Save As still writes a whole preset.
    let whole = dir.join("whole.ron");
    harness.state_mut().submit(Command::SaveTo(whole.clone()));
    harness.run();
    assert!(!is_extends(&fs::read_to_string(&whole).expect("written")));
    assert_eq!(&load(&whole), harness.state().document().valid_scenario());
}
