//! The breaching part of each visible slider's range, shaded red on its track.
//!
//! Computed off the UI thread with `analysis::breach_ranges` for the sliders on screen only,
//! after each change (not during a drag: a job for an older scenario is cancelled at once).
//! Results are tagged with the scenario generation they were computed for; until the one for
//! the scenario as it is now arrives, the slider shows the last one dimmed ([`Shown::stale`]),
//! so the panel's layout does not move under a pointer.
//!
//! When every value of a lever breaches, an all-red track says nothing: then the lever also
//! gets the first breach month at a few values along its range ([`FirstBreachMark`]), so the
//! slider can show where moving it delays or hastens the first breach.
//!
//! At each end of a red stretch the same job runs the two neighbouring grid values and keeps
//! what decided each ([`Crossing`]): which covenant, in which month, by how much. The slider's
//! hover says it ([`LeverShading::edges_text`]), as `solve` does on the command line.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use eframe::egui;
use rayon::prelude::*;

use super::background::{JobKey, POLL_INTERVAL, Progress, Task};
use super::document::Document;
use super::format::plot_f64;
use crate::model::analysis::{
    Axis, Condition, Crossing, Evaluator, LeverRange, Margin, Side, failing_ranges_with,
};
use crate::model::{Lever, LeverKind, LeverValue, Month, Scenario, levers, set_lever};
use crate::report::format::{lever_value_text, signed_margin};

/// A shading job: the scenario generation and the lever paths asked for.
type ShadingKey = JobKey<Vec<String>>;
type ShadingResult = Vec<(String, Option<LeverShading>)>;

/// How many values along a fully breaching lever get their first breach month.
const FIRST_BREACH_SAMPLES: usize = 13;

/// Most range ends the slider's hover lists (the ones nearest the lever's value).
const EDGES_SHOWN: usize = 4;

/// The first breach month at one value of a lever whose whole range breaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirstBreachMark {
    pub value: LeverValue,
    pub first_breach: Month,
}

/// One lever's shading: where it breaches, and when every value does, the first breach month
/// along its range (low to high).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeverShading {
    pub ranges: Vec<LeverRange>,
    pub first_breach: Vec<FirstBreachMark>,
    /// Each end of a breaching range inside the slider, from the low end: the neighbouring
    /// grid values either side and what decided the verdict at each.
    pub edges: Vec<Crossing>,
}

impl LeverShading {
    /// True when no value of this lever alone avoids a breach.
    pub fn breaches_everywhere(&self) -> bool {
        !self.first_breach.is_empty()
    }

    /// How far the first breach moves across the range when every value breaches, the lever's
    /// values in its `unit`, e.g. "first breach in 2025-09 at 0 months and in 2026-03 at 36
    /// months"; `None` when it does not move.
    pub fn first_breach_moves(&self, unit: &str) -> Option<String> {
        let (first, last) = (self.first_breach.first()?, self.first_breach.last()?);
        let earliest = self.first_breach.iter().map(|m| m.first_breach).min()?;
        let latest = self.first_breach.iter().map(|m| m.first_breach).max()?;
        (earliest != latest).then(|| {
            format!(
                "first breach in {} at {} and in {} at {}",
                first.first_breach,
                lever_value_text(&first.value, unit),
                last.first_breach,
                lever_value_text(&last.value, unit)
            )
        })
    }

    /// What broke at each end of the red, for the slider's hover, a line a side, e.g.
    /// `Holds at 5.2 %: Minimum liquidity lowest +$120.00M (2026-03)` then
    /// `Fails at 5.3 %: Minimum liquidity -$4.00M in 2026-03`; at most `EDGES_SHOWN` ends,
    /// the ones nearest the lever's value. `None` when the track has no end inside it.
    pub fn edges_text(&self, lever: &Lever, scenario: &Scenario) -> Option<String> {
        if self.edges.is_empty() {
            return None;
        }
        let axis = Axis::from_lever(lever.clone());
        let here = axis.index_of(&lever.value);
        let mut shown: Vec<&Crossing> = self.edges.iter().collect();
        shown.sort_by_key(|edge| {
            let (low, high) = (axis.index_of(&edge.below), axis.index_of(&edge.above));
            low.saturating_sub(here).max(here.saturating_sub(high))
        });
        let hidden = shown.len().saturating_sub(EDGES_SHOWN);
        shown.truncate(EDGES_SHOWN);
        shown.sort_by_key(|edge| axis.index_of(&edge.below));
        let side = |holds: bool, value: &LeverValue, margin: &Margin| {
            format!(
                "{} at {}: {}",
                if holds { "Holds" } else { "Fails" },
                lever_value_text(value, lever.unit),
                margin_text(margin, scenario)
            )
        };
        let ends: Vec<String> = shown
            .iter()
            .map(|edge| {
                let low_holds = edge.holds_on == Side::Low;
                format!(
                    "{}\n{}",
                    side(low_holds, &edge.below, &edge.at_below),
                    side(!low_holds, &edge.above, &edge.at_above)
                )
            })
            .collect();
        let mut lines = vec![
            "Where the red starts or ends (the values either side):".to_owned(),
            ends.join("\n\n"),
        ];
        if hidden > 0 {
            lines.push(format!(
                "... and {hidden} more further from the lever's value."
            ));
        }
        let units: Vec<&str> = shown
            .iter()
            .flat_map(|edge| [&edge.at_below, &edge.at_above])
            .filter(|margin| margin.margin.is_some())
            .map(|margin| margin.unit)
            .collect();
        if units.contains(&"$M") {
            lines.push("Liquidity: money above (+) or below (-) its minimum.".to_owned());
        }
        if units.contains(&"%") {
            lines.push("Ratios: headroom against the limit, as a share of it.".to_owned());
        }
        Some(lines.join("\n"))
    }

    /// The slider fractions where the first breach month changes, between two sampled values.
    pub fn change_fractions(&self, kind: &LeverKind) -> Vec<f32> {
        let Some((min, max)) = bounds(kind) else {
            return Vec::new();
        };
        self.first_breach
            .windows(2)
            .filter(|pair| pair[0].first_breach != pair[1].first_breach)
            .filter_map(|pair| {
                let middle = (position(&pair[0].value)? + position(&pair[1].value)?) / 2.0;
                Some(((middle - min) / (max - min)).clamp(0.0, 1.0) as f32)
            })
            .collect()
    }
}

/// What decided the verdict at one value, in words: the covenant by its name, the month and
/// the signed margin. `Minimum liquidity lowest +$120.00M (2026-03)` where it holds,
/// `Minimum liquidity -$4.00M in 2026-03` where it breaches.
pub fn margin_text(margin: &Margin, scenario: &Scenario) -> String {
    let name = scenario
        .covenants
        .iter()
        .find(|covenant| covenant.id == margin.what)
        .map_or(margin.what.as_str(), |covenant| covenant.name.as_str());
    let value = margin.margin.map_or_else(
        || "not measurable".to_owned(),
        |m| signed_margin(m, margin.unit),
    );
    match (margin.holds, margin.month) {
        (true, Some(month)) => format!("{name} lowest {value} ({month})"),
        (false, Some(month)) => format!("{name} {value} in {month}"),
        (_, None) => format!("{name} {value}"),
    }
}

/// Each end of `ranges` that lies inside the grid, with the margin at the grid values either
/// side (two runs per end, shared where two ends touch), on clones of `evaluator` (validated
/// `scenario`). Stops early when cancelled.
fn range_edges(
    scenario: &Scenario,
    evaluator: &Evaluator,
    axis: &Axis,
    ranges: &[LeverRange],
    progress: &Progress,
) -> Vec<Crossing> {
    let ends: Vec<(usize, usize, Side)> = ranges
        .iter()
        .flat_map(|range| {
            let low =
                (range.from_index > 0).then(|| (range.from_index - 1, range.from_index, Side::Low));
            let high = (range.to_index + 1 < axis.len())
                .then(|| (range.to_index, range.to_index + 1, Side::High));
            low.into_iter().chain(high)
        })
        .collect();
    let mut indices: Vec<usize> = ends.iter().flat_map(|&(a, b, _)| [a, b]).collect();
    indices.sort_unstable();
    indices.dedup();
    let margins: HashMap<usize, Margin> = indices
        .par_iter()
        .map_init(
            || evaluator.clone(),
            |evaluator, &index| {
                if progress.is_cancelled() {
                    return None;
                }
                let outcome = evaluator.evaluate(&[(axis, axis.value_at(index))]).ok()?;
                Some((index, Condition::NoBreach.margin(scenario, outcome)))
            },
        )
        .flatten()
        .collect();
    ends.into_iter()
        .filter_map(|(low, high, holds_on)| {
            Some(Crossing {
                below: axis.value_at(low),
                above: axis.value_at(high),
                holds_on,
                at_below: margins.get(&low)?.clone(),
                at_above: margins.get(&high)?.clone(),
            })
        })
        .collect()
}

/// A lever's breaching ranges and, when they cover its whole grid, its first breach months.
fn lever_shading(scenario: &Scenario, path: &str, progress: &Progress) -> Option<LeverShading> {
    // Validated once for the ranges, the first breaches and the margins at the edges.
    let mut evaluator = Evaluator::new(scenario).ok()?;
    let axis = Axis::resolve(scenario, path).ok()?;
    let ranges = failing_ranges_with(&evaluator, &axis, &Condition::NoBreach).ok()?;
    let everywhere = matches!(ranges.as_slice(), [only] if only.from_index == 0 && only.to_index + 1 == axis.len());
    let first_breach = if everywhere && !progress.is_cancelled() {
        axis.spread(FIRST_BREACH_SAMPLES)
            .into_iter()
            .map(|index| {
                let value = axis.value_at(index);
                let outcome = evaluator.evaluate(&[(&axis, value.clone())]).ok()?;
                let first_breach = outcome.kpis.first_breach.as_ref()?.month;
                Some(FirstBreachMark {
                    value,
                    first_breach,
                })
            })
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let edges = if progress.is_cancelled() {
        Vec::new()
    } else {
        range_edges(scenario, &evaluator, &axis, &ranges, progress)
    };
    Some(LeverShading {
        ranges,
        first_breach,
        edges,
    })
}

/// One lever's shading as held: what the job found (`None` when the lever could not be shaded)
/// and the scenario, by generation, it was computed for.
struct Held {
    generation: u64,
    scenario: Arc<Scenario>,
    /// The lever as it is in `scenario` (its value and range there).
    lever: Option<Lever>,
    shading: Option<LeverShading>,
}

/// A lever's shading as the slider shows it: `stale` while the one for the scenario as it is
/// now is being computed (the slider shows the last one dimmed, so nothing around it moves).
#[derive(Clone, Copy, Debug)]
pub struct Shown<'a> {
    pub shading: &'a LeverShading,
    pub stale: bool,
}

#[derive(Default)]
pub struct BreachShading {
    task: Task<ShadingKey, ShadingResult>,
    /// The scenario the job in flight (or the last one) was started on.
    job_scenario: Option<(u64, Arc<Scenario>)>,
    /// Each lever's last shading by path; kept when the scenario changes until a fresh one
    /// replaces it, so the panel's layout holds while the new one is computed.
    held: HashMap<String, Held>,
    /// The generation and baseline `held` was last checked against.
    checked: Option<(u64, Arc<Scenario>)>,
}

impl BreachShading {
    /// Asks for the shading of `visible` levers of the document when not held for the scenario
    /// as it is now. A job for an older scenario is cancelled at once; while a pointer is down
    /// (a drag) no new job starts: the drag's end starts it.
    pub fn update(&mut self, ctx: &egui::Context, document: &Document, visible: &[String]) {
        if self.task.poll()
            && let Some((key, results)) = self.task.result()
            && let Some((generation, scenario)) = &self.job_scenario
            && *generation == key.generation
        {
            // One walk of the registry for the batch, not one per lever.
            let in_job = levers(scenario);
            for (path, shading) in results {
                self.held.insert(
                    path.clone(),
                    Held {
                        generation: *generation,
                        scenario: Arc::clone(scenario),
                        lever: in_job.iter().find(|lever| lever.path == *path).cloned(),
                        shading: shading.clone(),
                    },
                );
            }
        }
        let generation = document.generation();
        if self.checked.as_ref().map(|(g, _)| *g) != Some(generation) {
            self.carry_over(document);
        }
        if self
            .task
            .running_key()
            .is_some_and(|running| running.generation != generation)
        {
            self.task.cancel();
        }
        if self.task.is_running() {
            ctx.request_repaint_after(POLL_INTERVAL);
        }
        let missing: Vec<String> = visible
            .iter()
            .filter(|path| {
                self.held
                    .get(*path)
                    .is_none_or(|held| held.generation != generation)
            })
            .cloned()
            .collect();
        if missing.is_empty() || ctx.input(|input| input.pointer.any_down()) {
            return;
        }
        // The lever set being computed covers these paths already: let it finish.
        if let Some(running) = self.task.running_key()
            && running.generation == generation
            && missing.iter().all(|path| running.settings.contains(path))
        {
            return;
        }
        let key = JobKey::new(generation, missing);
        let scenario = Arc::new(document.scenario().clone());
        self.job_scenario = Some((generation, Arc::clone(&scenario)));
        let paths = key.settings.clone();
        self.task.request(ctx, key, paths.len(), move |progress| {
            shading_pool().install(|| {
                paths
                    .par_iter()
                    .map(|path| {
                        let shading = lever_shading(&scenario, path, progress);
                        progress
                            .done
                            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        (path.clone(), shading)
                    })
                    .collect()
            })
        });
        ctx.request_repaint_after(POLL_INTERVAL);
    }

    /// After a change: a lever's shading varies that lever alone over its range, so it holds
    /// unchanged when nothing but that lever's value moved; such shadings are taken as fresh.
    /// Another preset (a new baseline) drops every held shading: it said nothing about this one.
    fn carry_over(&mut self, document: &Document) {
        let generation = document.generation();
        let baseline = document.baseline().scenario();
        let same_preset = self
            .checked
            .as_ref()
            .is_some_and(|(_, held)| **held == *baseline);
        if !same_preset {
            self.held.clear();
        }
        let current = document.scenario();
        let mut shared: Option<Arc<Scenario>> = None;
        for (path, held) in &mut self.held {
            if held.generation == generation {
                continue;
            }
            // The document's lever list is already built: no walk of the registry per lever.
            let now = document.levers().iter().find(|lever| lever.path == *path);
            if let (Some(before), Some(after)) = (&held.lever, now)
                && only_lever_moved(&held.scenario, before, current, after)
            {
                held.generation = generation;
                held.scenario = Arc::clone(shared.get_or_insert_with(|| Arc::new(current.clone())));
                held.lever = Some(after.clone());
            }
        }
        self.checked = Some((
            generation,
            match &self.checked {
                Some((_, held)) if same_preset => Arc::clone(held),
                _ => Arc::new(baseline.clone()),
            },
        ));
    }

    /// The breaching ranges of `path` for the scenario at `generation`, if computed.
    pub fn ranges(&self, path: &str, generation: u64) -> Option<&[LeverRange]> {
        self.shading(path, generation)
            .map(|shading| shading.ranges.as_slice())
    }

    /// The whole shading of `path` for the scenario at `generation`, if computed.
    pub fn shading(&self, path: &str, generation: u64) -> Option<&LeverShading> {
        self.held
            .get(path)
            .filter(|held| held.generation == generation)
            .and_then(|held| held.shading.as_ref())
    }

    /// What the slider of `path` shows: its shading for the scenario at `generation`, or the
    /// last one held, marked stale.
    pub fn shown(&self, path: &str, generation: u64) -> Option<Shown<'_>> {
        let held = self.held.get(path)?;
        Some(Shown {
            shading: held.shading.as_ref()?,
            stale: held.generation != generation,
        })
    }

    /// Whether each of `paths` has its shading (or is known to have none) for `generation`.
    pub fn is_settled(&self, paths: &[String], generation: u64) -> bool {
        paths.iter().all(|path| {
            self.held
                .get(path)
                .is_some_and(|held| held.generation == generation)
        })
    }
}

/// The threads the shading runs on: one fewer than the machine has (at least one), so a
/// core stays free to draw the window while it runs, with stacks deep enough for the nested
/// parallel scans a cancelled job can leave a thread waiting under.
fn shading_pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores.saturating_sub(1).max(1))
            .stack_size(SHADING_STACK_BYTES)
            .thread_name(|i| format!("breach-shading-{i}"))
            .build()
            .unwrap_or_else(|_| {
                rayon::ThreadPoolBuilder::new()
                    .build()
                    .expect("a thread pool of default threads")
            })
    })
}

/// Stack of each shading thread.
const SHADING_STACK_BYTES: usize = 64 << 20;

/// Whether `new` is `old` with at most one lever set to another value, its range unchanged:
/// then that lever's shading on `old` is its shading on `new`. `before` and `after` are the
/// lever as it is in `old` and in `new`; only a lever whose value moved needs a copy of `old`
/// to set it on, for the others `new` must be `old`.
fn only_lever_moved(old: &Scenario, before: &Lever, new: &Scenario, after: &Lever) -> bool {
    if before.kind != after.kind {
        return false;
    }
    if before.value == after.value {
        return old == new;
    }
    let mut probe = old.clone();
    set_lever(&mut probe, &after.path, &after.value).is_ok() && probe == *new
}

/// A lever value as a slider position (number, or month index).
fn position(value: &LeverValue) -> Option<f64> {
    match value {
        LeverValue::Number(number) => Some(plot_f64(*number)),
        LeverValue::Month(month) => Some(f64::from(month.index())),
        LeverValue::Choice(_) => None,
    }
}

/// A slider's `(min, max)` as positions; `None` for a choice or an empty range.
fn bounds(kind: &LeverKind) -> Option<(f64, f64)> {
    let (min, max) = match kind {
        LeverKind::Number { min, max, .. } => (plot_f64(*min), plot_f64(*max)),
        LeverKind::Month { min, max } => (f64::from(min.index()), f64::from(max.index())),
        LeverKind::Choice { .. } => return None,
    };
    (max > min).then_some((min, max))
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
    use crate::model::analysis::{breach_ranges, evaluate};
    use crate::model::{default_scenario, levers};
    use rust_decimal::Decimal;

    #[test]
    fn a_shading_holds_after_a_change_of_its_own_lever_only() {
        let old = default_scenario().into_scenario();
        let find = |scenario: &Scenario, path: &str| {
            levers(scenario)
                .into_iter()
                .find(|lever| lever.path == path)
                .expect("a lever")
        };
        let sofr = |scenario: &Scenario| find(scenario, "rates.sofr_pct");
        let mut moved = old.clone();
        set_lever(
            &mut moved,
            "rates.sofr_pct",
            &LeverValue::Number(Decimal::from(7)),
        )
        .expect("in range");
        assert!(only_lever_moved(&old, &sofr(&old), &moved, &sofr(&moved)));
        assert!(
            only_lever_moved(&old, &sofr(&old), &old, &sofr(&old)),
            "nothing moved"
        );
        let mut two = moved.clone();
        set_lever(
            &mut two,
            "ddtl2.spread_pct",
            &LeverValue::Number(Decimal::from(9)),
        )
        .expect("in range");
        assert!(
            !only_lever_moved(&old, &sofr(&old), &two, &sofr(&two)),
            "another lever moved too: SOFR's shading is stale"
        );
        let spread = |scenario: &Scenario| find(scenario, "ddtl2.spread_pct");
        assert!(
            !only_lever_moved(&old, &spread(&old), &moved, &spread(&moved)),
            "the spread did not move but SOFR did"
        );
    }

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
    fn a_lever_that_breaches_everywhere_shows_where_the_first_breach_moves() {
        let valid = default_scenario();
        let path = "core_scientific.delay_months";
        let shading =
            lever_shading(valid.scenario(), path, &Progress::default()).expect("a shading");
        assert!(
            shading.breaches_everywhere(),
            "s1-base breaches at every Core Scientific delay: {:?}",
            shading.ranges
        );
        assert_eq!(shading.first_breach.len(), FIRST_BREACH_SAMPLES);
        let months: Vec<Month> = shading
            .first_breach
            .iter()
            .map(|m| m.first_breach)
            .collect();
        assert!(
            months.windows(2).all(|pair| pair[0] <= pair[1]),
            "a later delivery never brings the first breach forward: {months:?}"
        );
        // A line under the slider only when the first breach moves along the range.
        let moves = months.iter().min() != months.iter().max();
        assert_eq!(
            shading.first_breach_moves("months").is_some(),
            moves,
            "{months:?}"
        );
        let lever = levers(valid.scenario())
            .into_iter()
            .find(|lever| lever.path == path)
            .expect("a lever");
        let changes = shading.change_fractions(&lever.kind);
        assert_eq!(
            changes.len(),
            months.windows(2).filter(|pair| pair[0] != pair[1]).count()
        );
        assert!(changes.iter().all(|f| (0.0..=1.0).contains(f)));

        let sofr = lever_shading(valid.scenario(), "rates.sofr_pct", &Progress::default())
            .expect("a shading");
        assert_eq!(
            sofr.breaches_everywhere(),
            matches!(sofr.ranges.as_slice(), [only] if only.from_index == 0 && only.to.to_string() == "15"),
            "first breach months only for a lever red end to end: {:?}",
            sofr.ranges
        );
    }

    #[test]
    fn each_end_of_the_red_says_what_broke_on_either_side() {
        let valid = crate::model::parse_preset(
            crate::model::SHIPPED_PRESETS
                .iter()
                .find(|(name, _)| *name == "management-plan")
                .expect("shipped")
                .1,
        )
        .expect("parses");
        let scenario = valid.scenario();
        let path = "core_scientific.delay_months";
        let shading = lever_shading(scenario, path, &Progress::default()).expect("a shading");
        let axis = Axis::resolve(scenario, path).expect("a lever");
        let inside = shading
            .ranges
            .iter()
            .map(|range| {
                usize::from(range.from_index > 0) + usize::from(range.to_index + 1 < axis.len())
            })
            .sum::<usize>();
        assert!(
            inside > 0,
            "a long Core Scientific delay breaches the management plan: {:?}",
            shading.ranges
        );
        assert_eq!(
            shading.edges.len(),
            inside,
            "one crossing per end inside the track"
        );
        for edge in &shading.edges {
            let (holds, fails) = match edge.holds_on {
                Side::Low => (&edge.at_below, &edge.at_above),
                Side::High => (&edge.at_above, &edge.at_below),
            };
            assert!(holds.holds && !fails.holds, "{edge:?}");
            assert_eq!(axis.index_of(&edge.below) + 1, axis.index_of(&edge.above));
            // The same margins `solve` reports, run for run.
            for (value, margin) in [(&edge.below, &edge.at_below), (&edge.above, &edge.at_above)] {
                let outcome = evaluate(scenario, &[(&axis, value.clone())]).expect("runs");
                assert_eq!(*margin, Condition::NoBreach.margin(scenario, &outcome));
            }
        }
        let lever = crate::model::levers(scenario)
            .into_iter()
            .find(|lever| lever.path == path)
            .expect("a lever");
        let text = shading.edges_text(&lever, scenario).expect("a hover");
        assert!(
            text.contains("Holds at ") && text.contains("Fails at "),
            "{text}"
        );
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
