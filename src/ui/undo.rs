//! Undo and redo over whole scenarios, one step per finished drag or edit.
//!
//! A drag changes the scenario every frame; those changes are coalesced: the scenario from
//! before the drag is held as `pending` and becomes one undo step when the pointer is released.

use super::document::DocumentState;
use crate::model::ValidScenario;

/// Most steps kept; a scenario is a few kB, so this bounds memory to a few MB.
const MAX_STEPS: usize = 200;

/// One step back (or forward).
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// An edit: the scenario changed, its origin and baseline did not.
    Edit(Box<ValidScenario>),
    /// An open (or an undone one): the whole document, so its origin and name come back too.
    Open(Box<DocumentState>),
}

#[derive(Default)]
pub struct UndoHistory {
    undo: Vec<Step>,
    redo: Vec<Step>,
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
            self.push(Step::Edit(Box::new(before.clone())));
        }
        self.redo.clear();
    }

    /// Records the document as it was before another one was opened: one step back to it.
    pub fn record_open(&mut self, before: DocumentState) {
        self.finish_pending();
        self.push(Step::Open(Box::new(before)));
        self.redo.clear();
    }

    /// Ends a drag: its starting state becomes one undo step.
    pub fn finish_pending(&mut self) {
        if let Some(before) = self.pending.take() {
            self.push(Step::Edit(Box::new(before)));
        }
    }

    fn push(&mut self, before: Step) {
        if self.undo.last() != Some(&before) {
            self.undo.push(before);
            if self.undo.len() > MAX_STEPS {
                self.undo.remove(0);
            }
        }
    }

    /// The step to go back to from `current`, if any. `current` is kept for redo as the same
    /// kind of step: a whole document when an open is undone.
    pub fn undo(&mut self, current: &DocumentState) -> Option<Step> {
        self.finish_pending();
        let previous = self.undo.pop()?;
        self.redo.push(Self::like(&previous, current));
        Some(previous)
    }

    /// The step to go forward to from `current`, if any.
    pub fn redo(&mut self, current: &DocumentState) -> Option<Step> {
        let next = self.redo.pop()?;
        self.undo.push(Self::like(&next, current));
        Some(next)
    }

    /// `current` as a step of the same kind as `step`.
    fn like(step: &Step, current: &DocumentState) -> Step {
        match step {
            Step::Edit(_) => Step::Edit(Box::new(current.scenario.clone())),
            Step::Open(_) => Step::Open(Box::new(current.clone())),
        }
    }

    /// How many steps Undo can go back (a drag in progress counts as one).
    pub fn depth(&self) -> usize {
        self.undo.len() + usize::from(self.pending.is_some())
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty() || self.pending.is_some()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LeverValue, default_scenario, set_lever, validate};
    use crate::ui::document::Origin;
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

    fn state(scenario: &ValidScenario, stem: &str) -> DocumentState {
        DocumentState {
            scenario: scenario.clone(),
            baseline: scenario.clone(),
            origin: Origin::Shipped(stem.to_owned()),
        }
    }

    #[test]
    fn a_drag_is_one_step_and_redo_returns_to_its_end() {
        let mut history = UndoHistory::default();
        let (start, middle, end) = (with_sofr(1), with_sofr(2), with_sofr(3));
        history.record(&start, true);
        history.record(&middle, true);
        history.finish_pending();
        assert_eq!(
            history.undo(&state(&end, "a")),
            Some(Step::Edit(Box::new(start.clone())))
        );
        assert!(!history.can_undo());
        assert_eq!(
            history.redo(&state(&start, "a")),
            Some(Step::Edit(Box::new(end)))
        );
    }

    #[test]
    fn a_new_edit_clears_redo() {
        let mut history = UndoHistory::default();
        let (a, b) = (with_sofr(1), with_sofr(2));
        history.record(&a, false);
        assert_eq!(
            history.undo(&state(&b, "a")),
            Some(Step::Edit(Box::new(a.clone())))
        );
        history.record(&a, false);
        assert!(!history.can_redo());
    }

    #[test]
    fn undoing_an_open_keeps_the_opened_document_for_redo() {
        let mut history = UndoHistory::default();
        let (edited, opened) = (
            state(&with_sofr(4), "s1-base"),
            state(&with_sofr(1), "bear"),
        );
        history.record_open(edited.clone());
        assert_eq!(
            history.undo(&opened),
            Some(Step::Open(Box::new(edited.clone())))
        );
        assert_eq!(history.redo(&edited), Some(Step::Open(Box::new(opened))));
    }
}
