//! The pinned baseline: a scenario (the current one, or a shipped preset) kept beside the
//! working one, with its outcome and its chart points. The app owns it; views read it through
//! [`super::view::ViewContext::baseline`] (ghost lines on the charts, the Compare tab).

use super::charts::ChartData;
use crate::model::{Outcome, ValidScenario};

/// A pinned scenario and what the model made of it.
pub struct PinnedBaseline {
    pub name: String,
    pub scenario: ValidScenario,
    pub outcome: Outcome,
    pub chart_data: ChartData,
}

impl PinnedBaseline {
    pub fn new(name: String, scenario: ValidScenario, outcome: Outcome) -> Self {
        let chart_data = ChartData::new(&outcome, scenario.scenario());
        Self {
            name,
            scenario,
            outcome,
            chart_data,
        }
    }
}
