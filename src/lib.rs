//! coreweave-whatif: a what-if model of a debt-financed GPU cloud, its CLI and its desktop app.
//!
//! [`model`] is the pure engine; [`report`] writes its figures as text (tables, CSV, JSON, the
//! memo); [`io`] reads and writes files (presets, exports); [`cli`] is the headless interface;
//! [`ui`] is the desktop app. Imports point down that list: see `docs/architecture.md`.

pub mod cli;
pub mod cli_analysis;
pub mod cli_scenario;
pub mod io;
pub mod model;
pub mod report;
#[cfg(test)]
mod test_support;
pub mod ui;
