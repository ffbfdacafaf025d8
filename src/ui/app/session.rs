//! What the app keeps between runs (eframe storage), and how it starts: from the last session
//! if it can be read back, else on the embedded scenario.

use serde::{Deserialize, Serialize};

use super::{AppOptions, WhatIfApp};
use crate::model::{default_scenario, parse_preset, run, to_ron};
use crate::ui::baseline::PinnedBaseline;
use crate::ui::document::{Document, Origin};
use crate::ui::view::Tab;

/// What comes back on restart. Window size and panel state are egui's own.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub(super) struct Persisted {
    /// The working scenario as preset RON.
    scenario: Option<String>,
    /// The preset it is compared against, as RON.
    baseline: Option<String>,
    origin: Option<Origin>,
    tab: Tab,
    /// The pinned baseline: its name and scenario as RON.
    pinned: Option<(String, String)>,
}

impl Persisted {
    /// What `app` would bring back.
    pub(super) fn of(app: &WhatIfApp) -> Self {
        Self {
            scenario: to_ron(app.document.scenario()).ok(),
            baseline: to_ron(app.document.baseline().scenario()).ok(),
            origin: Some(app.document.origin().clone()),
            tab: app.tab,
            pinned: app.pinned.as_ref().and_then(|pinned| {
                let text = to_ron(pinned.scenario.scenario()).ok()?;
                Some((pinned.name.clone(), text))
            }),
        }
    }

    /// The pinned baseline it holds, run again; none if it does not read back or run (the
    /// app then starts with nothing pinned, as before it was pinned).
    fn pinned(&self) -> Option<PinnedBaseline> {
        let (name, text) = self.pinned.as_ref()?;
        let scenario = parse_preset(text).ok()?;
        let outcome = run(&scenario).ok()?;
        Some(PinnedBaseline::new(name.clone(), scenario, outcome))
    }

    /// The document it holds; the embedded scenario when any part does not read back, so a
    /// broken session never blocks the app.
    fn document(&self) -> Document {
        let restore = |text: &Option<String>| text.as_deref().and_then(|t| parse_preset(t).ok());
        match (
            restore(&self.scenario),
            restore(&self.baseline),
            self.origin.clone(),
        ) {
            (Some(scenario), Some(baseline), Some(origin)) => {
                Document::restored(scenario, baseline, origin)
            }
            _ => Document::new(default_scenario(), Origin::Shipped("s1-base".to_owned())),
        }
    }
}

impl WhatIfApp {
    /// The app on the embedded s1-base scenario, or on the last session's if storage has one.
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        let persisted: Persisted = cc
            .storage
            .and_then(|storage| eframe::get_value(storage, eframe::APP_KEY))
            .unwrap_or_default();
        let mut app = Self::from_persisted(&persisted);
        app.frame_stats.print = options.frame_stats;
        app
    }

    /// The app on the embedded s1-base scenario, ignoring any saved session.
    pub fn with_default_scenario() -> Self {
        Self::from_persisted(&Persisted::default())
    }

    pub(super) fn from_persisted(persisted: &Persisted) -> Self {
        let mut app = Self::with_document(persisted.document(), persisted.tab);
        app.pinned = persisted.pinned();
        app
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LeverValue, set_lever};
    use rust_decimal::Decimal;

    #[test]
    fn a_saved_session_restores_the_edited_scenario_and_its_baseline() {
        let mut app = WhatIfApp::with_default_scenario();
        app.edit("rates.sofr_pct", false, |scenario| {
            set_lever(
                scenario,
                "rates.sofr_pct",
                &LeverValue::Number(Decimal::new(61, 1)),
            )
        });
        assert!(app.document.is_dirty());
        app.tab = Tab::Ledger;
        // eframe stores values as RON text.
        let text = ron::to_string(&Persisted::of(&app)).expect("serialises");
        let restored = WhatIfApp::from_persisted(&ron::from_str(&text).expect("reads back"));
        assert_eq!(restored.document.scenario(), app.document.scenario());
        assert_eq!(restored.document.baseline(), app.document.baseline());
        assert_eq!(restored.tab, Tab::Ledger);
        assert!(restored.document.is_dirty());
    }

    #[test]
    fn a_pinned_baseline_survives_a_restart() {
        let mut app = WhatIfApp::with_default_scenario();
        app.pin(crate::ui::BaselineSource::Shipped(
            "management-plan".to_owned(),
        ));
        let pinned = app.pinned.as_ref().expect("pinned");
        let text = ron::to_string(&Persisted::of(&app)).expect("serialises");
        let restored = WhatIfApp::from_persisted(&ron::from_str(&text).expect("reads back"));
        let back = restored
            .pinned
            .as_ref()
            .expect("the baseline is still pinned");
        assert_eq!(back.name, "management-plan");
        assert_eq!(back.scenario, pinned.scenario);
        assert_eq!(back.outcome.kpis, pinned.outcome.kpis);
        assert!(
            restored.memo().expect("memo").contains("management-plan"),
            "the memo compares against the restored baseline"
        );
    }

    #[test]
    fn a_session_from_before_pinning_was_kept_restores_nothing_pinned() {
        let restored: Persisted = ron::from_str("(tab: Ledger)").expect("reads");
        assert!(WhatIfApp::from_persisted(&restored).pinned.is_none());
    }

    #[test]
    fn an_unreadable_session_falls_back_to_the_embedded_scenario() {
        let restored: Persisted =
            ron::from_str("(scenario: Some(\"not a preset\"), unknown: 1)").unwrap_or_default();
        let app = WhatIfApp::from_persisted(&restored);
        assert_eq!(
            app.document.valid_scenario(),
            &default_scenario(),
            "a broken session never blocks the app"
        );
    }
}
