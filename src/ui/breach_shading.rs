//! The breaching part of each visible slider's range, shaded red on its track.
//!
//! Computed off the UI thread with `analysis::breach_ranges` for the levers in open groups only,
//! after each change (not during a drag). Results are tagged with the scenario generation they
//! were computed for; a result for an older generation is never shown.

use std::collections::HashMap;

use eframe::egui;
use rayon::prelude::*;

use super::background::{POLL_INTERVAL, Task};
use super::document::Document;
use super::format::plot_f64;
use crate::model::analysis::{LeverRange, breach_ranges};
use crate::model::{LeverKind, LeverValue, Month};

/// Generation and the lever paths asked for.
type ShadingKey = (u64, Vec<String>);
type ShadingResult = Vec<(String, Vec<LeverRange>)>;

#[derive(Default)]
pub struct BreachShading {
    task: Task<ShadingKey, ShadingResult>,
    /// Breaching ranges by lever path, with the generation they are for.
    ranges: HashMap<String, (u64, Vec<LeverRange>)>,
}

impl BreachShading {
    /// Asks for the ranges of `visible` levers of the document, when not held already and no
    /// pointer is down (a drag refreshes when it ends).
    pub fn update(&mut self, ctx: &egui::Context, document: &Document, visible: &[String]) {
        if self.task.poll()
            && let Some(((generation, _), results)) = self.task.result()
        {
            for (path, ranges) in results {
                self.ranges
                    .insert(path.clone(), (*generation, ranges.clone()));
            }
        }
        let generation = document.generation();
        self.ranges.retain(|_, (g, _)| *g == generation);
        let missing: Vec<String> = visible
            .iter()
            .filter(|path| !self.ranges.contains_key(*path))
            .cloned()
            .collect();
        if self.task.is_running() {
            ctx.request_repaint_after(POLL_INTERVAL);
        }
        if missing.is_empty() || ctx.input(|input| input.pointer.any_down()) {
            return;
        }
        let key = (generation, missing);
        if self.task.running_key() == Some(&key) {
            return;
        }
        // The lever set being computed covers these paths already: let it finish.
        if let Some((g, paths)) = self.task.running_key()
            && *g == generation
            && key.1.iter().all(|path| paths.contains(path))
        {
            return;
        }
        let scenario = document.scenario().clone();
        let paths = key.1.clone();
        self.task.request(ctx, key, paths.len(), move |progress| {
            paths
                .par_iter()
                .filter_map(|path| {
                    if progress.is_cancelled() {
                        return None;
                    }
                    let ranges = breach_ranges(&scenario, path).ok()?;
                    progress
                        .done
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    Some((path.clone(), ranges))
                })
                .collect()
        });
        ctx.request_repaint_after(POLL_INTERVAL);
    }

    /// The breaching ranges of `path` for the scenario at `generation`, if computed.
    pub fn ranges(&self, path: &str, generation: u64) -> Option<&[LeverRange]> {
        self.ranges
            .get(path)
            .filter(|(g, _)| *g == generation)
            .map(|(_, ranges)| ranges.as_slice())
    }
}

/// A lever value as a slider position (number, or month index).
fn position(value: &LeverValue) -> Option<f64> {
    match value {
        LeverValue::Number(number) => Some(plot_f64(*number)),
        LeverValue::Month(month) => Some(f64::from(month.index())),
        LeverValue::Choice(_) => None,
    }
}

/// The breaching ranges as fractions `(from, to)` of the slider's `min..=max`, each widened by
/// half a grid step either side so a single breaching value still shows.
pub fn track_fractions(kind: &LeverKind, ranges: &[LeverRange]) -> Vec<(f32, f32)> {
    let (min, max, half_step) = match kind {
        LeverKind::Number { min, max, step, .. } => {
            (plot_f64(*min), plot_f64(*max), plot_f64(*step) / 2.0)
        }
        LeverKind::Month { min, max } => (
            f64::from(Month::index(*min)),
            f64::from(Month::index(*max)),
            0.5,
        ),
        LeverKind::Choice { .. } => return Vec::new(),
    };
    let span = max - min;
    if span <= 0.0 {
        return Vec::new();
    }
    ranges
        .iter()
        .filter_map(|range| {
            let from = position(&range.from)? - half_step;
            let to = position(&range.to)? + half_step;
            let f = ((from - min) / span).clamp(0.0, 1.0) as f32;
            let t = ((to - min) / span).clamp(0.0, 1.0) as f32;
            (t > f).then_some((f, t))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::analysis::breach_ranges;
    use crate::model::{default_scenario, levers};
    use rust_decimal::Decimal;

    #[test]
    fn a_breaching_range_maps_onto_the_track() {
        let kind = LeverKind::Number {
            min: Decimal::ZERO,
            max: Decimal::from(10),
            step: Decimal::ONE,
            whole: true,
        };
        let ranges = [LeverRange {
            from: LeverValue::Number(Decimal::from(6)),
            to: LeverValue::Number(Decimal::from(10)),
            from_index: 6,
            to_index: 10,
        }];
        assert_eq!(track_fractions(&kind, &ranges), vec![(0.55, 1.0)]);
    }

    #[test]
    fn the_core_scientific_delay_breaches_somewhere_in_its_range() {
        let valid = default_scenario();
        let ranges =
            breach_ranges(valid.scenario(), "core_scientific.delay_months").expect("ranges");
        let lever = levers(valid.scenario())
            .into_iter()
            .find(|lever| lever.path == "core_scientific.delay_months")
            .expect("a lever");
        let fractions = track_fractions(&lever.kind, &ranges);
        assert_eq!(fractions.len(), ranges.len());
        assert!(
            fractions
                .iter()
                .all(|(f, t)| 0.0 <= *f && f < t && *t <= 1.0)
        );
    }
}
