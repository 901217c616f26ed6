//! The one-page AGP report: a self-contained HTML document (inline CSS and SVG, no
//! scripts, no external resources) that prints on one A4 page, and the same body for
//! the web app's report page.
//!
//! Layout follows the sections of the current AGP report described in
//! ../shared/reference/cgm-formats-and-metrics.md §5: time in ranges with goals, glucose
//! metrics, the ambulatory glucose profile, daily glucose profiles.

use askama::Template;
use diapath_glucose::report::{GoalLine, Report};

use crate::svg;
use crate::units::Units;

/// Days shown as daily profiles: the last two weeks, as on the AGP report.
pub const DAILY_PROFILE_DAYS: usize = 14;

/// One row of a metrics table.
#[derive(Debug, Clone)]
pub struct Row {
    /// What is measured.
    pub metric: String,
    /// The value as text.
    pub value: String,
    /// The goal as text, or empty.
    pub goal: String,
    /// `met`, `not-met` or `none` (CSS class and the word shown to screen readers).
    pub status: &'static str,
}

/// One small daily chart.
#[derive(Debug, Clone)]
pub struct DayChart {
    /// "Mon 3 Feb".
    pub label: String,
    /// Inline SVG.
    pub svg: String,
}

/// Everything the report templates show, already formatted.
#[derive(Debug, Clone, Template)]
#[template(path = "agp_report_body.html")]
pub struct ReportView {
    /// Heading: subject id or patient label.
    pub title: String,
    /// "1 Feb 2026 – 14 Feb 2026 (14 days)".
    pub period: String,
    /// "% time CGM active" value.
    pub active: String,
    /// Whether the data are sufficient.
    pub sufficient: bool,
    /// Target set in words.
    pub targets: String,
    /// Range goal rows.
    pub range_rows: Vec<Row>,
    /// Glucose metric rows (mean, GMI, CV, SD, …).
    pub glucose_rows: Vec<Row>,
    /// Event rows.
    pub event_rows: Vec<Row>,
    /// Variability and risk rows.
    pub risk_rows: Vec<Row>,
    /// Time-in-ranges bar.
    pub ranges_svg: String,
    /// AGP chart.
    pub agp_svg: String,
    /// Daily charts.
    pub days: Vec<DayChart>,
    /// Warnings.
    pub warnings: Vec<String>,
    /// Unit label.
    pub unit: &'static str,
}

#[derive(Template)]
#[template(path = "agp_report.html")]
struct Standalone<'a> {
    title: &'a str,
    views: &'a [ReportView],
    css: &'static str,
}

/// The report's own stylesheet, inlined into the standalone document.
const REPORT_CSS: &str = include_str!("../assets/report.css");

impl ReportView {
    /// Formats a report for display in `units`.
    pub fn new(report: &Report, units: Units) -> Self {
        let m = &report.metrics;
        let pregnancy = report.targets == "pregnancy";
        let target = if pregnancy {
            (63.0, 140.0)
        } else {
            (70.0, 180.0)
        };
        let period = match &report.period {
            Some(p) => format!(
                "{} – {} ({:.0} days)",
                p.first.strftime("%-d %b %Y"),
                p.last.strftime("%-d %b %Y"),
                report.days_covered.round()
            ),
            None => "no readings".to_owned(),
        };
        let range_rows = report
            .range_goals
            .iter()
            .map(|g| goal_row(g, |v| format!("{v:.1}%")))
            .collect();
        let mut glucose_rows: Vec<Row> = report
            .glucose_goals
            .iter()
            .map(|g| match g.metric.as_str() {
                "Average glucose (mg/dL)" => Row {
                    metric: "Average glucose".to_owned(),
                    goal: match units {
                        // The AGP layout prints 8.6 (154 / 18 rounded up), not 8.5.
                        Units::MmolL => "< 8.6 mmol/L".to_owned(),
                        Units::MgDl => "< 154 mg/dL".to_owned(),
                    },
                    ..goal_row(g, |v| units.show_with_label(v))
                },
                _ => goal_row(g, |v| format!("{v:.1}%")),
            })
            .collect();
        glucose_rows.extend([
            plain(
                "GMI (mmol/mol)",
                m.gmi_mmol_mol.map(|v| format!("{v:.0} mmol/mol")),
            ),
            plain("Standard deviation", m.sd.map(|v| units.show_with_label(v))),
            plain(
                "Median (IQR)",
                m.quantiles.map(|q| {
                    format!(
                        "{} ({}–{}) {}",
                        units.show(q[2]),
                        units.show(q[1]),
                        units.show(q[3]),
                        units.label()
                    )
                }),
            ),
            plain(
                "Time in tight range 3.9–7.8 mmol/L (70–140 mg/dL)",
                m.tight_range.map(|v| format!("{v:.1}%")),
            ),
        ]);
        let event_rows = report
            .events
            .iter()
            .map(|e| {
                plain(
                    e.kind.label(),
                    Some(match e.per_week {
                        Some(rate) => format!("{} ({rate:.1} a week)", e.count),
                        None => e.count.to_string(),
                    }),
                )
            })
            .collect();
        let risk_rows = vec![
            plain(
                "Glycaemia risk index (GRI)",
                m.gri.map(|v| match m.gri_zone {
                    Some(zone) => format!("{v:.1} (zone {zone:?})"),
                    None => format!("{v:.1}"),
                }),
            ),
            plain(
                "LBGI / HBGI",
                m.lbgi.zip(m.hbgi).map(|(l, h)| format!("{l:.2} / {h:.2}")),
            ),
            plain("ADRR", m.adrr.map(|v| format!("{v:.1}"))),
            plain("MAGE", m.mage.map(|v| units.show_with_label(v))),
            plain("CONGA (1 h)", m.conga.map(|v| units.show_with_label(v))),
            plain("MODD", m.modd.map(|v| units.show_with_label(v))),
            plain("J-index", m.j_index.map(|v| format!("{v:.1}"))),
            plain(
                "Readings (LO / HI)",
                Some(format!(
                    "{} ({} / {})",
                    m.readings, report.censored_low, report.censored_high
                )),
            ),
        ];
        let shown_days = report.days.len().saturating_sub(DAILY_PROFILE_DAYS);
        let days = svg::daily_charts(&report.days[shown_days..], target)
            .into_iter()
            .map(|(label, svg)| DayChart { label, svg })
            .collect();
        Self {
            title: report.subject.clone(),
            period,
            active: report
                .active_percent
                .map_or_else(|| "–".to_owned(), |a| format!("{a:.1}%")),
            sufficient: report.sufficient,
            targets: match report.targets {
                "older" => "Older or high-risk adults".to_owned(),
                "pregnancy" => "Pregnancy with type 1 diabetes".to_owned(),
                _ => "Type 1 and type 2 diabetes".to_owned(),
            },
            range_rows,
            glucose_rows,
            event_rows,
            risk_rows,
            ranges_svg: report
                .metrics
                .ranges
                .map(|r| svg::ranges_bar(&r, units))
                .unwrap_or_default(),
            agp_svg: svg::agp_chart(&report.agp, units, target),
            days,
            warnings: report.warnings.clone(),
            unit: units.label(),
        }
    }
}

/// The standalone document: one HTML file with everything inline, one page per report
/// (several subjects of a research file print one per page).
pub fn standalone_html(reports: &[Report], units: Units) -> Result<String, askama::Error> {
    let views: Vec<ReportView> = reports.iter().map(|r| ReportView::new(r, units)).collect();
    let title = match reports {
        [one] => one.subject.clone(),
        many => format!("{} subjects", many.len()),
    };
    Standalone {
        title: &title,
        views: &views,
        css: REPORT_CSS,
    }
    .render()
}

fn goal_row(g: &GoalLine, format: impl Fn(f64) -> String) -> Row {
    Row {
        metric: g.metric.clone(),
        value: g.value.map_or_else(|| "–".to_owned(), format),
        goal: g.goal.clone(),
        status: match g.met {
            Some(true) => "met",
            Some(false) => "not-met",
            None => "none",
        },
    }
}

fn plain(metric: &str, value: Option<String>) -> Row {
    Row {
        metric: metric.to_owned(),
        value: value.unwrap_or_else(|| "–".to_owned()),
        goal: String::new(),
        status: "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diapath_glucose::Trace;
    use diapath_glucose::report::{ReportOptions, build};
    use diapath_glucose::simulate::{Profile, Sensor, Simulation, simulate};

    fn report(days: u32) -> Report {
        let sim = Simulation {
            start: "2026-03-02T00:00:00Z".parse().unwrap(),
            days,
            zone: jiff::tz::db().get("Europe/London").unwrap(),
            sensor: Sensor::Libre,
            seed: 5,
        };
        let (trace, _) = Trace::new("VP-0001", simulate(&Profile::suboptimal(), &sim));
        build(&trace, &ReportOptions::default())
    }

    #[test]
    fn the_standalone_report_is_self_contained() {
        let html = standalone_html(&[report(20)], Units::MmolL).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<style>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("src=\"http"));
        assert!(!html.contains("href=\"http"));
        assert!(html.contains("VP-0001"));
        assert!(html.contains("Ambulatory glucose profile"));
        assert_eq!(
            html.matches("aria-label=\"Daily glucose profile\"").count(),
            14
        );
        assert!(html.contains("@page"));
    }

    #[test]
    fn short_data_shows_the_warning() {
        let html = standalone_html(&[report(4)], Units::MgDl).unwrap();
        assert!(html.contains("at least 14 days"));
        assert!(html.contains("mg/dL"));
        assert_eq!(
            html.matches("aria-label=\"Daily glucose profile\"").count(),
            4
        );
    }
}
