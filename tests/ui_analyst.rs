//! Issue 13's answers in the app, driven headless with egui_kittest: what broke at each end of
//! a slider's red, the funding need by date on the KPI strip, and the Monte Carlo set-up's
//! warnings. Background results are waited for by stepping frames in a bounded loop.

use coreweave_whatif::model::analysis::{
    Axis, Condition, Margin, QuarterNeed, breach_ranges, evaluate, funding_need_by_quarter,
};
use coreweave_whatif::model::{Outcome, Scenario, ValidScenario, levers, parse_preset, run};
use coreweave_whatif::report::format::{busd, lever_value_text, signed_margin};
use coreweave_whatif::ui::document::{Document, Origin};
use coreweave_whatif::ui::kpi_strip::{KpiStrip, kpi_tiles};
use coreweave_whatif::ui::montecarlo_tab::MonteCarloTab;
use eframe::egui;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use rust_decimal::Decimal;

mod common;
use common::{PanelState, shipped, view_harness};

fn shipped_valid(stem: &str) -> ValidScenario {
    parse_preset(shipped(stem)).unwrap_or_else(|err| panic!("{stem}: {err}"))
}

/// Tooltips at once: the tests hover and look, they do not wait half a second each.
fn no_tooltip_delay(ctx: &egui::Context) {
    ctx.global_style_mut(|style| style.interaction.tooltip_delay = 0.0);
}

/// A node's text: AccessKit keeps a label widget's text in its value.
fn text_of(node: &egui_kittest::Node<'_>) -> String {
    let node = node.accesskit_node();
    node.value()
        .or_else(|| node.label())
        .unwrap_or_default()
        .to_string()
}

/// The levers panel (it owns its background shading) on one shipped preset.
fn panel_harness(stem: &str) -> Harness<'static, PanelState> {
    let document = Document::new(shipped_valid(stem), Origin::Shipped(stem.to_owned()));
    let harness = common::panel_harness(document, 420.0);
    no_tooltip_delay(&harness.ctx);
    harness
}

/// The margin the model gives at one value of `axis`: what the hover must say.
fn margin_at(scenario: &Scenario, axis: &Axis, index: usize) -> Margin {
    let outcome = evaluate(scenario, &[(axis, axis.value_at(index))]).expect("runs");
    Condition::NoBreach.margin(scenario, &outcome)
}

fn covenant_name<'a>(scenario: &'a Scenario, id: &str) -> &'a str {
    scenario
        .covenants
        .iter()
        .find(|covenant| covenant.id == id)
        .map_or_else(
            || panic!("no covenant {id}"),
            |covenant| covenant.name.as_str(),
        )
}

#[test]
fn hovering_a_shaded_slider_says_what_broke_on_each_side_of_the_red() {
    let path = "core_scientific.delay_months";
    let mut harness = panel_harness("management-plan");
    // The shading is computed on other threads: step until it has landed.
    for _ in 0..600 {
        harness.step();
        let generation = harness.state().document.generation();
        if harness
            .state()
            .panel
            .lever_shading(path, generation)
            .is_some()
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    harness.run();

    // What the model says at the first end of the red: the grid values either side of it.
    let scenario = harness.state().document.scenario().clone();
    let axis = Axis::resolve(&scenario, path).expect("a lever");
    let ranges = breach_ranges(&scenario, path).expect("ranges");
    let first = ranges
        .first()
        .expect("a long delay breaches the management plan");
    assert!(
        first.from_index > 0,
        "the management plan holds with no delay: the red starts inside the track: {ranges:?}"
    );
    let (holds_at, fails_at) = (first.from_index - 1, first.from_index);
    let (holds, fails) = (
        margin_at(&scenario, &axis, holds_at),
        margin_at(&scenario, &axis, fails_at),
    );
    assert!(holds.holds && !fails.holds);

    let lever = levers(&scenario)
        .into_iter()
        .find(|lever| lever.path == path)
        .expect("a lever");
    assert!(
        harness.query_by_label_contains("Holds at ").is_none(),
        "nothing is said until the slider is hovered"
    );
    let slider = harness
        .get_by_role_and_label(Role::Slider, &lever.label)
        .rect();
    harness.hover_at(slider.center());
    harness.run();
    let hover = harness
        .query_by_label_contains("Holds at ")
        .unwrap_or_else(|| panic!("no hover over the {} slider", lever.label));
    let text = text_of(&hover);

    // Each side: the lever's value, the covenant by its name, the month and a signed margin.
    let side = |word: &str, index: usize, margin: &Margin| {
        let month = margin.month.expect("a covenant decided it in some month");
        let value = signed_margin(margin.margin.expect("a margin"), margin.unit);
        let name = covenant_name(&scenario, &margin.what);
        let said = if margin.holds {
            format!("{name} lowest {value} ({month})")
        } else {
            format!("{name} {value} in {month}")
        };
        format!(
            "{word} at {}: {said}",
            lever_value_text(&axis.value_at(index), lever.unit)
        )
    };
    let expected = format!(
        "{}\n{}",
        side("Holds", holds_at, &holds),
        side("Fails", fails_at, &fails)
    );
    assert!(
        text.contains(&expected),
        "expected `{expected}` in:\n{text}"
    );
    let (held, failed) = (
        holds.margin.expect("a margin"),
        fails.margin.expect("a margin"),
    );
    assert!(
        held >= Decimal::ZERO && failed < Decimal::ZERO,
        "the side that holds has room to spare, the side that fails falls short: {held}, {failed}"
    );
    assert!(
        !text.contains(" 0.0 %"),
        "a breach never reads 0.0 %: {text}"
    );
}

fn s1_base_outcome() -> (ValidScenario, Outcome) {
    let valid = shipped_valid("s1-base");
    let outcome = run(&valid).expect("s1-base runs");
    (valid, outcome)
}

#[test]
fn the_funding_need_tile_lists_the_need_by_each_quarter_end() {
    let (valid, outcome) = s1_base_outcome();
    let needs: Vec<QuarterNeed> = funding_need_by_quarter(valid.scenario(), &outcome)
        .into_iter()
        .filter(|need| need.need > Decimal::ZERO)
        .collect();
    assert!(
        needs.len() > 1,
        "s1-base needs new money by several quarter ends"
    );
    let tiles = kpi_tiles(&outcome, valid.scenario());
    let tile = tiles
        .iter()
        .find(|tile| tile.title == "Funding need")
        .expect("a funding need tile");
    let (_, by_date) = tile
        .how
        .split_once("New money needed by each quarter end, cumulative:\n")
        .unwrap_or_else(|| panic!("no need by date in: {}", tile.how));
    for need in &needs {
        assert!(
            by_date.contains(&format!("{} {}", need.quarter_end, busd(need.need))),
            "{} missing from:\n{by_date}",
            need.quarter_end
        );
    }
    let horizon_end = outcome.months.last().expect("months").month;
    assert!(
        by_date.ends_with(&format!(
            "Total by {horizon_end}: {}.",
            busd(outcome.kpis.funding_need)
        )),
        "{by_date}"
    );
    let zero_quarters = funding_need_by_quarter(valid.scenario(), &outcome)
        .into_iter()
        .filter(|need| need.need.is_zero())
        .map(|need| need.quarter_end.to_string());
    for quarter in zero_quarters {
        assert!(
            !by_date.contains(&quarter),
            "{quarter} needs nothing and is not listed:\n{by_date}"
        );
    }

    // Drawn in the app's strip, the tile's hover says the same.
    let document = Document::new(valid, Origin::Shipped("s1-base".to_owned()));
    let mut harness = view_harness(KpiStrip::default(), document, [1440.0, 200.0]);
    no_tooltip_delay(&harness.ctx);
    harness.run();
    let tile = harness.get_by_label_contains("Funding need: ").rect();
    harness.hover_at(tile.center());
    harness.run();
    let first = &needs[0];
    harness.get_by_label_contains(&format!("{} {}", first.quarter_end, busd(first.need)));
}

#[test]
fn a_plan_that_never_falls_short_lists_no_quarters() {
    let valid = shipped_valid("management-plan");
    let outcome = run(&valid).expect("runs");
    let tiles = kpi_tiles(&outcome, valid.scenario());
    let tile = tiles
        .iter()
        .find(|tile| tile.title == "Funding need")
        .expect("a funding need tile");
    assert!(
        outcome.kpis.funding_need.is_zero(),
        "the management plan never falls short"
    );
    assert!(
        !tile.how.contains("New money needed by each quarter end"),
        "{}",
        tile.how
    );
}

/// The Monte Carlo tab alone on a document of `text`.
fn montecarlo_harness(text: &str) -> Harness<'static, (MonteCarloTab, Document)> {
    let valid = parse_preset(text).unwrap_or_else(|err| panic!("{err}"));
    let document = Document::new(valid, Origin::Shipped("test".to_owned()));
    let mut harness = view_harness(MonteCarloTab::default(), document, [1200.0, 800.0]);
    harness.run();
    harness
}

#[test]
fn the_monte_carlo_tab_warns_of_a_uniform_on_a_whole_number_lever() {
    let text = shipped("s1-base");
    let int = r#"("openai.start", Int(min: "0", max: "6"))"#;
    assert!(
        text.contains(int),
        "s1-base draws the OpenAI start month by month"
    );
    let uniform = text.replace(int, r#"("openai.start", Uniform(min: "0", max: "6"))"#);
    let harness = montecarlo_harness(&uniform);
    let warning = harness
        .query_by_label_contains("on a whole-number lever")
        .expect("a warning for the uniform draw");
    let said = text_of(&warning);
    let label = levers(&parse_preset(&uniform).expect("parses").into_scenario())
        .into_iter()
        .find(|lever| lever.path == "openai.start")
        .expect("a lever")
        .label;
    assert!(
        said.starts_with(&format!("Warning ({label}): ")),
        "the lever by its label: {said}"
    );
    assert!(said.contains("int:0:6"), "it says what to use: {said}");
}

#[test]
fn the_default_set_ups_carry_no_warning() {
    // The shipped preset's own set-up.
    let harness = montecarlo_harness(shipped("s1-base"));
    assert!(harness.query_by_label_contains("Warning").is_none());
    harness.get_by_label_contains("the preset's set-up");
    // The app's default set-up, for a preset that carries none.
    let mut scenario = shipped_valid("s1-base").into_scenario();
    scenario.montecarlo = None;
    let text = coreweave_whatif::model::to_ron(&scenario).expect("serialises");
    let harness = montecarlo_harness(&text);
    harness.get_by_label_contains("a default set-up");
    assert!(harness.query_by_label_contains("Warning").is_none());
}
