//! Ambulatory Glucose Profile: percentile curves by time of day, and daily profiles.
//!
//! No public algorithm specification of the licensed AGP exists
//! (../shared/reference/cgm-formats-and-metrics.md §5). We follow the open
//! implementation of the licensed layout (Tidepool viz `AGPUtils.js`, described in the
//! reference): readings are grouped into 24 one-hour bins by the device's local time of
//! day; each bin gets the 5th, 25th, 50th, 75th and 95th percentiles (R type 7, as in
//! Johnson et al., Diabetes Technol Ther 2019;21:S2-17); each percentile is then
//! smoothed across bins with weights 1-4-1 (÷6), wrapping 23:00 → 00:00, or 0-4-1 / 1-4-0
//! (÷5) when a neighbouring bin has no readings. A bin with no readings stays empty.

use jiff::civil::Date;

use crate::reading::{Censoring, Reading, Trace};
use crate::stats::quantile_type7;

/// The AGP percentiles, as fractions.
pub const PERCENTILES: [f64; 5] = [0.05, 0.25, 0.50, 0.75, 0.95];

/// One hour of the day in the profile.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HourBin {
    /// Hour of the local day, 0–23 (the bin covers `hour:00` to `hour:59`).
    pub hour: u8,
    /// Readings that fell in the bin across all days.
    pub readings: usize,
    /// Percentiles 5/25/50/75/95 of the bin's readings, mg/dL.
    pub raw: Option<[f64; 5]>,
    /// The same after 1-4-1 smoothing across neighbouring hours, mg/dL; drawn.
    pub smoothed: Option<[f64; 5]>,
}

/// The percentile profile over one modal day.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Agp {
    /// The 24 hours, midnight first.
    pub hours: Vec<HourBin>,
}

/// Builds the profile from a trace.
pub fn profile(trace: &Trace) -> Agp {
    let mut by_hour: Vec<Vec<f64>> = vec![Vec::new(); 24];
    for r in trace.readings() {
        by_hour[usize::from(r.local().hour().unsigned_abs())].push(r.glucose().get());
    }
    let raw: Vec<Option<[f64; 5]>> = by_hour
        .iter_mut()
        .map(|values| {
            if values.is_empty() {
                return None;
            }
            values.sort_by(f64::total_cmp);
            Some(PERCENTILES.map(|p| quantile_type7(values, p)))
        })
        .collect();
    let hours = (0..24)
        .map(|h| HourBin {
            hour: h as u8,
            readings: by_hour[h].len(),
            raw: raw[h],
            smoothed: smooth(&raw, h),
        })
        .collect();
    Agp { hours }
}

fn smooth(raw: &[Option<[f64; 5]>], h: usize) -> Option<[f64; 5]> {
    let centre = raw[h]?;
    let before = raw[(h + 23) % 24];
    let after = raw[(h + 1) % 24];
    let mut out = centre.map(|q| 4.0 * q);
    let mut weight = 4.0;
    for neighbour in [before, after].into_iter().flatten() {
        for (o, q) in out.iter_mut().zip(neighbour) {
            *o += q;
        }
        weight += 1.0;
    }
    Some(out.map(|q| q / weight))
}

/// One point of a daily profile.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DayPoint {
    /// Minute of the local day, 0–1439.
    pub minute: u16,
    /// Glucose, mg/dL.
    pub mg_dl: f64,
    /// Whether the value is a sensor limit (`LO`/`HI`).
    pub censored: bool,
}

/// One local calendar day of readings, midnight to midnight.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DailyProfile {
    /// The local date.
    pub date: Date,
    /// The day's readings in time order.
    pub points: Vec<DayPoint>,
    /// Readings as a % of those expected at the nominal interval (capped at 100).
    pub coverage_percent: f64,
    /// Whether there is enough to draw the day: coverage of at least
    /// [`DAY_COVERAGE_MIN_PERCENT`]; otherwise the report says "insufficient CGM data".
    pub sufficient: bool,
}

/// Least coverage for a day to be drawn, %: the consensus 70 % sufficiency rule
/// (Battelino et al., Diabetes Care 2019;42:1593) applied to a single day.
pub const DAY_COVERAGE_MIN_PERCENT: f64 = 70.0;

/// Splits a trace into local calendar days, from the first to the last day with data
/// (days without readings in between appear empty). `interval_minutes` is the nominal
/// sampling interval, used for coverage.
pub fn daily_profiles(trace: &Trace, interval_minutes: i64) -> Vec<DailyProfile> {
    let readings = trace.readings();
    let Some(first) = readings.iter().map(|r| r.local().date()).min() else {
        return Vec::new();
    };
    let last = readings
        .iter()
        .map(|r| r.local().date())
        .max()
        .unwrap_or(first);
    let expected = (1440 / interval_minutes.clamp(1, 1440)) as f64;
    let mut days: Vec<DailyProfile> = Vec::new();
    let mut date = first;
    while date <= last {
        days.push(DailyProfile {
            date,
            points: Vec::new(),
            coverage_percent: 0.0,
            sufficient: false,
        });
        match date.tomorrow() {
            Ok(next) => date = next,
            Err(_) => break,
        }
    }
    for r in readings {
        let offset = (r.local().date() - first).get_days();
        if let Some(day) = usize::try_from(offset).ok().and_then(|i| days.get_mut(i)) {
            day.points.push(point(r));
        }
    }
    for day in &mut days {
        // Local time can repeat (autumn clock change): order by minute, then keep order.
        day.points.sort_by_key(|p| p.minute);
        day.coverage_percent = (day.points.len() as f64 / expected * 100.0).min(100.0);
        day.sufficient = day.coverage_percent >= DAY_COVERAGE_MIN_PERCENT;
    }
    days
}

fn point(r: &Reading) -> DayPoint {
    let t = r.local();
    DayPoint {
        minute: (i32::from(t.hour()) * 60 + i32::from(t.minute())) as u16,
        mg_dl: r.glucose().get(),
        censored: r.censoring() != Censoring::Exact,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GlucoseMgDl;
    use jiff::{SignedDuration, Timestamp};

    fn trace(step_minutes: i64, days: i64, f: impl Fn(i64) -> f64) -> Trace {
        let t0: Timestamp = "2025-03-03T00:00:00Z".parse().unwrap();
        let n = days * 1440 / step_minutes;
        let readings = (0..n)
            .map(|i| {
                let t = t0 + SignedDuration::from_mins(step_minutes * i);
                Reading::new(
                    t,
                    t.to_zoned(jiff::tz::TimeZone::UTC).datetime(),
                    GlucoseMgDl::new(f(i)).unwrap(),
                    Censoring::Exact,
                )
            })
            .collect();
        Trace::new("s", readings).0
    }

    #[test]
    fn flat_glucose_gives_flat_curves() {
        let agp = profile(&trace(5, 14, |_| 120.0));
        assert_eq!(agp.hours.len(), 24);
        for bin in &agp.hours {
            assert_eq!(bin.readings, 14 * 12);
            assert_eq!(bin.smoothed, Some([120.0; 5]));
        }
    }

    #[test]
    fn smoothing_weights_are_one_four_one_and_wrap_midnight() {
        // Glucose equals 100 + 10 × hour of day.
        let agp = profile(&trace(60, 3, |i| 100.0 + 10.0 * (i % 24) as f64));
        let median = |h: usize| agp.hours[h].smoothed.unwrap()[2];
        // Hour 5: (140 + 4·150 + 160) / 6 = 150.
        assert!((median(5) - 150.0).abs() < 1e-9);
        // Hour 0 wraps to hour 23: (330 + 4·100 + 110) / 6.
        assert!((median(0) - (330.0 + 400.0 + 110.0) / 6.0).abs() < 1e-9);
        assert_eq!(agp.hours[5].raw.unwrap()[2], 150.0);
    }

    #[test]
    fn an_empty_neighbour_changes_the_weights_to_five() {
        let mut raw = vec![None; 24];
        raw[3] = Some([100.0; 5]);
        raw[4] = Some([200.0; 5]);
        assert_eq!(smooth(&raw, 3).unwrap()[0], (400.0 + 200.0) / 5.0);
        assert_eq!(smooth(&raw, 5), None);
    }

    #[test]
    fn percentiles_stay_ordered_after_smoothing() {
        let agp = profile(&trace(5, 7, |i| 80.0 + ((i * 37) % 200) as f64));
        for bin in &agp.hours {
            let q = bin.smoothed.unwrap();
            assert!(q.windows(2).all(|w| w[0] <= w[1]), "{q:?}");
        }
    }

    #[test]
    fn daily_profiles_cover_each_local_day() {
        let t = trace(15, 2, |_| 100.0);
        let days = daily_profiles(&t, 15);
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].points.len(), 96);
        assert_eq!(days[0].coverage_percent, 100.0);
        assert!(days[1].sufficient);
        let sparse = Trace::new("s", t.readings().iter().step_by(2).copied().collect()).0;
        let days = daily_profiles(&sparse, 15);
        assert_eq!(days[0].coverage_percent, 50.0);
        assert!(!days[0].sufficient);
    }
}
