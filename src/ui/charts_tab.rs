//! The two chart tabs: "Cash & covenants" (cash and covenant headroom, with the pinned baseline
//! and the curve from before a drag as ghosts) and "Revenue, debt & capacity". Each keeps the
//! outcome as plot points until the scenario changes; the plotting is `charts`'.

use eframe::egui::{self, RichText, Ui};

use super::charts::{self, ChartData, Ghost};
use super::document::Document;
use super::view::{View, ViewContext};

/// The document's outcome as plot points, rebuilt only when its generation moves.
#[derive(Default)]
struct ChartCache {
    data: ChartData,
    generation: Option<u64>,
}

impl ChartCache {
    fn refresh(&mut self, document: &Document) -> &ChartData {
        let generation = document.generation();
        if self.generation != Some(generation) {
            self.generation = Some(generation);
            self.data = match document.outcome() {
                Ok(outcome) => ChartData::new(outcome, document.scenario()),
                Err(_) => ChartData::default(),
            };
        }
        &self.data
    }
}

/// "Cash & covenants".
#[derive(Default)]
pub struct ChartsTab {
    cache: ChartCache,
    /// The charts from before the drag in progress, drawn as a ghost until it ends.
    drag_ghost: Option<ChartData>,
}

impl ChartsTab {
    /// Brings the chart points up to the document; the app calls it every frame once edits are
    /// applied, so the pre-drag ghost and [`Self::data`] are current whichever tab is on show.
    pub fn refresh(&mut self, document: &Document) {
        self.cache.refresh(document);
    }

    /// The chart points as of the last [`Self::refresh`].
    pub fn data(&self) -> &ChartData {
        &self.cache.data
    }

    /// A drag is changing the scenario: keeps the charts from before it (once per drag).
    pub fn keep_drag_ghost(&mut self) {
        if self.drag_ghost.is_none() {
            self.drag_ghost = Some(self.cache.data.clone());
        }
    }

    /// The drag has ended: its ghost goes.
    pub fn end_drag(&mut self) {
        self.drag_ghost = None;
    }

    pub fn has_drag_ghost(&self) -> bool {
        self.drag_ghost.is_some()
    }
}

impl View for ChartsTab {
    fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewContext<'_>) {
        self.cache.refresh(ctx.document);
        let mut ghosts = Vec::new();
        if let Some(pinned) = ctx.baseline {
            ghosts.push(Ghost {
                name: &pinned.name,
                data: &pinned.chart_data,
            });
        }
        if let Some(before) = &self.drag_ghost {
            ghosts.push(Ghost {
                name: "before the drag",
                data: before,
            });
        }
        let title_height = 22.0;
        let available = ui.available_height() - 2.0 * title_height - 8.0;
        let cash_height = (available * 0.58).max(140.0);
        let headroom_height = (available - cash_height).max(110.0);
        // When the charts' least heights do not fit (a small window, the About block open),
        // the tab scrolls rather than cutting the headroom chart's axis off.
        egui::ScrollArea::vertical()
            .id_salt("charts tab")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.label(
                    RichText::new("Cash and liquidity ($B) — minimum-liquidity threshold dashed")
                        .strong(),
                );
                charts::cash_chart_ui(ui, &self.cache.data, &ghosts, cash_height);
                ui.label(RichText::new("Covenant headroom (%) — below 0 % is a breach").strong());
                charts::headroom_chart_ui(ui, &self.cache.data, &ghosts, headroom_height);
            });
    }
}

/// "Revenue, debt & capacity".
#[derive(Default)]
pub struct BreakdownTab {
    cache: ChartCache,
}

impl View for BreakdownTab {
    fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewContext<'_>) {
        charts::breakdown_ui(ui, self.cache.refresh(ctx.document));
    }
}
