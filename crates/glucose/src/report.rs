//! The CGM report of one subject: metrics against goals, events, AGP and daily
//! profiles, and what limits the data. Built purely from a trace; rendered as text or
//! JSON by `diapath report` and as HTML by the web crate.

use jiff::{Timestamp, civil::DateTime};

use crate::agp::{self, Agp, DailyProfile};
use crate::events::{self, EventSummary};
use crate::metrics::{self, Goal, MetricOptions, Metrics, TargetSet};
use crate::reading::{Censoring, Trace};

/// Least days of data for a representative report (Battelino et al., Diabetes Care
/// 2019;42:1593, "14 days of data with ≥ 70 % of possible readings").
pub const SUFFICIENT_DAYS: f64 = 14.0;
/// Slack on [`SUFFICIENT_DAYS`], days (2.4 hours): a 14-day export usually opens with a
/// sensor's one-hour warm-up and should not fail the rule for it.
pub const SUFFICIENT_DAYS_SLACK: f64 = 0.1;
/// Least % of possible readings, same source.
pub const SUFFICIENT_ACTIVE_PERCENT: f64 = 70.0;

/// What to report on.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Goals to assess against.
    pub targets: TargetSet,
    /// Only readings at or after this instant.
    pub from: Option<Timestamp>,
    /// Only readings before this instant.
    pub to: Option<Timestamp>,
    /// Metric parameters.
    pub metrics: MetricOptions,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            targets: TargetSet::standard(),
            from: None,
            to: None,
            metrics: MetricOptions::default(),
        }
    }
}

/// The first and last reading, device wall-clock time.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Period {
    /// First reading.
    pub first: DateTime,
    /// Last reading.
    pub last: DateTime,
}

/// One goal with its measured value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GoalLine {
    /// The metric, e.g. "Time in range 3.9–10.0 mmol/L (70–180 mg/dL)".
    pub metric: String,
    /// The goal, e.g. "> 70 %".
    pub goal: String,
    /// The value, in the unit of the goal.
    pub value: Option<f64>,
    /// Met, not met, or `None` when the value is undefined.
    pub met: Option<bool>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    /// Subject identifier from the export or the caller.
    pub subject: String,
    /// Period covered, if any readings.
    pub period: Option<Period>,
    /// Nominal interval between readings, minutes.
    pub interval_minutes: Option<i64>,
    /// Readings below the sensor's low limit (`LO`), counted at the limit.
    pub censored_low: usize,
    /// Readings above the sensor's high limit (`HI`), counted at the limit.
    pub censored_high: usize,
    /// Name of the target set used.
    pub targets: &'static str,
    /// The metric set (glucose in mg/dL).
    pub metrics: Metrics,
    /// Days covered by the readings (first to last plus one interval).
    pub days_covered: f64,
    /// % of possible readings present, used for sufficiency.
    pub active_percent: Option<f64>,
    /// Whether the data meet the consensus sufficiency rule.
    pub sufficient: bool,
    /// Time-in-range goals of the target set.
    pub range_goals: Vec<GoalLine>,
    /// Mean glucose, GMI and CV goals of the AGP report layout.
    pub glucose_goals: Vec<GoalLine>,
    /// Events of each kind.
    pub events: Vec<EventSummary>,
    /// Percentile profile by time of day.
    pub agp: Agp,
    /// One profile per local day.
    pub days: Vec<DailyProfile>,
    /// What limits the report, in plain English.
    pub warnings: Vec<String>,
}

/// Builds the report for one subject.
pub fn build(trace: &Trace, options: &ReportOptions) -> Report {
    let window = match (options.from, options.to) {
        (None, None) => trace.clone(),
        (from, to) => trace.window(from.unwrap_or(Timestamp::MIN), to.unwrap_or(Timestamp::MAX)),
    };
    let readings = window.readings();
    let metrics = metrics::compute(&window, &options.metrics);
    let interval = events::nominal_interval_minutes(readings);
    let period = readings.first().zip(readings.last()).map(|(a, b)| Period {
        first: a.local(),
        last: b.local(),
    });
    let active_percent = metrics
        .active_percent
        .or_else(|| coverage(&window, interval));
    let days_of_data = covered_days(&window, interval);
    let enough_days = days_of_data >= SUFFICIENT_DAYS - SUFFICIENT_DAYS_SLACK;
    let sufficient = enough_days && active_percent.is_some_and(|a| a >= SUFFICIENT_ACTIVE_PERCENT);
    let censored_low = count(&window, Censoring::BelowLimit);
    let censored_high = count(&window, Censoring::AboveLimit);

    let mut warnings = Vec::new();
    if readings.is_empty() {
        warnings.push("No CGM readings in the chosen period.".to_owned());
    } else {
        if !enough_days {
            warnings.push(format!(
                "Only {days_of_data:.1} days of data: the consensus asks for at least 14 days for a representative picture."
            ));
        }
        if let Some(a) = active_percent.filter(|a| *a < SUFFICIENT_ACTIVE_PERCENT) {
            warnings.push(format!(
                "CGM active {a:.0}% of the time: below the 70% needed for reliable metrics."
            ));
        }
    }
    if censored_low + censored_high > 0 {
        warnings.push(format!(
            "{} below and {} above the sensor's limits are counted at the limit; the mean and SD are estimates.",
            readings_word(censored_low),
            readings_word(censored_high)
        ));
    }

    Report {
        subject: trace.subject().to_owned(),
        period,
        interval_minutes: interval,
        censored_low,
        censored_high,
        targets: options.targets.name,
        range_goals: range_goals(&metrics, &options.targets),
        glucose_goals: glucose_goals(&metrics),
        events: events::find_all(&window, metrics.days),
        agp: agp::profile(&window),
        days: interval.map_or_else(Vec::new, |dt| agp::daily_profiles(&window, dt)),
        metrics,
        days_covered: days_of_data,
        active_percent,
        sufficient,
        warnings,
    }
}

/// Days the readings cover: first to last reading plus one interval, so that a 14-day
/// export of 15-minute data counts as 14 days rather than 13.99.
fn covered_days(trace: &Trace, interval: Option<i64>) -> f64 {
    let r = trace.readings();
    match (r.first(), r.last()) {
        (Some(a), Some(b)) => {
            let minutes = b.utc().duration_since(a.utc()).as_mins() + interval.unwrap_or(0);
            minutes as f64 / 1440.0
        }
        _ => 0.0,
    }
}

fn readings_word(n: usize) -> String {
    match n {
        1 => "1 reading".to_owned(),
        n => format!("{n} readings"),
    }
}

fn count(trace: &Trace, censoring: Censoring) -> usize {
    trace
        .readings()
        .iter()
        .filter(|r| r.censoring() == censoring)
        .count()
}

/// Readings present as a % of those possible at the nominal interval between the first
/// and the last reading.
fn coverage(trace: &Trace, interval: Option<i64>) -> Option<f64> {
    let r = trace.readings();
    let (first, last, dt) = (r.first()?, r.last()?, interval?);
    let span = last.utc().duration_since(first.utc()).as_mins() + dt;
    let possible = (span / dt).max(1) as f64;
    Some((r.len() as f64 / possible * 100.0).min(100.0))
}

fn range_goals(m: &Metrics, targets: &TargetSet) -> Vec<GoalLine> {
    let assessment = metrics::assess(m, targets);
    assessment
        .results
        .iter()
        .map(|result| {
            let (metric, goal) = describe(result.goal, targets.pregnancy_ranges);
            GoalLine {
                metric: metric.to_owned(),
                goal,
                value: result.value,
                met: result.met,
            }
        })
        .collect()
}

fn describe(goal: Goal, pregnancy: bool) -> (&'static str, String) {
    match (goal, pregnancy) {
        (Goal::InRangeAbove(t), false) => (
            "Time in range 3.9–10.0 mmol/L (70–180 mg/dL)",
            format!("> {t}%"),
        ),
        (Goal::InRangeAbove(t), true) => (
            "Time in range 3.5–7.8 mmol/L (63–140 mg/dL)",
            format!("> {t}%"),
        ),
        (Goal::BelowLevel1Under(t), false) => {
            ("Time below 3.9 mmol/L (70 mg/dL)", format!("< {t}%"))
        }
        (Goal::BelowLevel1Under(t), true) => {
            ("Time below 3.5 mmol/L (63 mg/dL)", format!("< {t}%"))
        }
        (Goal::Below54Under(t), _) => ("Time below 3.0 mmol/L (54 mg/dL)", format!("< {t}%")),
        (Goal::AboveLevel1Under(t), false) => {
            ("Time above 10.0 mmol/L (180 mg/dL)", format!("< {t}%"))
        }
        (Goal::AboveLevel1Under(t), true) => {
            ("Time above 7.8 mmol/L (140 mg/dL)", format!("< {t}%"))
        }
        (Goal::Above250Under(t), _) => ("Time above 13.9 mmol/L (250 mg/dL)", format!("< {t}%")),
    }
}

/// Goals printed by the AGP report layout: average glucose < 154 mg/dL (8.6 mmol/L),
/// GMI < 7 %, CV ≤ 36 % (../shared/reference/cgm-formats-and-metrics.md §4, from the
/// IDC-licensed layout as implemented by Tidepool viz `AGPConstants.js`).
fn glucose_goals(m: &Metrics) -> Vec<GoalLine> {
    vec![
        GoalLine {
            metric: "Average glucose (mg/dL)".to_owned(),
            goal: "< 8.6 mmol/L (154 mg/dL)".to_owned(),
            value: m.mean,
            met: m.mean.map(|v| v < 154.0),
        },
        GoalLine {
            metric: "Glucose management indicator (%)".to_owned(),
            goal: "< 7%".to_owned(),
            value: m.gmi_percent,
            met: m.gmi_percent.map(|v| v < 7.0),
        },
        GoalLine {
            metric: "Glucose variability, CV (%)".to_owned(),
            goal: "≤ 36%".to_owned(),
            value: m.cv,
            met: m.cv.map(|v| v <= 36.0),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::{Profile, Sensor, Simulation, simulate};

    fn trace(days: u32, profile: Profile) -> Trace {
        let sim = Simulation {
            start: "2026-02-02T00:00:00Z".parse().unwrap(),
            days,
            zone: jiff::tz::db().get("Europe/London").unwrap(),
            sensor: Sensor::Libre,
            seed: 42,
        };
        Trace::new("virtual", simulate(&profile, &sim)).0
    }

    #[test]
    fn fourteen_well_worn_days_are_sufficient() {
        let r = build(
            &trace(15, Profile::well_controlled()),
            &ReportOptions::default(),
        );
        assert!(r.sufficient, "{:?} {:?}", r.metrics.days, r.active_percent);
        assert_eq!(r.interval_minutes, Some(15));
        assert_eq!(r.range_goals.len(), 5);
        assert_eq!(r.glucose_goals.len(), 3);
        assert_eq!(r.events.len(), 6);
        assert!(r.days.len() >= 15);
        assert!(!r.warnings.iter().any(|w| w.contains("days of data")));
    }

    #[test]
    fn short_or_sparse_data_is_flagged() {
        let r = build(&trace(5, Profile::low_wear()), &ReportOptions::default());
        assert!(!r.sufficient);
        assert!(r.warnings.iter().any(|w| w.contains("days of data")));
        assert!(r.warnings.iter().any(|w| w.contains("CGM active")));
    }

    #[test]
    fn the_window_limits_the_readings() {
        let t = trace(10, Profile::suboptimal());
        let options = ReportOptions {
            from: Some("2026-02-05T00:00:00Z".parse().unwrap()),
            to: Some("2026-02-07T00:00:00Z".parse().unwrap()),
            ..ReportOptions::default()
        };
        let r = build(&t, &options);
        let p = r.period.unwrap();
        assert!(p.first.date() >= jiff::civil::date(2026, 2, 5));
        assert!(p.last.date() < jiff::civil::date(2026, 2, 7));
        let empty = build(
            &t,
            &ReportOptions {
                from: Some("2030-01-01T00:00:00Z".parse().unwrap()),
                ..ReportOptions::default()
            },
        );
        assert_eq!(empty.period, None);
        assert!(!empty.sufficient);
        assert_eq!(
            empty.warnings,
            vec!["No CGM readings in the chosen period."]
        );
    }

    #[test]
    fn pregnancy_targets_use_the_pregnancy_ranges() {
        let options = ReportOptions {
            targets: TargetSet::pregnancy(),
            ..ReportOptions::default()
        };
        let r = build(&trace(3, Profile::well_controlled()), &options);
        assert_eq!(r.targets, "pregnancy");
        assert!(r.range_goals[0].metric.contains("3.5–7.8"));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["targets"], "pregnancy");
        assert!(json["agp"]["hours"].as_array().unwrap().len() == 24);
    }
}
