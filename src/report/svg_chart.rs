//! Line charts as SVG text, for the memo: no image encoder, and a vector image stays sharp when
//! pasted into a credit memo. Plain `f64` points and RGB colours: no egui here.

use std::fmt::Write as _;

use crate::model::Month;

const WIDTH: f64 = 860.0;
const HEIGHT: f64 = 340.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 48.0;
const BOTTOM: f64 = 36.0;

/// A colour as red, green and blue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// A plotted point: `t` is the model's month index, `y` the value in the chart's unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChartPoint {
    pub t: f64,
    pub y: f64,
}

/// An inclusive run of month indices (months with cash below zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthRun {
    pub first: usize,
    pub last: usize,
}

/// One line of a chart.
pub struct SvgLine<'a> {
    pub name: &'a str,
    pub color: Rgb,
    pub points: &'a [ChartPoint],
    pub dashed: bool,
}

/// A chart: its title, lines, the unit written after y tick values, and month ranges to shade.
pub struct SvgChart<'a> {
    pub title: &'a str,
    pub y_unit: &'a str,
    pub lines: Vec<SvgLine<'a>>,
    /// Month runs shaded red (cash below zero).
    pub shaded: &'a [MonthRun],
    /// The number of months on the x axis.
    pub months: usize,
}

fn hex(Rgb(r, g, b): Rgb) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The month at a plotted x position (x is the model's month index).
fn month_at(t: f64) -> Month {
    Month::from_index(t.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The "nice" tick step (1, 2 or 5 × 10^k) nearest to giving `target` ticks over `span`.
fn tick_step(span: f64, target: f64) -> f64 {
    let raw = (span / target).max(f64::MIN_POSITIVE);
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction < 1.5 {
        1.0
    } else if fraction < 3.5 {
        2.0
    } else if fraction < 7.5 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

impl SvgChart<'_> {
    /// The chart as a standalone SVG document.
    pub fn to_svg(&self) -> String {
        let finite = self
            .lines
            .iter()
            .flat_map(|line| line.points.iter().map(|p| p.y))
            .filter(|y| y.is_finite());
        let (mut low, mut high) =
            finite.fold((0.0_f64, 0.0_f64), |(lo, hi), y| (lo.min(y), hi.max(y)));
        if high - low < 1e-9 {
            high = low + 1.0;
        }
        let step = tick_step(high - low, 6.0);
        low = (low / step).floor() * step;
        high = (high / step).ceil() * step;
        let last_month = self.months.saturating_sub(1).max(1) as f64;
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let x_at = |t: f64| LEFT + t / last_month * plot_w;
        let y_at = |y: f64| TOP + (high - y) / (high - low) * plot_h;

        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">"#
        );
        let _ = writeln!(
            svg,
            r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
        );
        let _ = writeln!(
            svg,
            r#"<text x="{LEFT}" y="18" font-size="14" font-weight="bold">{}</text>"#,
            escape(self.title)
        );
        for &MonthRun { first, last } in self.shaded {
            let (x0, x1) = (
                x_at(first as f64 - 0.5).max(LEFT),
                x_at(last as f64 + 0.5).min(WIDTH - RIGHT),
            );
            let _ = writeln!(
                svg,
                r##"<rect x="{x0:.1}" y="{TOP}" width="{:.1}" height="{plot_h}" fill="#f3c9c5"/>"##,
                x1 - x0
            );
        }
        let mut tick = low;
        while tick <= high + step / 2.0 {
            let y = y_at(tick);
            let (stroke, width) = if tick.abs() < step / 1e6 {
                ("#555555", 1.2)
            } else {
                ("#dddddd", 0.8)
            };
            let _ = writeln!(
                svg,
                r#"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{stroke}" stroke-width="{width}"/>"#,
                WIDTH - RIGHT
            );
            let _ = writeln!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}{}</text>"#,
                LEFT - 6.0,
                y + 4.0,
                format_tick(tick, step),
                escape(self.y_unit)
            );
            tick += step;
        }
        for t in (0..self.months).filter(|t| t % 12 == 0) {
            let x = x_at(t as f64);
            let _ = writeln!(
                svg,
                r##"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{:.1}" stroke="#eeeeee"/>"##,
                HEIGHT - BOTTOM
            );
            let _ = writeln!(
                svg,
                r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                HEIGHT - BOTTOM + 16.0,
                month_at(t as f64)
            );
        }
        let mut legend_x = LEFT;
        for line in &self.lines {
            let color = hex(line.color);
            let dash = if line.dashed {
                r#" stroke-dasharray="6 4""#
            } else {
                ""
            };
            let path: Vec<String> = line
                .points
                .iter()
                .filter(|p| p.y.is_finite())
                .map(|p| format!("{:.1},{:.1}", x_at(p.t), y_at(p.y)))
                .collect();
            if !path.is_empty() {
                let _ = writeln!(
                    svg,
                    r#"<polyline fill="none" stroke="{color}" stroke-width="2"{dash} points="{}"/>"#,
                    path.join(" ")
                );
            }
            let _ = writeln!(
                svg,
                r#"<rect x="{legend_x:.1}" y="28" width="12" height="4" fill="{color}"/>"#
            );
            let _ = writeln!(
                svg,
                r#"<text x="{:.1}" y="34">{}</text>"#,
                legend_x + 16.0,
                escape(line.name)
            );
            legend_x += 24.0 + 6.5 * line.name.chars().count() as f64;
        }
        svg.push_str("</svg>\n");
        svg
    }
}

/// A tick value with as many decimals as the step needs.
fn format_tick(value: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10()).ceil() as usize
    };
    let value = if value.abs() < step / 1e6 { 0.0 } else { value };
    format!("{value:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart<'a>(points: &'a [ChartPoint], shaded: &'a [MonthRun]) -> SvgChart<'a> {
        SvgChart {
            title: "Cash & liquidity",
            y_unit: " $B",
            lines: vec![SvgLine {
                name: "Cash",
                color: Rgb(80, 160, 255),
                points,
                dashed: false,
            }],
            shaded,
            months: 24,
        }
    }

    #[test]
    fn draws_every_point_inside_the_plot_area() {
        let points: Vec<ChartPoint> = (0..24)
            .map(|t| ChartPoint {
                t: f64::from(t),
                y: f64::from(t) - 10.0,
            })
            .collect();
        let svg = chart(
            &points,
            &[MonthRun {
                first: 11,
                last: 23,
            }],
        )
        .to_svg();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("Cash &amp; liquidity"), "titles are escaped");
        let polyline = svg
            .lines()
            .find(|line| line.starts_with("<polyline"))
            .expect("a line");
        let coordinates = polyline
            .split("points=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("points");
        let pairs: Vec<(f64, f64)> = coordinates
            .split(' ')
            .map(|pair| {
                let (x, y) = pair.split_once(',').expect("x,y");
                (x.parse().expect("x"), y.parse().expect("y"))
            })
            .collect();
        assert_eq!(pairs.len(), 24);
        for (x, y) in pairs {
            assert!(
                (LEFT..=WIDTH - RIGHT).contains(&x) && (TOP..=HEIGHT - BOTTOM).contains(&y),
                "({x}, {y})"
            );
        }
        assert!(
            svg.contains("fill=\"#f3c9c5\""),
            "months below zero are shaded"
        );
        assert!(
            svg.contains(">2025-01<") && svg.contains(">2026-01<"),
            "month labels"
        );
    }

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(tick_step(14.0, 6.0), 2.0);
        assert_eq!(tick_step(1.0, 6.0), 0.2);
        assert_eq!(tick_step(300.0, 6.0), 50.0);
        assert_eq!(format_tick(-4.0, 2.0), "-4");
        assert_eq!(format_tick(0.4, 0.2), "0.4");
    }
}
