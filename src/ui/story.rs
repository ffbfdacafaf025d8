//! The header that tells a first-time user what they are looking at: the preset's description
//! and two or three things to try, drawn from the levers this scenario has. It folds away, and
//! egui remembers that it was folded.

use eframe::egui;
use eframe::egui::{CollapsingHeader, RichText, Ui};
use rust_decimal::Decimal;

use super::view::{View, ViewContext};
use crate::model::{Group, Lever, LeverKind, Outcome, Scenario, levers};
use crate::report::format::busd;

/// What the header says for one scenario and its outcome. Build it when the outcome changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Story {
    pub name: String,
    pub description: String,
    /// Short imperative sentences naming levers by their labels.
    pub tries: Vec<String>,
}

/// The most suggestions the header shows.
const MAX_TRIES: usize = 3;

impl Story {
    pub fn new(scenario: &Scenario, outcome: &Outcome) -> Self {
        let all = levers(scenario);
        let find = |wanted: &dyn Fn(&Lever) -> bool| all.iter().find(|lever| wanted(lever));
        let mut tries = Vec::new();
        let breach = outcome.kpis.first_breach.as_ref();
        if let Some(delay) = find(&|lever| {
            lever.group == Group::DeliveryPartners && lever.path.ends_with(".delay_months")
        }) {
            let effect = match breach {
                Some(breach) => format!(
                    "watch the first breach ({} in {}) move",
                    breach.covenant, breach.month
                ),
                None => "watch when the first covenant breaks".to_owned(),
            };
            tries.push(format!(
                "Drag \"{}\" to 6 or 12 months and {effect}.",
                delay.label
            ));
        }
        let funding_need = outcome.kpis.funding_need;
        if funding_need > Decimal::ZERO {
            if let Some(raise) = find(&|lever| lever.path == "ipo.amount")
                .or_else(|| find(&|lever| lever.path.ends_with(".draws.total")))
            {
                tries.push(format!(
                    "Raise \"{}\" by the funding need ({}) and see whether every covenant then \
                     holds.",
                    raise.label,
                    busd(funding_need)
                ));
            }
        } else if let Some(rate) = find(&|lever| lever.path == "rates.sofr_pct") {
            tries.push(format!(
                "Push \"{}\" up and see how much interest it takes to break a covenant.",
                rate.label
            ));
        }
        if let Some(prices) = find(&|lever| {
            lever.path == "market.price_decline_pct_per_year"
                && matches!(lever.kind, LeverKind::Number { .. })
        }) {
            tries.push(format!(
                "Set \"{}\" to 40 % a year: GPU rental prices fell about that fast in 2023-25.",
                prices.label
            ));
        }
        tries.push(
            "Pin a baseline (\"Pin baseline\"), change a lever, then open Compare to see every \
             figure side by side."
                .to_owned(),
        );
        tries.truncate(MAX_TRIES);
        Self {
            name: scenario.meta.name.clone(),
            description: scenario.meta.description.clone(),
            tries,
        }
    }
}

/// The header as the app shows it: the story of the document's scenario, rebuilt only when the
/// scenario changes (building it walks the lever registry).
#[derive(Default)]
pub struct StoryHeader {
    generation: Option<u64>,
    story: Story,
}

impl View for StoryHeader {
    fn ui(&mut self, ui: &mut Ui, view: &mut ViewContext<'_>) {
        let document = view.document;
        if self.generation != Some(document.generation()) {
            let Ok(outcome) = document.outcome() else {
                return;
            };
            self.story = Story::new(document.scenario(), outcome);
            self.generation = Some(document.generation());
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
                        ui.add(egui::Label::new(try_this).wrap());
                    });
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_scenario, run};

    #[test]
    fn the_s1_base_story_names_its_levers_by_label() {
        let valid = default_scenario();
        let outcome = run(&valid).expect("s1-base runs");
        let story = Story::new(valid.scenario(), &outcome);
        assert_eq!(story.name, valid.scenario().meta.name);
        assert!(story.description.contains("S-1"), "{}", story.description);
        assert_eq!(story.tries.len(), MAX_TRIES, "{:?}", story.tries);
        assert!(
            story.tries[0].starts_with("Drag \"Core Scientific: delivery delay\""),
            "{:?}",
            story.tries
        );
        assert!(
            story.tries.iter().all(|text| !text.contains("_pct")
                && !text.contains(".delay_months")
                && !text.contains("§")),
            "no paths or spec references: {:?}",
            story.tries
        );
    }
}
