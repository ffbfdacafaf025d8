//! The memo from what the app holds: the document, the pinned baseline and the tornado tab's KPI
//! and span. The memo itself (text and charts) is [`crate::report::memo`], which the CLI's `memo`
//! writes too; this only gathers the app's state into its input.

use std::path::Path;

use super::baseline::PinnedBaseline;
use super::document::{Document, DocumentError};
use super::tornado_tab::{self, TornadoTab};
use crate::io::{self, FileError};
use crate::model::levers;
use crate::report::{self, Memo, MemoBaseline, MemoInput, MemoTornado};

/// Why the memo could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum MemoError {
    #[error(transparent)]
    NoOutcome(#[from] DocumentError),
    #[error(transparent)]
    File(#[from] FileError),
}

/// The memo of the document as it is now, its charts linked under `image_stem` if given.
/// Uses the tornado tab's result for the scenario, or computes it now if the tab has none.
pub fn app_memo(
    document: &Document,
    pinned: Option<&PinnedBaseline>,
    tornado: &TornadoTab,
    image_stem: Option<&str>,
) -> Result<Memo, MemoError> {
    let outcome = document.outcome()?;
    let (kpi, span) = (tornado.kpi().clone(), tornado.span());
    let computed;
    let result = match tornado.current_result(document) {
        Some(result) => Some(result),
        None => {
            computed = tornado_tab::compute(document.scenario(), &kpi, span).ok();
            computed.as_ref()
        }
    };
    let preset_levers = levers(document.baseline().scenario());
    let origin = document.origin().display_name();
    let input = MemoInput {
        origin: &origin,
        scenario: document.scenario(),
        levers: document.levers(),
        preset_levers: &preset_levers,
        outcome,
        baseline: pinned.map(|pinned| MemoBaseline {
            name: &pinned.name,
            outcome: &pinned.outcome,
        }),
        tornado: result.map(|result| MemoTornado {
            kpi: &kpi,
            span,
            base: result.base,
            bars: &result.bars,
        }),
        image_stem,
    };
    Ok(report::memo(&input))
}

/// Writes the memo to `path` and its charts beside it, each atomically.
pub fn export_memo(
    path: &Path,
    document: &Document,
    pinned: Option<&PinnedBaseline>,
    tornado: &TornadoTab,
) -> Result<(), MemoError> {
    let stem = io::memo_image_stem(path);
    let memo = app_memo(document, pinned, tornado, Some(&stem))?;
    io::write_memo(path, &stem, &memo)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::theme;
    use crate::report::{Rgb, palette};
    use eframe::egui::Color32;

    fn rgb(color: Color32) -> Rgb {
        Rgb(color.r(), color.g(), color.b())
    }

    #[test]
    fn the_memo_draws_in_the_app_colours() {
        assert_eq!(palette::CASH, rgb(theme::CASH));
        assert_eq!(palette::LIQUIDITY, rgb(theme::LIQUIDITY));
        assert_eq!(palette::THRESHOLD, rgb(theme::THRESHOLD));
        assert_eq!(palette::GHOST, rgb(theme::GHOST));
        for (i, color) in palette::SERIES.iter().enumerate() {
            assert_eq!(*color, rgb(theme::series(i)), "series {i}");
        }
    }
}
