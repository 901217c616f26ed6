//! The day-by-day interpolation grid of iglu's `CGMS2DayByDay` (iglu 4.3, `R/utils.R`),
//! on which CONGA, MODD and MAGE are computed.
//!
//! iglu's rules, reproduced exactly because the parity test depends on them:
//! - the grid step `dt0` is given, or is the median spacing of the readings in minutes
//!   rounded half to even (R `round`); a step that does not divide a day is moved to a
//!   multiple of 5 minutes, or to 20 minutes when above 20;
//! - the grid starts at local midnight of the first reading's day and its first point is
//!   **midnight + dt0** (so the last point of each row is the next midnight), and it has
//!   `ceil(span in days + 1)` rows of `1440 / dt0` points;
//! - values are linear interpolation between neighbouring readings (R `approx`); points
//!   before the first or after the last reading, and points strictly inside a gap longer
//!   than `inter_gap` minutes, have no value.
//!
//! Two deliberate differences, neither of which occurs in iglu's example data: when two
//! readings share an instant [`Trace`] keeps the first where iglu keeps the last, and the
//! grid is laid out in absolute time from the first day's local midnight, so a
//! daylight-saving change shifts later points by the hour instead of repeating or
//! skipping wall-clock times.

use jiff::Timestamp;

use crate::reading::Trace;

/// Minutes in a day.
const DAY_MINUTES: u32 = 1440;

/// Longest span, in days, that gets a grid (about ten years). iglu has no limit; without
/// one, a file with two readings centuries apart would ask for gigabytes.
pub const MAX_GRID_DAYS: usize = 3660;

/// Glucose interpolated on iglu's regular grid: one row per day, `dt0` minutes apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    dt0_minutes: u32,
    days: usize,
    midnight: Timestamp,
    /// NaN where iglu has `NA` (kept as NaN internally: half the memory of
    /// `Option<f64>`, and what the MAGE scan works on).
    values: Vec<f64>,
}

impl Grid {
    /// Minutes between grid points.
    pub fn dt0_minutes(&self) -> u32 {
        self.dt0_minutes
    }

    /// Number of rows (days).
    pub fn days(&self) -> usize {
        self.days
    }

    /// Points per row: `1440 / dt0`.
    pub fn points_per_day(&self) -> usize {
        (DAY_MINUTES / self.dt0_minutes) as usize
    }

    /// Local midnight of the first day, as an instant. Point `k` (0-based, row-major) lies
    /// at `midnight + (k + 1)·dt0`.
    pub fn midnight(&self) -> Timestamp {
        self.midnight
    }

    /// Number of points, `days × points_per_day`.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the grid has no points (never true for a built grid).
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Point `k` (row-major); `None` where iglu has `NA` or past the end.
    pub fn get(&self, k: usize) -> Option<f64> {
        self.values.get(k).copied().filter(|v| !v.is_nan())
    }

    /// The values, row-major (`days × points_per_day`); `None` where iglu has `NA`.
    pub fn values(&self) -> impl Iterator<Item = Option<f64>> + '_ {
        self.values.iter().map(|v| (!v.is_nan()).then_some(*v))
    }

    /// The values with NaN for `NA`, row-major.
    pub(crate) fn raw(&self) -> &[f64] {
        &self.values
    }
}

/// The grid step iglu would choose: `dt0` if given, else the median spacing of the
/// readings in minutes, rounded half to even; then moved to a divisor of a day as iglu
/// does. `None` with fewer than two readings or a step that rounds to 0.
pub fn grid_step(trace: &Trace, dt0_minutes: Option<u32>) -> Option<u32> {
    let dt0 = match dt0_minutes {
        Some(dt0) => dt0,
        None => spacing(trace).median?,
    };
    day_divisor(dt0)
}

/// The median of `spacing` (minutes), rounded half to even as R's `round`; `None` if
/// empty or out of range.
pub(crate) fn rounded_median(spacing: &[f64]) -> Option<u32> {
    let mut scratch = spacing.to_vec();
    round_minutes(median(&mut scratch)?)
}

/// A median spacing rounded half to even to whole minutes; `None` out of range.
fn round_minutes(median: f64) -> Option<u32> {
    let rounded = median.round_ties_even();
    if !(0.0..=f64::from(u32::MAX)).contains(&rounded) {
        return None;
    }
    Some(rounded as u32)
}

/// iglu's adjustment of a step that does not divide a day: above 20 minutes it becomes
/// 20, below it goes to the nearest multiple of 5 (a remainder of exactly 2.5 cannot
/// occur for whole minutes). `None` for 0.
pub(crate) fn day_divisor(dt0: u32) -> Option<u32> {
    if dt0 == 0 {
        return None;
    }
    if DAY_MINUTES.is_multiple_of(dt0) {
        return Some(dt0);
    }
    if dt0 > 20 {
        return Some(20);
    }
    let remainder = dt0 % 5;
    Some(if remainder > 2 {
        dt0 + 5 - remainder
    } else {
        dt0 - remainder
    })
}

/// Builds iglu's `CGMS2DayByDay` grid for one trace.
///
/// `dt0_minutes` is the grid step (`None`: iglu's automatic choice, see [`grid_step`]);
/// `inter_gap_minutes` is the longest gap interpolated across (iglu default 45).
/// Returns `None` with fewer than two readings, when the step exceeds
/// `inter_gap_minutes` (where iglu stops with an error), or when the readings span more
/// than [`MAX_GRID_DAYS`].
pub fn grid(trace: &Trace, dt0_minutes: Option<u32>, inter_gap_minutes: f64) -> Option<Grid> {
    build(trace, grid_step(trace, dt0_minutes)?, inter_gap_minutes)
}

/// [`grid`] with the step already chosen (a divisor of a day).
pub(crate) fn build(trace: &Trace, dt0: u32, inter_gap_minutes: f64) -> Option<Grid> {
    let readings = trace.readings();
    let (first, last) = (readings.first()?, readings.last()?);
    if readings.len() < 2 || dt0 == 0 {
        return None;
    }
    if f64::from(dt0) > inter_gap_minutes {
        return None;
    }
    let span_days = seconds_between(first.utc(), last.utc()) / 86_400.0;
    let days = (span_days + 1.0).ceil() as usize;
    if days > MAX_GRID_DAYS {
        return None;
    }
    let since_midnight = first
        .local()
        .time()
        .duration_since(jiff::civil::Time::midnight());
    let midnight = first.utc().checked_sub(since_midnight).ok()?;

    // Reading times in seconds after `midnight`: exact for whole-second stamps, as R's
    // POSIXct differences are.
    let times: Vec<f64> = readings
        .iter()
        .map(|r| seconds_between(midnight, r.utc()))
        .collect();
    let glucose: Vec<f64> = readings.iter().map(|r| r.glucose().get()).collect();
    let step = f64::from(dt0) * 60.0;
    let per_day = (DAY_MINUTES / dt0) as usize;
    let total = days * per_day;
    let gap_seconds = inter_gap_minutes * 60.0;
    let (first_time, last) = (times[0], times.len() - 1);
    // Point `k` (0-based) lies at `(k + 1)·step` seconds. Each takes R `approx` between
    // the readings either side of it, its reading's value if one is at its instant, or
    // NaN (iglu's `NA`) before the first reading, after the last, or across a gap longer
    // than `inter_gap`.
    let mut values = vec![f64::NAN; total];
    // The last reading at or before the current point.
    let mut j = 0usize;
    for (k, slot) in values.iter_mut().enumerate() {
        let v = (k + 1) as f64 * step;
        if v < first_time {
            continue;
        }
        while j < last && times[j + 1] <= v {
            j += 1;
        }
        let (x0, y0) = (times[j], glucose[j]);
        if v == x0 {
            *slot = y0;
        } else if j == last {
            break;
        } else {
            let (x1, y1) = (times[j + 1], glucose[j + 1]);
            if !longer_than(x1 - x0, gap_seconds, inter_gap_minutes) {
                // Same expression and evaluation order as R's approx1
                // (src/library/stats/src/approx.c).
                *slot = y0 + (y1 - y0) * ((v - x0) / (x1 - x0));
            }
        }
    }
    Some(Grid {
        dt0_minutes: dt0,
        days,
        midnight,
        values,
    })
}

/// The spacing between consecutive readings: its median in minutes, rounded half to
/// even ([`rounded_median`] of the spacings), and the spacings themselves where they
/// were needed.
pub(crate) struct Spacing {
    /// The rounded median; `None` with fewer than two readings or out of range.
    pub median: Option<u32>,
    /// Every spacing in minutes, in order; `None` when every spacing is a whole number
    /// of seconds (then the spacing of each pair is exactly its difference in whole
    /// seconds over 60, and users read it off the trace).
    pub minutes: Option<Vec<f64>>,
}

/// The [`Spacing`] of a trace.
///
/// When every spacing is a whole number of seconds (as in every export format but
/// Nightscout's millisecond stamps) and the middle ones are at most an hour, the median
/// comes from a histogram of whole seconds: spacing `s` seconds is `s / 60` minutes, a
/// monotone map, so the middle order statistics, and so the median, are the same as by
/// selection, which is what any other spacing uses.
pub(crate) fn spacing(trace: &Trace) -> Spacing {
    const MAX_SECONDS: usize = 1200;
    // Consecutive spacings are mostly equal, and incrementing one counter again before
    // its last increment is stored stalls the loop; so each bin has `LANES` counters,
    // and consecutive spacings use different ones. The last bin counts every longer
    // spacing: they are above every other bin.
    const LANES: usize = 4;
    let readings = trace.readings();
    let mut lanes = vec![0u32; (MAX_SECONDS + 2) * LANES];
    let mut whole = true;
    for (i, w) in readings.windows(2).enumerate() {
        let (a, b) = (w[0].utc(), w[1].utc());
        let seconds = b.as_second() - a.as_second();
        let bin = usize::try_from(seconds)
            .unwrap_or(usize::MAX)
            .min(MAX_SECONDS + 1);
        whole &= b.subsec_nanosecond() == a.subsec_nanosecond();
        if let Some(count) = lanes.get_mut(bin * LANES + i % LANES) {
            *count += 1;
        }
    }
    let histogram: Vec<u32> = lanes.chunks_exact(LANES).map(|c| c.iter().sum()).collect();
    let n = readings.len().saturating_sub(1);
    if n == 0 {
        return Spacing {
            median: None,
            minutes: None,
        };
    }
    // The k-th smallest spacing (0-based) in minutes, as the selection would give it;
    // `None` if it is beyond the histogram.
    let kth = |k: usize| -> Option<f64> {
        let mut below = 0usize;
        for (bin, &count) in histogram[..=MAX_SECONDS].iter().enumerate() {
            below += count as usize;
            if below > k {
                return Some(bin as f64 / 60.0);
            }
        }
        None
    };
    let median = if !whole {
        None
    } else if n % 2 == 1 {
        kth(n / 2)
    } else {
        kth(n / 2 - 1)
            .zip(kth(n / 2))
            .map(|(lower, upper)| (lower + upper) / 2.0)
    };
    if let Some(median) = median {
        return Spacing {
            median: round_minutes(median),
            minutes: None,
        };
    }
    let minutes: Vec<f64> = readings
        .windows(2)
        .map(|w| seconds_between(w[0].utc(), w[1].utc()) / 60.0)
        .collect();
    Spacing {
        median: rounded_median(&minutes),
        minutes: Some(minutes),
    }
}

/// Whether a gap of `seconds` is longer than `minutes` (`seconds / 60 > minutes`, as
/// iglu tests it), given `limit = minutes · 60`. The division, slow next to the rest of
/// the grid's work, is only done within a relative 10⁻⁹ of the limit, where rounding
/// could make the two tests differ.
#[inline(always)]
fn longer_than(seconds: f64, limit: f64, minutes: f64) -> bool {
    if seconds > limit * (1.0 + 1e-9) {
        true
    } else if seconds < limit * (1.0 - 1e-9) {
        false
    } else {
        divided_longer_than(seconds, minutes)
    }
}

/// `seconds / 60 > minutes`, kept out of line so that the compiler does not divide
/// ahead of the test in [`longer_than`] on every call.
#[cold]
#[inline(never)]
fn divided_longer_than(seconds: f64, minutes: f64) -> bool {
    seconds / 60.0 > minutes
}

/// Seconds from `a` to `b`, with sub-second precision (whole seconds exactly).
#[inline]
pub(crate) fn seconds_between(a: Timestamp, b: Timestamp) -> f64 {
    let seconds = (b.as_second() - a.as_second()) as f64;
    let nanos = b.subsec_nanosecond() - a.subsec_nanosecond();
    // Adding 0.0 would change nothing; skip the division.
    if nanos == 0 {
        seconds
    } else {
        seconds + f64::from(nanos) / 1e9
    }
}

/// Median as R computes it (mean of the two middle values for an even count). Reorders
/// `values`.
pub(crate) fn median(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (below, &mut upper, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        Some(upper)
    } else {
        // The lower middle value is the largest of the values before the upper one.
        let lower = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some((lower + upper) / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Censoring, GlucoseMgDl, Reading};
    use jiff::SignedDuration;

    /// A trace with readings at `(minutes after 2020-01-01 00:00 UTC, mg/dL)`.
    fn trace(points: &[(i64, f64)]) -> Trace {
        let t0 = jiff::Timestamp::from_second(1_577_836_800).unwrap();
        let readings = points
            .iter()
            .map(|&(m, g)| {
                let t = t0 + SignedDuration::from_mins(m);
                Reading::new(
                    t,
                    t.to_zoned(jiff::tz::TimeZone::UTC).datetime(),
                    GlucoseMgDl::new(g).unwrap(),
                    Censoring::Exact,
                )
            })
            .collect();
        Trace::new("s", readings).0
    }

    fn check(
        points: &[(i64, f64)],
        dt0: Option<u32>,
        expect: (u32, usize, &[(usize, Option<f64>)]),
    ) {
        let g = grid(&trace(points), dt0, 45.0).unwrap();
        assert_eq!(g.dt0_minutes(), expect.0, "dt0");
        assert_eq!(g.days(), expect.1, "days");
        assert_eq!(g.len(), g.days() * g.points_per_day());
        for &(k, v) in expect.2 {
            assert_eq!(g.get(k), v, "point {k}");
        }
    }

    #[test]
    fn first_point_is_midnight_plus_dt0_and_interpolates_linearly() {
        // Readings at 00:00, 00:10 and 00:20 → dt0 10; points at 00:10, 00:20, 00:30.
        // Any span under a day gives two rows (iglu: ceil(span + 1)).
        check(
            &[(0, 100.0), (10, 120.0), (20, 110.0)],
            None,
            (10, 2, &[(0, Some(120.0)), (1, Some(110.0)), (2, None)]),
        );
        check(
            &[(0, 100.0), (10, 120.0), (20, 110.0)],
            Some(5),
            (
                5,
                2,
                &[(0, Some(110.0)), (1, Some(120.0)), (2, Some(115.0))],
            ),
        );
    }

    #[test]
    fn gaps_over_inter_gap_are_not_interpolated() {
        // 50-minute gap between 00:05 and 00:55: points 00:10..00:50 are empty.
        let points = [(0, 100.0), (5, 100.0), (55, 200.0), (60, 200.0)];
        check(
            &points,
            Some(5),
            (
                5,
                2,
                &[(0, Some(100.0)), (1, None), (9, None), (10, Some(200.0))],
            ),
        );
        // 45 minutes exactly is still interpolated.
        let points = [(0, 100.0), (5, 100.0), (50, 190.0), (55, 200.0)];
        check(
            &points,
            Some(5),
            (5, 2, &[(1, Some(110.0)), (8, Some(180.0))]),
        );
    }

    #[test]
    fn day_count_is_ceiling_of_span_plus_one() {
        // Exactly one day of span → 2 rows; a day and a minute → 3 rows.
        check(&[(0, 100.0), (1440, 100.0)], Some(5), (5, 2, &[]));
        check(&[(0, 100.0), (1441, 100.0)], Some(5), (5, 3, &[]));
    }

    #[test]
    fn spans_beyond_ten_years_get_no_grid() {
        let decade = 1440 * MAX_GRID_DAYS as i64;
        assert!(
            grid(
                &trace(&[(0, 100.0), (decade - 1440 * 2, 100.0)]),
                Some(5),
                45.0
            )
            .is_some()
        );
        assert!(grid(&trace(&[(0, 100.0), (decade, 100.0)]), Some(5), 45.0).is_none());
    }

    #[test]
    fn step_rounds_to_a_divisor_of_a_day() {
        let spaced = |m: i64| trace(&[(0, 100.0), (m, 100.0), (2 * m, 100.0)]);
        assert_eq!(grid_step(&spaced(7), None), Some(5));
        assert_eq!(grid_step(&spaced(13), None), Some(15));
        assert_eq!(grid_step(&spaced(19), None), Some(20));
        assert_eq!(grid_step(&spaced(25), None), Some(20));
        assert_eq!(grid_step(&spaced(15), None), Some(15));
        // Above inter_gap: iglu stops; we return None.
        assert!(grid(&spaced(60), None, 45.0).is_none());
        assert!(grid(&trace(&[(0, 100.0)]), None, 45.0).is_none());
    }

    /// iglu's grid point by point, straight from its definition (R `approx` between the
    /// nearest readings either side, NA before the first, after the last and inside
    /// gaps longer than `inter_gap`): the reference the fast fill is checked against.
    fn reference_grid(trace: &Trace, dt0: u32, inter_gap: f64) -> Vec<f64> {
        let g = build(trace, dt0, inter_gap).unwrap();
        let readings = trace.readings();
        let x: Vec<f64> = readings
            .iter()
            .map(|r| seconds_between(g.midnight(), r.utc()))
            .collect();
        let y: Vec<f64> = readings.iter().map(|r| r.glucose().get()).collect();
        (0..g.len())
            .map(|k| {
                let v = (k + 1) as f64 * f64::from(dt0) * 60.0;
                if let Some(i) = x.iter().position(|&xi| xi == v) {
                    return y[i];
                }
                let (Some(i0), Some(i1)) = (
                    x.iter().rposition(|&xi| xi < v),
                    x.iter().position(|&xi| xi > v),
                ) else {
                    return f64::NAN;
                };
                if (x[i1] - x[i0]) / 60.0 > inter_gap {
                    f64::NAN
                } else {
                    y[i0] + (y[i1] - y[i0]) * ((v - x[i0]) / (x[i1] - x[i0]))
                }
            })
            .collect()
    }

    #[test]
    fn gap_test_agrees_with_dividing_near_the_limit() {
        for minutes in [45.0f64, 44.9, 0.1, 180.0] {
            let limit = minutes * 60.0;
            let mut seconds = limit * (1.0 - 2e-9);
            for _ in 0..64 {
                for s in [seconds, seconds.next_up(), seconds.next_down(), limit] {
                    assert_eq!(longer_than(s, limit, minutes), s / 60.0 > minutes, "{s} s");
                }
                seconds += limit * 6e-11;
            }
            assert!(longer_than(limit * 2.0, limit, minutes));
            assert!(!longer_than(limit / 2.0, limit, minutes));
        }
    }

    proptest::proptest! {
        /// The grid is the reference grid, bit for bit, on irregular traces with gaps.
        #[test]
        fn grid_is_the_reference_grid(
            steps in proptest::collection::vec((1i64..3_000, 40u16..400), 2..120),
            dt0 in proptest::sample::select(vec![1u32, 5, 15]),
        ) {
            let t0 = jiff::Timestamp::from_second(1_577_840_000).unwrap();
            let mut t = t0;
            let readings = steps.iter().map(|&(seconds, g)| {
                t += SignedDuration::from_secs(seconds);
                Reading::new(t, t.to_zoned(jiff::tz::TimeZone::UTC).datetime(),
                    GlucoseMgDl::new(f64::from(g)).unwrap(), Censoring::Exact)
            }).collect();
            let trace = Trace::new("s", readings).0;
            let got = build(&trace, dt0, 45.0).unwrap();
            let want = reference_grid(&trace, dt0, 45.0);
            proptest::prop_assert_eq!(got.len(), want.len());
            for (k, (a, b)) in got.raw().iter().zip(&want).enumerate() {
                proptest::prop_assert!(a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                    "point {}: {} vs {}", k, a, b);
            }
        }

        /// The histogram median is the selection median, whatever the spacing.
        #[test]
        fn histogram_median_is_the_selection_median(
            steps in proptest::collection::vec((0i64..4_000, 0u8..4), 1..200),
        ) {
            let t0 = jiff::Timestamp::from_second(1_577_836_800).unwrap();
            let mut t = t0;
            let readings = steps.iter().map(|&(seconds, ms)| {
                // One step in four has milliseconds when `ms` is 0 (Nightscout-like).
                let extra = if ms == 0 { 250 } else { 0 };
                t = t + SignedDuration::from_secs(seconds) + SignedDuration::from_millis(extra);
                Reading::new(t, t.to_zoned(jiff::tz::TimeZone::UTC).datetime(),
                    GlucoseMgDl::new(100.0).unwrap(), Censoring::Exact)
            });
            let trace = Trace::new("s", std::iter::once(Reading::new(t0,
                t0.to_zoned(jiff::tz::TimeZone::UTC).datetime(),
                GlucoseMgDl::new(100.0).unwrap(), Censoring::Exact)).chain(readings).collect()).0;
            let minutes = |trace: &Trace| -> Vec<f64> {
                trace.readings().windows(2)
                    .map(|w| seconds_between(w[0].utc(), w[1].utc()) / 60.0).collect()
            };
            let s = spacing(&trace);
            proptest::prop_assert_eq!(s.median, rounded_median(&minutes(&trace)));
            if let Some(kept) = s.minutes {
                proptest::prop_assert_eq!(kept, minutes(&trace));
            }
            // And with whole seconds only (the histogram path).
            let whole: Vec<Reading> = trace.readings().iter().map(|r| {
                let t = jiff::Timestamp::from_second(r.utc().as_second()).unwrap();
                Reading::new(t, r.local(), r.glucose(), r.censoring())
            }).collect();
            let whole = Trace::new("w", whole).0;
            let s = spacing(&whole);
            proptest::prop_assert_eq!(s.median, rounded_median(&minutes(&whole)));
        }
    }

    #[test]
    fn median_rounds_half_to_even() {
        // Spacings 2 and 3 minutes → median 2.5 → 2 (R rounds half to even).
        assert_eq!(
            grid_step(&trace(&[(0, 1.0), (2, 1.0), (5, 1.0)]), None),
            Some(2)
        );
    }
}
