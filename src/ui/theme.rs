//! Every colour of the app, in one place, named by what it means rather than how it looks.

use eframe::egui::Color32;

/// How bad a KPI is: drives its colour in the KPI strip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Good,
    Watch,
    Bad,
    /// A plain figure with no judgement attached (interest paid, peak debt).
    Neutral,
}

impl Severity {
    pub fn color(self, dark_mode: bool) -> Color32 {
        match (self, dark_mode) {
            (Self::Good, true) => Color32::from_rgb(110, 200, 130),
            (Self::Good, false) => Color32::from_rgb(20, 120, 50),
            (Self::Watch, true) => Color32::from_rgb(240, 190, 80),
            (Self::Watch, false) => Color32::from_rgb(170, 110, 0),
            (Self::Bad, true) => Color32::from_rgb(255, 110, 100),
            (Self::Bad, false) => Color32::from_rgb(190, 30, 30),
            (Self::Neutral, true) => Color32::from_gray(225),
            (Self::Neutral, false) => Color32::from_gray(30),
        }
    }
}

/// Cash line.
pub const CASH: Color32 = Color32::from_rgb(80, 160, 255);
/// Liquidity line (cash plus the undrawn revolver).
pub const LIQUIDITY: Color32 = Color32::from_rgb(80, 200, 190);
/// The minimum-liquidity threshold and other covenant limits.
pub const THRESHOLD: Color32 = Color32::from_rgb(240, 170, 60);
/// The zero line of a chart.
pub const ZERO_LINE: Color32 = Color32::from_gray(150);
/// Months with cash below zero.
pub const BELOW_ZERO_FILL: Color32 = Color32::from_rgba_premultiplied(48, 10, 10, 48);
/// Runway and breach markers.
pub const ALARM: Color32 = Color32::from_rgb(255, 80, 70);
/// Figures the company reported, drawn as hollow markers beside the model's lines. Magenta is
/// in no series palette and reads on both the dark and the light background.
pub const REPORTED: Color32 = Color32::from_rgb(235, 60, 235);
/// The model's quarterly revenue.
pub const REVENUE: Color32 = Color32::from_rgb(120, 200, 100);

/// A total drawn over its parts (total debt over each facility): the text colour, so it is the
/// strongest line in either theme.
pub fn total(dark_mode: bool) -> Color32 {
    if dark_mode {
        Color32::from_gray(235)
    } else {
        Color32::from_gray(20)
    }
}

/// Distinct colours for series of one kind (covenants, contracts, facilities), cycled.
pub const SERIES: [Color32; 8] = [
    Color32::from_rgb(80, 160, 255),
    Color32::from_rgb(240, 140, 60),
    Color32::from_rgb(120, 200, 100),
    Color32::from_rgb(200, 110, 220),
    Color32::from_rgb(230, 210, 80),
    Color32::from_rgb(90, 210, 210),
    Color32::from_rgb(240, 110, 140),
    Color32::from_rgb(170, 170, 170),
];

/// The colour of the `index`th series.
pub fn series(index: usize) -> Color32 {
    SERIES[index % SERIES.len()]
}

/// The mark beside a lever whose value differs from the loaded preset.
pub const CHANGED_MARK: Color32 = Color32::from_rgb(240, 170, 60);
/// Error text (a bad typed value, a file that would not load).
pub const ERROR_TEXT: Color32 = Color32::from_rgb(255, 100, 90);
/// A breached covenant cell in the ledger.
pub const LEDGER_BREACH: Color32 = Color32::from_rgb(255, 110, 100);
/// Negative money in the ledger.
pub const LEDGER_NEGATIVE: Color32 = Color32::from_rgb(255, 150, 130);

/// Ghost lines: the pinned baseline and the curve from before a drag.
pub const GHOST: Color32 = Color32::from_rgb(170, 170, 190);
/// The breaching part of a slider's track.
pub const BREACH_TRACK: Color32 = Color32::from_rgba_premultiplied(150, 30, 30, 150);
/// Tornado bars: the lever at its low value, and at its high value.
pub const TORNADO_LOW: Color32 = Color32::from_rgb(80, 160, 255);
pub const TORNADO_HIGH: Color32 = Color32::from_rgb(240, 140, 60);
/// The breach map's boundary between breaching and safe cells, and the current point.
pub const MAP_BOUNDARY: Color32 = Color32::WHITE;
pub const MAP_CURRENT: Color32 = Color32::from_rgb(255, 230, 60);
/// Monte Carlo: the P10–P90 band lines and the median.
pub const FAN_EDGE: Color32 = Color32::from_rgb(120, 170, 230);
pub const FAN_MEDIAN: Color32 = Color32::from_rgb(80, 160, 255);

/// The breach map's colour for a KPI value at `fraction` of its range (0 = worst, 1 = best):
/// red through amber to green, dimmed where a covenant is breached.
pub fn heat(fraction: f32, breached: bool) -> Color32 {
    let f = fraction.clamp(0.0, 1.0);
    let (r, g, b) = if f < 0.5 {
        let k = f * 2.0;
        (200.0 + 40.0 * k, 60.0 + 120.0 * k, 50.0)
    } else {
        let k = (f - 0.5) * 2.0;
        (240.0 - 150.0 * k, 180.0 + 10.0 * k, 50.0 + 70.0 * k)
    };
    let dim = if breached { 0.55 } else { 1.0 };
    Color32::from_rgb((r * dim) as u8, (g * dim) as u8, (b * dim) as u8)
}
