//! A chart's legend as a row above the plot, never over it: a legend inside the plot area
//! hides whatever data lies under its corner (a baseline's lines, the end of a cash line).
//! Each chart lists what it draws, in the order it draws it, with the mark it draws it with.

use eframe::egui::{self, Color32, Pos2, Rect, RichText, Sense, Stroke, Ui, vec2};

/// How an entry is drawn in the plot, and so in its swatch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mark {
    Line {
        width: f32,
    },
    Dashed,
    Dotted,
    /// A filled area: a span of months, a band between two lines.
    Fill,
    Cross,
    /// A diamond, filled or hollow.
    Diamond {
        filled: bool,
    },
    Dot,
}

/// One legend entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub name: String,
    pub color: Color32,
    pub mark: Mark,
}

impl Entry {
    pub fn new(name: impl Into<String>, color: Color32, mark: Mark) -> Self {
        Self {
            name: name.into(),
            color,
            mark,
        }
    }
}

/// Size of a swatch, in points.
const SWATCH: egui::Vec2 = vec2(18.0, 10.0);

/// Draws `entries` as a wrapped row of swatches and names; returns the height it took, which
/// the caller takes off the plot's so the chart keeps its size.
pub fn legend_ui(ui: &mut Ui, entries: &[Entry]) -> f32 {
    if entries.is_empty() {
        return 0.0;
    }
    let top = ui.cursor().top();
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        for entry in entries {
            let (rect, _) = ui.allocate_exact_size(SWATCH, Sense::hover());
            paint_swatch(ui, rect, entry);
            ui.label(RichText::new(&entry.name).small());
            ui.add_space(8.0);
        }
    });
    ui.cursor().top() - top
}

fn paint_swatch(ui: &Ui, rect: Rect, entry: &Entry) {
    let painter = ui.painter();
    let (left, right, y) = (rect.left(), rect.right(), rect.center().y);
    let color = entry.color;
    match entry.mark {
        Mark::Line { width } => {
            painter.line_segment(
                [Pos2::new(left, y), Pos2::new(right, y)],
                Stroke::new(width, color),
            );
        }
        Mark::Dashed | Mark::Dotted => {
            let (dash, gap) = if entry.mark == Mark::Dashed {
                (4.0, 2.0)
            } else {
                (1.5, 2.0)
            };
            let mut x = left;
            while x < right {
                let end = (x + dash).min(right);
                painter.line_segment(
                    [Pos2::new(x, y), Pos2::new(end, y)],
                    Stroke::new(1.5, color),
                );
                x = end + gap;
            }
        }
        Mark::Fill => {
            painter.rect_filled(rect.shrink2(vec2(1.0, 1.0)), 1.0, color);
        }
        Mark::Cross => {
            let c = rect.center();
            let r = 4.0;
            let stroke = Stroke::new(1.5, color);
            painter.line_segment([c + vec2(-r, -r), c + vec2(r, r)], stroke);
            painter.line_segment([c + vec2(-r, r), c + vec2(r, -r)], stroke);
        }
        Mark::Diamond { filled } => {
            let c = rect.center();
            let r = 4.5;
            let points = vec![
                c + vec2(0.0, -r),
                c + vec2(r, 0.0),
                c + vec2(0.0, r),
                c + vec2(-r, 0.0),
            ];
            let shape = if filled {
                egui::Shape::convex_polygon(points, color, Stroke::NONE)
            } else {
                egui::Shape::closed_line(points, Stroke::new(1.5, color))
            };
            painter.add(shape);
        }
        Mark::Dot => {
            painter.circle_filled(rect.center(), 3.0, color);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    #[test]
    fn the_legend_names_every_entry_above_the_plot_and_reports_its_height() {
        let entries = vec![
            Entry::new("Cash", Color32::BLUE, Mark::Line { width: 2.0 }),
            Entry::new("pinned s1-base: cash", Color32::GRAY, Mark::Dashed),
            Entry::new("Reported", Color32::GOLD, Mark::Diamond { filled: false }),
        ];
        let mut height = 0.0;
        let mut harness = Harness::builder()
            .with_size([240.0, 200.0])
            .build_ui(|ui| height = legend_ui(ui, &entries));
        harness.run();
        for entry in &entries {
            assert!(
                harness.query_by_label(&entry.name).is_some(),
                "{}",
                entry.name
            );
        }
        drop(harness);
        // Three entries do not fit on one line 240 points wide: the row wraps and says so.
        assert!(height > 20.0, "{height}");
    }
}
