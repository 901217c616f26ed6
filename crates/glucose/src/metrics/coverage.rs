//! How much data a trace holds: days of data, % time CGM active (iglu `active_percent`,
//! `R/active_percent.R`, "automatic" range) and consensus data sufficiency.

use super::grid::{Spacing, seconds_between, spacing};
use crate::reading::Trace;

/// Days of data asked for by the consensus (Battelino et al., Diabetes Care
/// 2019;42:1593, "Key points": 14 days of data).
pub const SUFFICIENT_DAYS: f64 = 14.0;

/// % time CGM active asked for by the consensus (same source: ≥70 % of possible
/// readings over 14 days).
pub const SUFFICIENT_ACTIVE_PERCENT: f64 = 70.0;

/// Span from first to last reading in days, as iglu's `active_percent` reports it in
/// `ndays` (before its rounding to 0.1 day). `None` without readings.
pub fn days(trace: &Trace) -> Option<f64> {
    let r = trace.readings();
    let (first, last) = (r.first()?, r.last()?);
    Some(seconds_between(first.utc(), last.utc()) / 86_400.0)
}

/// % time CGM active, iglu `active_percent` with `range_type = "automatic"`:
/// with `dt0` the median spacing in minutes (rounded half to even), the expected count
/// is `round(round(span minutes) / dt0) + 1`; each spacing that rounds to more than
/// `dt0` minutes is a gap, and the missing count is
/// `round((sum of gap lengths − gaps·dt0) / dt0)`; the result is
/// `(expected − missing) / expected · 100`.
///
/// `None` with fewer than two readings or a median spacing that rounds to zero.
///
/// iglu chooses `dt0` once, from the first subject, and reuses it for every subject of
/// a multi-subject data frame; here each trace uses its own spacing, which is what iglu
/// gives when called on one subject at a time.
pub fn active_percent(trace: &Trace) -> Option<f64> {
    let spacing = spacing(trace);
    active_percent_with(trace, &spacing, spacing.median?)
}

/// [`active_percent`] given the trace's spacing and its rounded median `dt0`.
pub(crate) fn active_percent_with(trace: &Trace, spacing: &Spacing, dt0: u32) -> Option<f64> {
    if dt0 == 0 {
        return None;
    }
    let span_minutes = days(trace)? * 1440.0;
    let dt0_whole = dt0;
    let dt0 = f64::from(dt0);
    let expected = (span_minutes.round_ties_even() / dt0).round_ties_even() + 1.0;
    let (mut gap_minutes, mut gaps) = (0.0, 0.0);
    match &spacing.minutes {
        Some(minutes) => {
            for &d in minutes {
                // round(d) > dt0 (R rounds half to even; dt0 is whole), without a libm call.
                let half = dt0 + 0.5;
                if d > half || (d == half && dt0 % 2.0 == 1.0) {
                    gap_minutes += d;
                    gaps += 1.0;
                }
            }
        }
        None => {
            // Whole seconds: the same test on `s` seconds (`s / 60` minutes), in integers.
            let half = 60 * i64::from(dt0_whole) + 30;
            let odd = dt0_whole % 2 == 1;
            // Gaps are few: list them in a first, branch-light loop, then add them up
            // in order.
            let mut long = Vec::new();
            for w in trace.readings().windows(2) {
                let seconds = w[1].utc().as_second() - w[0].utc().as_second();
                if seconds > half || (seconds == half && odd) {
                    long.push(seconds);
                }
            }
            for seconds in long {
                gap_minutes += seconds as f64 / 60.0;
                gaps += 1.0;
            }
        }
    }
    let missing = ((gap_minutes - gaps * dt0) / dt0).round_ties_even();
    Some((expected - missing) / expected * 100.0)
}

/// Consensus data sufficiency: at least [`SUFFICIENT_DAYS`] days and at least
/// [`SUFFICIENT_ACTIVE_PERCENT`] % time CGM active.
pub fn sufficient(days: f64, active_percent: f64) -> bool {
    days >= SUFFICIENT_DAYS && active_percent >= SUFFICIENT_ACTIVE_PERCENT
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Censoring, GlucoseMgDl, Reading};

    fn trace(minutes: &[i64]) -> Trace {
        let t0 = jiff::Timestamp::from_second(0).unwrap();
        let readings = minutes
            .iter()
            .map(|&m| {
                let t = t0 + jiff::SignedDuration::from_mins(m);
                Reading::new(
                    t,
                    t.to_zoned(jiff::tz::TimeZone::UTC).datetime(),
                    GlucoseMgDl::new(100.0).unwrap(),
                    Censoring::Exact,
                )
            })
            .collect();
        Trace::new("s", readings).0
    }

    #[test]
    fn one_missing_reading_of_four() {
        // Five expected readings at 5-minute spacing, the one at 10 missing → 80 %.
        assert_eq!(active_percent(&trace(&[0, 5, 15, 20])), Some(80.0));
        assert_eq!(active_percent(&trace(&[0, 5, 10, 15])), Some(100.0));
        assert_eq!(active_percent(&trace(&[0])), None);
    }

    #[test]
    fn a_spacing_of_dt0_and_a_half_is_a_gap_only_when_it_rounds_up() {
        // Median 5 min; one 5.5-minute spacing rounds to 6 (> 5): a gap of 0.5 min,
        // missing round(0.1) = 0. With median 6, 6.5 rounds to 6: no gap.
        let five = trace(&[0, 5, 10, 15]);
        assert_eq!(active_percent(&five), Some(100.0));
        let mut seconds = vec![0i64, 300, 600, 930, 1230];
        let t = |s: &[i64]| {
            let t0 = jiff::Timestamp::from_second(0).unwrap();
            let readings = s
                .iter()
                .map(|&x| {
                    let at = t0 + jiff::SignedDuration::from_secs(x);
                    Reading::new(
                        at,
                        at.to_zoned(jiff::tz::TimeZone::UTC).datetime(),
                        GlucoseMgDl::new(100.0).unwrap(),
                        Censoring::Exact,
                    )
                })
                .collect();
            Trace::new("s", readings).0
        };
        // Spacings 5, 5, 5.5, 5 → expected round(20.5/5)+1 = 5, gap 5.5 → missing 0.
        assert_eq!(active_percent(&t(&seconds)), Some(100.0));
        // Spacings 6, 6, 6.5, 6: 6.5 rounds to 6 → no gap at all.
        seconds = vec![0, 360, 720, 1110, 1470];
        assert_eq!(active_percent(&t(&seconds)), Some(100.0));
    }

    #[test]
    fn sufficiency_needs_both() {
        assert!(sufficient(14.0, 70.0));
        assert!(!sufficient(13.9, 100.0));
        assert!(!sufficient(20.0, 69.9));
        assert_eq!(days(&trace(&[0, 2880])), Some(2.0));
    }
}
