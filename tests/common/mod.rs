//! Helpers shared by the integration tests (each test file uses what it needs).
#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::PathBuf;

/// A fresh scratch directory for files one test writes, unique to this process.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("coreweave-whatif-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// A shipped preset's text by file stem.
pub fn shipped(stem: &str) -> &'static str {
    coreweave_whatif::model::SHIPPED_PRESETS
        .iter()
        .find(|(name, _)| *name == stem)
        .map(|(_, text)| *text)
        .unwrap_or_else(|| panic!("no shipped preset {stem}"))
}

/// The app on the embedded s1-base scenario, headless, after its first frames.
pub fn harness() -> egui_kittest::Harness<'static, coreweave_whatif::ui::WhatIfApp> {
    harness_sized([1440.0, 900.0])
}

/// [`harness`] in a window of `size`.
pub fn harness_sized(
    size: [f32; 2],
) -> egui_kittest::Harness<'static, coreweave_whatif::ui::WhatIfApp> {
    let mut harness = egui_kittest::Harness::builder()
        .with_size(size)
        // Background jobs (breach shading, analyses) repaint until they finish: `run` may take
        // a few more frames than kittest's default 4 to go quiet.
        .with_max_steps(64)
        .build_eframe(|_cc| coreweave_whatif::ui::WhatIfApp::with_default_scenario());
    harness.run();
    harness
}

/// Two quarters of reported figures: every figure in 2025-03, all but cash in 2025-06 (seven
/// backtest rows).
pub fn two_reported_quarters() -> Vec<coreweave_whatif::model::Reported> {
    use coreweave_whatif::model::{Month, Reported};
    use rust_decimal_macros::dec;
    vec![
        Reported {
            month: Month::ym(2025, 3),
            revenue_quarter: Some(dec!(981.6)),
            cash: Some(dec!(1300)),
            debt: Some(dec!(8800)),
            mw_online: Some(dec!(420)),
            net_income_quarter: None,
            adjusted_operating_income_quarter: None,
            interest_expense_quarter: None,
            source: "Q1 2025 10-Q".to_owned(),
        },
        Reported {
            month: Month::ym(2025, 6),
            revenue_quarter: Some(dec!(1212.8)),
            cash: None,
            debt: Some(dec!(11171.5)),
            mw_online: Some(dec!(470)),
            net_income_quarter: None,
            adjusted_operating_income_quarter: None,
            interest_expense_quarter: None,
            source: String::new(),
        },
    ]
}

/// The shipped s1-base preset reporting exactly `reported` (whatever the shipped file reports),
/// written as a preset file in `dir`; returns its path and the scenario.
pub fn s1_base_reporting_file(
    dir: &std::path::Path,
    name: &str,
    reported: Vec<coreweave_whatif::model::Reported>,
) -> (PathBuf, coreweave_whatif::model::ValidScenario) {
    let mut scenario =
        coreweave_whatif::model::parse_scenario(shipped("s1-base")).expect("s1-base parses");
    scenario.reported = reported;
    let text = coreweave_whatif::model::to_ron(&scenario).expect("s1-base serialises");
    let valid = coreweave_whatif::model::parse_preset(&text)
        .unwrap_or_else(|err| panic!("s1-base with reported figures: {err}"));
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the preset");
    (path, valid)
}

/// A v2 scenario of 12 months with $1,000M of cash, no rates and no costs, plus `extra`
/// sections: the blank page the hand-derived spec tests write on.
pub fn bare_v2(extra: &str) -> String {
    format!(
        r#"(
        meta: (name: "bare v2", format_version: 2),
        horizon_months: 12,
        opening: (cash: "1000", mw_online: "0"),
        rates: (sofr_pct: "0"),
        opex: (cost_of_revenue_pct: "0", other_opex_pct: "0", fixed_monthly: "0"),
        {extra}
    )"#
    )
}

/// [`bare_v2`] with `extra`, validated and run.
pub fn bare_v2_outcome(extra: &str) -> coreweave_whatif::model::Outcome {
    let valid = coreweave_whatif::model::parse_preset(&bare_v2(extra))
        .unwrap_or_else(|err| panic!("{err}\n{extra}"));
    coreweave_whatif::model::run(&valid).expect("runs")
}

/// Why [`bare_v2`] with `extra` is refused.
pub fn bare_v2_error(extra: &str) -> String {
    match coreweave_whatif::model::parse_preset(&bare_v2(extra)) {
        Ok(_) => panic!("should be refused:\n{extra}"),
        Err(err) => err.to_string(),
    }
}

/// [`harness`] with the native file dialog made unavailable: every file dialog is the app's own.
pub fn harness_with_builtin_dialog()
-> egui_kittest::Harness<'static, coreweave_whatif::ui::WhatIfApp> {
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1440.0, 900.0])
        .with_max_steps(64)
        .build_eframe(|_cc| {
            coreweave_whatif::ui::WhatIfApp::with_default_scenario().with_builtin_file_dialog()
        });
    harness.run();
    harness
}

/// Runs `coreweave-whatif ARGS…` in-process; what it printed, or its error with its causes.
pub fn cli(args: &[&str]) -> Result<String, String> {
    use clap::Parser;
    use coreweave_whatif::cli::{Cli, execute};
    let parsed =
        Cli::try_parse_from(std::iter::once("coreweave-whatif").chain(args.iter().copied()))
            .map_err(|err| err.to_string())?;
    let command = parsed.command.ok_or("no subcommand")?;
    let mut out = Vec::new();
    execute(command, &mut out).map_err(|err| format!("{err:#}"))?;
    String::from_utf8(out).map_err(|err| err.to_string())
}

/// The `position`-th point of a lever's grid, wrapped into its range: proptests draw any `u32`
/// and land on a value the lever accepts.
pub fn grid_value(
    kind: &coreweave_whatif::model::LeverKind,
    position: u32,
) -> coreweave_whatif::model::LeverValue {
    use coreweave_whatif::model::{LeverKind, LeverValue};
    use rust_decimal::Decimal;
    match kind {
        LeverKind::Number { min, max, step, .. } => {
            let points = ((max - min) / step).floor();
            let index = Decimal::from(position) % (points + Decimal::ONE);
            LeverValue::Number((min + index * step).min(*max))
        }
        LeverKind::Month { min, max } => {
            let span = (max.index() - min.index() + 1) as u32;
            LeverValue::Month(min.plus((position % span) as i32))
        }
        LeverKind::Choice { choices } => {
            LeverValue::Choice(choices[position as usize % choices.len()])
        }
    }
}

/// One view alone on `document`, headless, in a window of `size` (not yet run); the commands it
/// pushes are dropped.
pub fn view_harness<V: coreweave_whatif::ui::view::View + 'static>(
    view: V,
    document: coreweave_whatif::ui::document::Document,
    size: [f32; 2],
) -> egui_kittest::Harness<'static, (V, coreweave_whatif::ui::document::Document)> {
    use coreweave_whatif::ui::document::Document;
    use coreweave_whatif::ui::view::ViewContext;
    egui_kittest::Harness::builder()
        .with_size(size)
        .build_ui_state(
            |ui, (view, document): &mut (V, Document)| {
                let mut commands = Vec::new();
                let mut context = ViewContext {
                    document,
                    baseline: None,
                    commands: &mut commands,
                };
                view.ui(ui, &mut context);
            },
            (view, document),
        )
}

/// The levers panel and the document it shows.
pub struct PanelState {
    pub panel: coreweave_whatif::ui::levers_panel::LeversPanel,
    pub document: coreweave_whatif::ui::document::Document,
}

/// The levers panel alone on `document`, `width` points wide and tall enough for every lever,
/// refreshing its background breach shading each frame as the app does (not yet run).
pub fn panel_harness(
    document: coreweave_whatif::ui::document::Document,
    width: f32,
) -> egui_kittest::Harness<'static, PanelState> {
    use coreweave_whatif::ui::view::{View, ViewContext};
    let state = PanelState {
        panel: Default::default(),
        document,
    };
    egui_kittest::Harness::builder()
        .with_size([width, 2400.0])
        .with_max_steps(400)
        .build_ui_state(
            |ui, state: &mut PanelState| {
                let mut commands = Vec::new();
                let mut view = ViewContext {
                    document: &state.document,
                    baseline: None,
                    commands: &mut commands,
                };
                state.panel.ui(ui, &mut view);
                state.panel.update_shading(ui.ctx(), &state.document);
            },
            state,
        )
}
