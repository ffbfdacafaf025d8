//! The scenario being edited, where it came from, and what the model made of it.
//!
//! The scenario is always a [`ValidScenario`]: an edit that validation refuses is never applied.
//! The outcome and the lever list are derived, and recomputed only when the scenario changes.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::model::{Lever, ModelError, Outcome, Scenario, ValidScenario, levers, run};
use crate::report::format::lever_value_text;

/// Why the document has no outcome to show or export.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// The model refused the scenario (a value at the edge of a range overflows).
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Not computed yet: only seen inside [`Document::new`].
    #[error("the scenario has not been run yet")]
    NotRun,
}

/// Where the loaded scenario came from; decides what Save does.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Origin {
    /// A preset compiled into the binary, by file stem. Never written: Save asks for a file.
    Shipped(String),
    /// A file on disk.
    File(PathBuf),
}

impl Origin {
    /// A short name for the title bar.
    pub fn display_name(&self) -> String {
        match self {
            Self::Shipped(stem) => stem.clone(),
            Self::File(path) => path.file_name().map_or_else(
                || path.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            ),
        }
    }

    /// The file Save writes to, if there is one.
    pub fn path(&self) -> Option<&PathBuf> {
        match self {
            Self::Shipped(_) => None,
            Self::File(path) => Some(path),
        }
    }
}

/// What undo brings back across an open: the working scenario, its baseline and its origin.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentState {
    pub scenario: ValidScenario,
    pub baseline: ValidScenario,
    pub origin: Origin,
}

/// The document: the working scenario, the preset it is compared against, and derived results.
pub struct Document {
    scenario: ValidScenario,
    /// The scenario as last loaded or saved: levers that differ from it are marked.
    baseline: ValidScenario,
    origin: Origin,
    levers: Vec<Lever>,
    baseline_levers: Vec<Lever>,
    outcome: Result<Outcome, DocumentError>,
    /// How long the last recompute (model run and lever list) took.
    recompute_time: Duration,
    /// Bumped on every recompute (and on every open), so views can cache what they derive from
    /// the outcome and background results can be matched to the scenario they were for.
    generation: u64,
}

impl Document {
    pub fn new(scenario: ValidScenario, origin: Origin) -> Self {
        let mut document = Self {
            baseline: scenario.clone(),
            baseline_levers: levers(scenario.scenario()),
            scenario,
            origin,
            levers: Vec::new(),
            outcome: Err(DocumentError::NotRun),
            recompute_time: Duration::ZERO,
            generation: 0,
        };
        document.recompute();
        document
    }

    /// A document restored from a previous session: `scenario` edited from `baseline`.
    pub fn restored(scenario: ValidScenario, baseline: ValidScenario, origin: Origin) -> Self {
        let mut document = Self::new(baseline, origin);
        document.replace_scenario(scenario);
        document
    }

    pub fn scenario(&self) -> &Scenario {
        self.scenario.scenario()
    }

    pub fn valid_scenario(&self) -> &ValidScenario {
        &self.scenario
    }

    pub fn baseline(&self) -> &ValidScenario {
        &self.baseline
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// Every lever with its current value, in registry order.
    pub fn levers(&self) -> &[Lever] {
        &self.levers
    }

    /// The levers at `paths` by label with their values now: "OpenAI contract: ramp months to
    /// 6 months".
    pub fn levers_text(&self, paths: &[&str]) -> String {
        let levers = self.levers();
        paths
            .iter()
            .map(
                |path| match levers.iter().find(|lever| lever.path == *path) {
                    Some(lever) => format!(
                        "{} to {}",
                        lever.label,
                        lever_value_text(&lever.value, lever.unit)
                    ),
                    None => (*path).to_owned(),
                },
            )
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The loaded preset's lever at `path`, if it has one.
    pub fn baseline_lever(&self, path: &str) -> Option<&Lever> {
        self.baseline_levers.iter().find(|lever| lever.path == path)
    }

    pub fn outcome(&self) -> Result<&Outcome, DocumentError> {
        self.outcome.as_ref().map_err(Clone::clone)
    }

    pub fn recompute_time(&self) -> Duration {
        self.recompute_time
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether the scenario differs from the file or preset it came from.
    pub fn is_dirty(&self) -> bool {
        self.scenario != self.baseline
    }

    /// Replaces the working scenario (an edit, an undo); recomputes only if it changed.
    pub fn replace_scenario(&mut self, scenario: ValidScenario) {
        if scenario != self.scenario {
            self.scenario = scenario;
            self.recompute();
        }
    }

    /// Opens another scenario: it becomes both the working copy and the baseline.
    pub fn open(&mut self, scenario: ValidScenario, origin: Origin) {
        // The generation keeps counting: results tagged with the previous document's
        // generations must never match the new one's.
        let generation = self.generation;
        *self = Self::new(scenario, origin);
        self.generation = generation.wrapping_add(1);
    }

    /// The scenario, baseline and origin, to come back to (undoing an open).
    pub fn state(&self) -> DocumentState {
        DocumentState {
            scenario: self.scenario.clone(),
            baseline: self.baseline.clone(),
            origin: self.origin.clone(),
        }
    }

    /// Goes back to `state`: only the scenario changes when the baseline and origin are the
    /// same (no recompute when nothing did); else it is opened like another document.
    pub fn restore(&mut self, state: DocumentState) {
        if state.baseline == self.baseline && state.origin == self.origin {
            self.replace_scenario(state.scenario);
        } else {
            self.open(state.baseline, state.origin);
            self.replace_scenario(state.scenario);
        }
    }

    /// Renames the working scenario (Save As names it after its new file). Refused, and the
    /// name kept, if validation would refuse the new name.
    pub fn rename(&mut self, name: &str) {
        if self.scenario.scenario().meta.name == name {
            return;
        }
        let mut renamed = self.scenario.scenario().clone();
        renamed.meta.name = name.to_owned();
        if let Ok(valid) = crate::model::validate(renamed) {
            self.replace_scenario(valid);
        }
    }

    /// After a save to `path`: the file now holds the working scenario.
    pub fn mark_saved(&mut self, path: PathBuf) {
        self.baseline = self.scenario.clone();
        self.baseline_levers = self.levers.clone();
        self.origin = Origin::File(path);
    }

    fn recompute(&mut self) {
        let started = Instant::now();
        self.outcome = run(&self.scenario).map_err(DocumentError::from);
        self.levers = levers(self.scenario.scenario());
        self.recompute_time = started.elapsed();
        self.generation = self.generation.wrapping_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_scenario;

    #[test]
    fn opening_another_scenario_never_reuses_a_generation() {
        let mut document = Document::new(default_scenario(), Origin::Shipped("s1-base".to_owned()));
        let before = document.generation();
        document.open(default_scenario(), Origin::Shipped("s1-base".to_owned()));
        assert_ne!(document.generation(), before);
    }
}
