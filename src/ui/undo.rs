//! Undo and redo over whole scenarios, one step per finished drag or edit.
//!
//! A drag changes the scenario every frame; those changes are coalesced: the scenario from
//! before the drag is held as `pending` and becomes one undo step when the pointer is released.

use crate::model::ValidScenario;

/// Most steps kept; a scenario is a few kB, so this bounds memory to a few MB.
const MAX_STEPS: usize = 200;

#[derive(Default)]
pub struct UndoHistory {
    undo: Vec<ValidScenario>,
    redo: Vec<ValidScenario>,
    /// The scenario before a drag in progress.
    pending: Option<ValidScenario>,
}

impl UndoHistory {
    /// Records `before` as the state an edit started from. A `continuing` edit (a drag) joins
    /// the step already pending instead of starting a new one.
    pub fn record(&mut self, before: &ValidScenario, continuing: bool) {
        if continuing {
            if self.pending.is_none() {
                self.pending = Some(before.clone());
            }
        } else {
            self.finish_pending();
            self.push(before.clone());
        }
        self.redo.clear();
    }

    /// Ends a drag: its starting state becomes one undo step.
    pub fn finish_pending(&mut self) {
        if let Some(before) = self.pending.take() {
            self.push(before);
        }
    }

    fn push(&mut self, before: ValidScenario) {
        if self.undo.last() != Some(&before) {
            self.undo.push(before);
            if self.undo.len() > MAX_STEPS {
                self.undo.remove(0);
            }
        }
    }

    /// The scenario to go back to from `current`, if any.
    pub fn undo(&mut self, current: &ValidScenario) -> Option<ValidScenario> {
        self.finish_pending();
        let previous = self.undo.pop()?;
        self.redo.push(current.clone());
        Some(previous)
    }

    /// The scenario to go forward to from `current`, if any.
    pub fn redo(&mut self, current: &ValidScenario) -> Option<ValidScenario> {
        let next = self.redo.pop()?;
        self.undo.push(current.clone());
        Some(next)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty() || self.pending.is_some()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Forgets every step (a different scenario was opened).
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LeverValue, default_scenario, set_lever, validate};
    use rust_decimal::Decimal;

    fn with_sofr(pct: i64) -> ValidScenario {
        let mut scenario = default_scenario().into_scenario();
        set_lever(
            &mut scenario,
            "rates.sofr_pct",
            &LeverValue::Number(Decimal::from(pct)),
        )
        .expect("sofr is a lever");
        validate(scenario).expect("valid")
    }

    #[test]
    fn a_drag_is_one_step_and_redo_returns_to_its_end() {
        let mut history = UndoHistory::default();
        let (start, middle, end) = (with_sofr(1), with_sofr(2), with_sofr(3));
        history.record(&start, true);
        history.record(&middle, true);
        history.finish_pending();
        assert_eq!(history.undo(&end), Some(start.clone()));
        assert!(!history.can_undo());
        assert_eq!(history.redo(&start), Some(end));
    }

    #[test]
    fn a_new_edit_clears_redo() {
        let mut history = UndoHistory::default();
        let (a, b) = (with_sofr(1), with_sofr(2));
        history.record(&a, false);
        assert_eq!(history.undo(&b), Some(a.clone()));
        history.record(&a, false);
        assert!(!history.can_redo());
    }
}
