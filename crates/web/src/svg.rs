//! Inline SVG charts of the AGP report: the time-in-ranges bar, the percentile
//! profile and the daily profiles. Plain strings of numbers and fixed labels, so they
//! embed in a page or a standalone file without scripts or external resources.

use std::fmt::Write as _;

use diapath_glucose::agp::{Agp, DailyProfile};
use diapath_glucose::metrics::RangePercents;

use crate::units::Units;

/// Colours of the consensus ranges (dark to light: very low … very high), chosen for
/// contrast on white and in greyscale print.
const VERY_LOW: &str = "#8b1a1a";
const LOW: &str = "#d5281b";
const TARGET: &str = "#007f3b";
const HIGH: &str = "#ffb81c";
const VERY_HIGH: &str = "#ed8b00";

/// Highest glucose drawn, mg/dL; higher values are drawn at the top edge.
const TOP_MG_DL: f64 = 350.0;

/// The stacked time-in-ranges bar with the percentage of each range beside it.
pub fn ranges_bar(r: &RangePercents, units: Units) -> String {
    let (w, h) = (300.0, 220.0);
    let bar_w = 46.0;
    let segments = [
        (
            "Very high",
            format!(">{}", units.show(250.0)),
            r.above_250,
            VERY_HIGH,
        ),
        (
            "High",
            format!("{}–{}", units.show(181.0), units.show(250.0)),
            r.from_181_to_250,
            HIGH,
        ),
        (
            "Target",
            format!("{}–{}", units.show(70.0), units.show(180.0)),
            r.from_70_to_180,
            TARGET,
        ),
        (
            "Low",
            format!("{}–{}", units.show(54.0), units.show(69.0)),
            r.from_54_to_69,
            LOW,
        ),
        (
            "Very low",
            format!("<{}", units.show(54.0)),
            r.below_54,
            VERY_LOW,
        ),
    ];
    let mut svg = open_svg(w, h, "Time in ranges");
    let mut y = 10.0;
    let usable = h - 20.0;
    for (i, (name, range, pct, colour)) in segments.iter().enumerate() {
        // Keep every segment visible (at least 2 px) so a small TBR is not lost.
        let seg_h = (pct / 100.0 * usable).max(if *pct > 0.0 { 2.0 } else { 0.0 });
        let _ = write!(
            svg,
            r#"<rect x="10" y="{y:.1}" width="{bar_w}" height="{seg_h:.1}" fill="{colour}"/>"#
        );
        let label_y = 22.0 + i as f64 * (usable / 5.0);
        let _ = write!(
            svg,
            r#"<text x="{x:.0}" y="{label_y:.1}" class="l"><tspan class="b">{pct:.0}%</tspan> {name} <tspan class="m">{range} {unit}</tspan></text>"#,
            x = 10.0 + bar_w + 12.0,
            unit = units.label(),
        );
        y += seg_h;
    }
    svg.push_str("</svg>");
    svg
}

/// The modal-day percentile chart: 5–95 % band, 25–75 % band, median, target range.
pub fn agp_chart(agp: &Agp, units: Units, target: (f64, f64)) -> String {
    let (w, h) = (720.0, 280.0);
    let (left, right, top, bottom) = (44.0, 10.0, 10.0, 26.0);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let x = |hour: f64| left + hour / 24.0 * plot_w;
    let y = |mg: f64| top + (1.0 - mg.clamp(0.0, TOP_MG_DL) / TOP_MG_DL) * plot_h;
    let mut svg = open_svg(w, h, "Ambulatory glucose profile");
    // Target range band and reference lines.
    let _ = write!(
        svg,
        r##"<rect x="{left}" y="{:.1}" width="{plot_w}" height="{:.1}" fill="#e6f2eb"/>"##,
        y(target.1),
        y(target.0) - y(target.1)
    );
    for level in [54.0, target.0, target.1, 250.0] {
        let _ = write!(
            svg,
            r##"<line x1="{left}" x2="{:.1}" y1="{yy:.1}" y2="{yy:.1}" stroke="#aeb7bd" stroke-width="0.8"/><text x="{:.1}" y="{:.1}" class="a" text-anchor="end">{}</text>"##,
            left + plot_w,
            left - 4.0,
            y(level) + 3.5,
            units.show(level),
            yy = y(level),
        );
    }
    for hour in (0..=24).step_by(3) {
        let label = match hour {
            0 | 24 => "12am".to_owned(),
            12 => "12pm".to_owned(),
            h if h < 12 => format!("{h}am"),
            h => format!("{}pm", h - 12),
        };
        let _ = write!(
            svg,
            r##"<line x1="{xx:.1}" x2="{xx:.1}" y1="{top}" y2="{:.1}" stroke="#e8edee"/><text x="{xx:.1}" y="{:.1}" class="a" text-anchor="middle">{label}</text>"##,
            top + plot_h,
            h - 8.0,
            xx = x(f64::from(hour)),
        );
    }
    let curve = |i: usize| -> Vec<Option<(f64, f64)>> {
        let centre: Vec<Option<f64>> = agp.hours.iter().map(|b| b.smoothed.map(|q| q[i])).collect();
        // Points at each bin centre, plus both day edges (the wrap-around average) so the
        // curve spans midnight to midnight.
        let edge = match (
            centre.last().copied().flatten(),
            centre.first().copied().flatten(),
        ) {
            (Some(a), Some(b)) => Some((a + b) / 2.0),
            _ => None,
        };
        let mut pts = vec![edge.map(|v| (x(0.0), y(v)))];
        pts.extend(
            centre
                .iter()
                .enumerate()
                .map(|(h, v)| v.map(|v| (x(h as f64 + 0.5), y(v)))),
        );
        pts.push(edge.map(|v| (x(24.0), y(v))));
        pts
    };
    let (p5, p25, p50, p75, p95) = (curve(0), curve(1), curve(2), curve(3), curve(4));
    for (lower, upper, fill) in [(&p5, &p95, "#c8dff3"), (&p25, &p75, "#6fa8dc")] {
        for (lo, hi) in runs(lower).into_iter().zip(runs(upper)) {
            let mut path = smooth_path(&hi);
            let back: Vec<(f64, f64)> = lo.iter().rev().copied().collect();
            path.push_str(&smooth_path(&back).replacen('M', "L", 1));
            let _ = write!(svg, r#"<path d="{path}Z" fill="{fill}"/>"#);
        }
    }
    for run in runs(&p50) {
        let _ = write!(
            svg,
            r##"<path d="{}" fill="none" stroke="#005eb8" stroke-width="2.4"/>"##,
            smooth_path(&run)
        );
    }
    // Label each curve at its right end, nudged apart so close curves stay legible.
    let mut labels: Vec<(f64, &str)> = [
        (&p95, "95%"),
        (&p75, "75%"),
        (&p50, "50%"),
        (&p25, "25%"),
        (&p5, "5%"),
    ]
    .iter()
    .filter_map(|(pts, label)| {
        pts.get(pts.len() - 2)
            .copied()
            .flatten()
            .map(|(_, yy)| (yy, *label))
    })
    .collect();
    for i in 1..labels.len() {
        labels[i].0 = labels[i].0.max(labels[i - 1].0 + 10.0);
    }
    for (yy, label) in labels {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" class="a">{label}</text>"#,
            left + plot_w - 26.0,
            yy - 3.0
        );
    }
    let _ = write!(
        svg,
        r#"<text x="12" y="{:.1}" class="a" text-anchor="middle" transform="rotate(-90 12 {:.1})">{}</text>"#,
        top + plot_h / 2.0,
        top + plot_h / 2.0,
        units.label()
    );
    svg.push_str("</svg>");
    svg
}

/// Small midnight-to-midnight charts of the given days, one per day.
pub fn daily_charts(days: &[DailyProfile], target: (f64, f64)) -> Vec<(String, String)> {
    days.iter()
        .map(|day| {
            let label = day.date.strftime("%a %-d %b").to_string();
            (label, day_chart(day, target))
        })
        .collect()
}

fn day_chart(day: &DailyProfile, target: (f64, f64)) -> String {
    let (w, h) = (150.0, 70.0);
    let x = |minute: f64| minute / 1440.0 * w;
    let y = |mg: f64| 2.0 + (1.0 - mg.clamp(0.0, TOP_MG_DL) / TOP_MG_DL) * (h - 4.0);
    let mut svg = open_svg(w, h, "Daily glucose profile");
    let _ = write!(
        svg,
        r##"<rect x="0" y="{:.1}" width="{w}" height="{:.1}" fill="#e6f2eb"/><rect x="0" y="0" width="{w}" height="{h}" fill="none" stroke="#d8dde0"/>"##,
        y(target.1),
        y(target.0) - y(target.1)
    );
    if !day.sufficient {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" class="a" text-anchor="middle" fill="#4c6272">Insufficient CGM data</text>"##,
            w / 2.0,
            h / 2.0 + 3.0
        );
    }
    // Break the line where readings are more than 45 minutes apart.
    let mut segments: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut last_minute: Option<u16> = None;
    for p in &day.points {
        if last_minute.is_none_or(|m| p.minute.saturating_sub(m) > 45) {
            segments.push(Vec::new());
        }
        if let Some(seg) = segments.last_mut() {
            seg.push((x(f64::from(p.minute)), y(p.mg_dl)));
        }
        last_minute = Some(p.minute);
    }
    for seg in segments {
        let points: Vec<String> = seg.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect();
        let _ = write!(
            svg,
            r##"<polyline points="{}" fill="none" stroke="#212b32" stroke-width="1"/>"##,
            points.join(" ")
        );
    }
    svg.push_str("</svg>");
    svg
}

fn open_svg(w: f64, h: f64, title: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-label="{title}" preserveAspectRatio="xMidYMid meet"><title>{title}</title>"#
    )
}

/// Consecutive defined points, split where a value is missing.
fn runs(points: &[Option<(f64, f64)>]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for p in points {
        match p {
            Some(p) => {
                if let Some(run) = out.last_mut() {
                    run.push(*p);
                }
            }
            None => out.push(Vec::new()),
        }
    }
    out.retain(|r| r.len() > 1);
    out
}

/// A smooth path through the points: Catmull–Rom segments as cubic Béziers.
fn smooth_path(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    let Some(first) = points.first() else {
        return d;
    };
    let _ = write!(d, "M{:.1},{:.1}", first.0, first.1);
    for i in 0..points.len().saturating_sub(1) {
        let p0 = points[i.saturating_sub(1)];
        let (p1, p2) = (points[i], points[i + 1]);
        let p3 = points[(i + 2).min(points.len() - 1)];
        let c1 = (p1.0 + (p2.0 - p0.0) / 6.0, p1.1 + (p2.1 - p0.1) / 6.0);
        let c2 = (p2.0 - (p3.0 - p1.0) / 6.0, p2.1 - (p3.1 - p1.1) / 6.0);
        let _ = write!(
            d,
            " C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
            c1.0, c1.1, c2.0, c2.1, p2.0, p2.1
        );
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_split_at_missing_points_and_drop_singletons() {
        let pts = [
            Some((0.0, 1.0)),
            Some((1.0, 1.0)),
            None,
            Some((3.0, 1.0)),
            None,
        ];
        let r = runs(&pts);
        assert_eq!(r, vec![vec![(0.0, 1.0), (1.0, 1.0)]]);
    }

    #[test]
    fn smooth_path_passes_through_every_point() {
        let d = smooth_path(&[(0.0, 0.0), (10.0, 5.0), (20.0, 0.0)]);
        assert!(d.starts_with("M0.0,0.0"));
        assert!(d.contains(" 10.0,5.0 C"));
        assert!(d.ends_with(" 20.0,0.0"));
    }

    #[test]
    fn the_ranges_bar_shows_each_percentage() {
        let r = RangePercents {
            below_54: 1.0,
            from_54_to_69: 3.0,
            from_70_to_180: 71.0,
            from_181_to_250: 20.0,
            above_250: 5.0,
        };
        let svg = ranges_bar(&r, Units::MmolL);
        for text in ["71%", "20%", "5%", "3%", "1%", "3.9–10.0", "mmol/L"] {
            assert!(svg.contains(text), "{text} missing");
        }
        assert_eq!(svg.matches("<rect").count(), 5);
    }
}
