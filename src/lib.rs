//! coreweave-whatif: a what-if model of a debt-financed GPU cloud, its CLI and its desktop app.
//!
//! [`model`] is the pure engine; [`report`] writes its figures as text; [`preset_file`] reads and
//! writes presets on disk;
//! [`cli`] is the headless interface; [`ui`] is the desktop app.

pub mod cli;
pub mod cli_analysis;
pub mod cli_scenario;
pub mod model;
pub mod preset_file;
pub mod report;
pub mod ui;
