//! The header that tells a first-time user what they are looking at: the preset's description
//! and two or three things to try, drawn from the levers this scenario has and each run first,
//! so a tip says what the change really does. It folds away, and
//! egui remembers that it was folded.

use eframe::egui;
use eframe::egui::{CollapsingHeader, RichText, Ui};
use rust_decimal::Decimal;

use super::view::{View, ViewContext};
use crate::model::analysis::{Axis, evaluate};
use crate::model::{
    Group, Kpis, Lever, LeverKind, LeverValue, Outcome, Scenario, levers, round_for_display,
};
use crate::report::format::{busd, lever_value_text};

/// What the header says for one scenario and its outcome. Build it when the outcome changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Story {
    pub name: String,
    pub description: String,
    /// Things to try, each run before it is suggested: only a change whose effect happens is.
    pub tries: Vec<Try>,
}

/// One thing to try: a short sentence naming the lever by its label and saying what the
/// change does, and the change itself (`None` for a tip about the app, not the model).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Try {
    pub text: String,
    pub change: Option<(String, LeverValue)>,
}

/// The most suggestions the header shows.
const MAX_TRIES: usize = 3;

/// Delivery delays worth a try, in months.
const DELAYS_TO_TRY: [u32; 2] = [6, 12];

/// SOFR increases tried in turn, in percentage points, until a covenant breaks.
const RATE_RISES_TO_TRY: [u32; 4] = [1, 2, 3, 5];

/// How fast GPU rental prices fell in 2023-25, % a year (the shipped presets' sources).
const GPU_PRICE_FALL_PCT: u32 = 40;

impl Story {
    pub fn new(scenario: &Scenario, outcome: &Outcome) -> Self {
        let all = levers(scenario);
        let find = |wanted: &dyn Fn(&Lever) -> bool| all.iter().find(|lever| wanted(lever));
        let mut tries = Vec::new();
        if let Some(delay) = find(&|lever| {
            lever.group == Group::DeliveryPartners && lever.path.ends_with(".delay_months")
        }) {
            let tried = DELAYS_TO_TRY
                .iter()
                .filter_map(|&months| tried(scenario, outcome, delay, Decimal::from(months)))
                .collect::<Vec<_>>();
            // A delay that moves the first breach says the most; any effect will do.
            let best = tried
                .iter()
                .find(|(_, effect)| effect.moves_breach)
                .or_else(|| tried.first());
            if let Some((value, effect)) = best {
                tries.push(Try {
                    text: format!(
                        "Drag \"{}\" to {}: {}.",
                        delay.label,
                        lever_value_text(value, delay.unit),
                        effect.text
                    ),
                    change: Some((delay.path.clone(), value.clone())),
                });
            }
        }
        let funding_need = outcome.kpis.funding_need;
        if funding_need > Decimal::ZERO {
            let raise = find(&|lever| lever.path == "ipo.amount")
                .or_else(|| find(&|lever| lever.path.ends_with(".draws.total")));
            if let Some(raise) = raise
                && let LeverValue::Number(now) = raise.value
                && let Some((value, effect)) = tried(scenario, outcome, raise, now + funding_need)
            {
                tries.push(Try {
                    text: format!(
                        "Raise \"{}\" by the funding need ({}) to {}: {}.",
                        raise.label,
                        busd(funding_need),
                        lever_value_text(&value, raise.unit),
                        effect.text
                    ),
                    change: Some((raise.path.clone(), value)),
                });
            }
        } else if let Some(rate) = find(&|lever| lever.path == "rates.sofr_pct")
            && let LeverValue::Number(now) = rate.value
        {
            let breaks = RATE_RISES_TO_TRY.iter().find_map(|&rise| {
                let (value, effect) = tried(scenario, outcome, rate, now + Decimal::from(rise))?;
                effect.moves_breach.then_some((value, effect))
            });
            if let Some((value, effect)) = breaks {
                tries.push(Try {
                    text: format!(
                        "Push \"{}\" up to {}: {}.",
                        rate.label,
                        lever_value_text(&value, rate.unit),
                        effect.text
                    ),
                    change: Some((rate.path.clone(), value)),
                });
            }
        }
        if let Some(prices) = find(&|lever| {
            lever.path == "market.price_decline_pct_per_year"
                && matches!(lever.kind, LeverKind::Number { .. })
        }) && let Some((value, effect)) =
            tried(scenario, outcome, prices, Decimal::from(GPU_PRICE_FALL_PCT))
        {
            tries.push(Try {
                text: format!(
                    "Set \"{}\" to {}, about how fast GPU rental prices fell in 2023-25: {}.",
                    prices.label,
                    lever_value_text(&value, prices.unit),
                    effect.text
                ),
                change: Some((prices.path.clone(), value)),
            });
        }
        tries.push(Try {
            text: "Pin a baseline (\"Pin baseline\"), change a lever, then open Compare to see \
                   every figure side by side."
                .to_owned(),
            change: None,
        });
        tries.truncate(MAX_TRIES);
        Self {
            name: scenario.meta.name.clone(),
            description: scenario.meta.description.clone(),
            tries,
        }
    }
}

/// What a change did to the figures a first-time user watches.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Effect {
    text: String,
    /// The first breach moved, came or went.
    moves_breach: bool,
}

/// Runs `scenario` with `lever` at `target` (rounded up to its step, kept inside its range;
/// nothing when that is its value now) and says what changed against `outcome`: the value tried and the effect, or
/// `None` when the run fails or none of the first breach, the funding need and minimum cash moves.
fn tried(
    scenario: &Scenario,
    outcome: &Outcome,
    lever: &Lever,
    target: Decimal,
) -> Option<(LeverValue, Effect)> {
    let LeverKind::Number { min, max, step, .. } = lever.kind else {
        return None;
    };
    // On the slider's grid (a raise by the funding need rounds up to the next step).
    let steps = ((target - min) / step).ceil();
    let on_grid = min.checked_add(steps.checked_mul(step)?)?;
    let value = LeverValue::Number(on_grid.clamp(min, max).normalize());
    if value == lever.value {
        return None;
    }
    let axis = Axis::resolve(scenario, &lever.path).ok()?;
    let changed = evaluate(scenario, &[(&axis, value.clone())]).ok()?;
    Some((value, effect(scenario, &outcome.kpis, &changed.kpis)?))
}

/// The effect of a change, from the KPIs before and after, in words.
fn effect(scenario: &Scenario, before: &Kpis, after: &Kpis) -> Option<Effect> {
    let breach = |kpis: &Kpis| {
        kpis.first_breach
            .as_ref()
            .map(|breach| (breach.month, covenant_name(scenario, &breach.covenant)))
    };
    let (was, now) = (breach(before), breach(after));
    let moved = |text: String| {
        Some(Effect {
            text,
            moves_breach: true,
        })
    };
    match (&was, &now) {
        (Some((_, name)), None) => {
            return moved(format!("every covenant then holds ({name} broke)"));
        }
        (None, Some((month, name))) => return moved(format!("{name} then breaks in {month}")),
        (Some((from, old)), Some((to, new))) if was != now => {
            return moved(if old == new {
                format!("the first breach ({old}) moves from {from} to {to}")
            } else {
                format!("the first breach moves from {old} in {from} to {new} in {to}")
            });
        }
        _ => {}
    }
    let changed = |what: &str, from: Decimal, to: Decimal| {
        (round_for_display(from) != round_for_display(to)).then(|| Effect {
            text: format!("{what} goes from {} to {}", busd(from), busd(to)),
            moves_breach: false,
        })
    };
    changed("the funding need", before.funding_need, after.funding_need)
        .or_else(|| changed("minimum cash", before.min_cash, after.min_cash))
}

/// A covenant's name by its id (the id itself when the scenario has no such covenant).
fn covenant_name(scenario: &Scenario, id: &str) -> String {
    scenario
        .covenants
        .iter()
        .find(|covenant| covenant.id == id)
        .map_or_else(|| id.to_owned(), |covenant| covenant.name.clone())
}

/// The header as the app shows it: the story of the loaded preset (its baseline), built when
/// another preset is loaded or saved, not on every edit: its tips run changes to the preset,
/// and a header that rewrote itself under a drag would say different things every frame.
#[derive(Default)]
pub struct StoryHeader {
    /// The generation last checked, and the baseline the story was built for.
    checked: Option<u64>,
    baseline: Option<Scenario>,
    story: Story,
}

impl View for StoryHeader {
    fn ui(&mut self, ui: &mut Ui, view: &mut ViewContext<'_>) {
        let document = view.document;
        if self.checked != Some(document.generation()) {
            let baseline = document.baseline();
            if self.baseline.as_ref() != Some(baseline.scenario()) {
                let Ok(outcome) = crate::model::run(baseline) else {
                    return;
                };
                self.story = Story::new(baseline.scenario(), &outcome);
                self.baseline = Some(baseline.scenario().clone());
            }
            self.checked = Some(document.generation());
        }
        story_ui(ui, &self.story);
    }
}

/// Draws the header, open on first launch; the user can fold it.
pub fn story_ui(ui: &mut Ui, story: &Story) {
    CollapsingHeader::new(RichText::new(format!("About this scenario: {}", story.name)).strong())
        .id_salt("coreweave-whatif.story")
        .default_open(true)
        .show(ui, |ui| {
            if !story.description.is_empty() {
                ui.add(egui::Label::new(&story.description).wrap());
            }
            if !story.tries.is_empty() {
                ui.label(RichText::new("Things to try").small().weak());
                for try_this in &story.tries {
                    ui.horizontal_wrapped(|ui| {
                        ui.label("•");
                        ui.add(egui::Label::new(&try_this.text).wrap());
                    });
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SHIPPED_PRESETS, default_scenario, parse_preset, run};

    #[test]
    fn the_s1_base_story_names_its_levers_by_label() {
        let valid = default_scenario();
        let outcome = run(&valid).expect("s1-base runs");
        let story = Story::new(valid.scenario(), &outcome);
        assert_eq!(story.name, valid.scenario().meta.name);
        assert!(story.description.contains("S-1"), "{}", story.description);
        assert!(story.tries.len() >= 2, "{:?}", story.tries);
        assert!(
            story.tries.iter().all(|tip| !tip.text.contains("_pct")
                && !tip.text.contains(".delay_months")
                && !tip.text.contains("§")),
            "no paths or spec references: {:?}",
            story.tries
        );
    }

    /// Every tip on every shipped preset: made, the change does what the tip says.
    #[test]
    fn every_tip_says_what_its_change_really_does() {
        for (stem, text) in SHIPPED_PRESETS {
            let valid = parse_preset(text).expect("shipped presets parse");
            let scenario = valid.scenario();
            let outcome = run(&valid).expect("runs");
            let story = Story::new(scenario, &outcome);
            for tip in &story.tries {
                let Some((path, value)) = &tip.change else {
                    continue;
                };
                let lever = levers(scenario)
                    .into_iter()
                    .find(|lever| lever.path == *path)
                    .expect("a lever");
                assert_ne!(lever.value, *value, "{stem}: {} is already there", tip.text);
                assert!(
                    tip.text.contains(&format!("\"{}\"", lever.label))
                        && tip.text.contains(&lever_value_text(value, lever.unit)),
                    "{stem}: the tip names the lever and the value: {}",
                    tip.text
                );
                let axis = Axis::resolve(scenario, path).expect("an axis");
                let changed = evaluate(scenario, &[(&axis, value.clone())]).expect("runs");
                let said = effect(scenario, &outcome.kpis, &changed.kpis)
                    .unwrap_or_else(|| panic!("{stem}: {} changes nothing", tip.text));
                assert!(
                    tip.text.ends_with(&format!("{}.", said.text)),
                    "{stem}: {}",
                    tip.text
                );
                if tip.text.contains("first breach") || tip.text.contains("covenant then holds") {
                    assert_ne!(
                        outcome.kpis.first_breach, changed.kpis.first_breach,
                        "{stem}: {}",
                        tip.text
                    );
                }
            }
        }
    }

    #[test]
    fn a_lever_already_at_the_suggested_value_is_not_suggested() {
        let valid = parse_preset(
            SHIPPED_PRESETS
                .iter()
                .find(|(stem, _)| *stem == "gpu-price-crash")
                .expect("shipped")
                .1,
        )
        .expect("parses");
        let outcome = run(&valid).expect("runs");
        let story = Story::new(valid.scenario(), &outcome);
        assert!(
            story
                .tries
                .iter()
                .all(|tip| !tip.text.contains("GPU rental prices fell")),
            "gpu-price-crash's decline is 40 % already: {:?}",
            story.tries
        );
    }

    #[test]
    fn the_effect_of_a_change_names_the_covenant_and_the_months() {
        let valid = default_scenario();
        let scenario = valid.scenario();
        let outcome = run(&valid).expect("runs");
        let kpis = &outcome.kpis;
        let breach = kpis.first_breach.clone().expect("s1-base breaches");
        let name = covenant_name(scenario, &breach.covenant);
        let mut later = kpis.clone();
        later.first_breach = Some(crate::model::Breach {
            month: breach.month.plus(3),
            covenant: breach.covenant.clone(),
        });
        let moved = effect(scenario, kpis, &later).expect("an effect");
        assert!(moved.moves_breach);
        assert_eq!(
            moved.text,
            format!(
                "the first breach ({name}) moves from {} to {}",
                breach.month,
                breach.month.plus(3)
            )
        );
        let mut holds = kpis.clone();
        holds.first_breach = None;
        assert_eq!(
            effect(scenario, kpis, &holds).expect("an effect").text,
            format!("every covenant then holds ({name} broke)")
        );
        assert_eq!(effect(scenario, kpis, kpis), None, "no change, no effect");
    }
}
