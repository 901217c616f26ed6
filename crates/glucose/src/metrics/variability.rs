//! Glycaemic variability on the iglu grid: CONGA and MODD (iglu `conga`, `modd`).

use super::grid::Grid;

/// Continuous overall net glycaemic action (McDonnell et al., Diabetes Technol Ther
/// 2005;7:253; iglu `conga`): the sample SD of the differences between grid values
/// `hours` apart, over the pairs where both exist.
///
/// The lag is `round(60 / dt0)` points per hour (R rounding, half to even) times
/// `hours`, rounded to whole points. `None` if the lag is not positive or fewer than two
/// differences exist.
pub fn conga(grid: &Grid, hours: f64) -> Option<f64> {
    let per_hour = (60.0 / f64::from(grid.dt0_minutes())).round_ties_even();
    let lag = (per_hour * hours).round_ties_even();
    if lag.is_nan() || lag < 1.0 || lag > grid.len() as f64 {
        return None;
    }
    lagged_sd(grid.raw(), lag as usize)
}

/// Mean of daily differences (Service & Nelson, Diabetes Care 1980;3:58; iglu `modd`
/// with `lag = 1`): the mean absolute difference between grid values at the same time
/// on consecutive days, over the pairs where both exist. `None` if there is no pair.
pub fn modd(grid: &Grid) -> Option<f64> {
    let (sum, count) = lagged_sum(grid.raw(), grid.points_per_day(), |d| d.abs());
    (count > 0).then(|| sum / count as f64)
}

/// Sum of `f(v[i + lag] − v[i])` over the pairs where both exist, and their number.
/// Missing pairs add 0.0, which leaves a sum unchanged, so no branch is needed; the
/// terms are summed in four interleaved lanes so the additions do not wait on each
/// other (the order differs from R's, so the last bits may too, far inside the 10⁻⁶
/// parity tolerance).
fn lagged_sum(values: &[f64], lag: usize, f: impl Fn(f64) -> f64) -> (f64, usize) {
    let (head, tail) = (values, values.get(lag..).unwrap_or(&[]));
    let term = |a: f64, b: f64| {
        let both = !a.is_nan() && !b.is_nan();
        (if both { f(b - a) } else { 0.0 }, usize::from(both))
    };
    let (mut sums, mut counts) = ([0.0f64; 4], [0usize; 4]);
    let pairs_b = tail.chunks_exact(4);
    let rest_b = pairs_b.remainder();
    for (a, b) in head.chunks_exact(4).zip(pairs_b) {
        for ((&a, &b), (sum, count)) in a.iter().zip(b).zip(sums.iter_mut().zip(&mut counts)) {
            let (t, c) = term(a, b);
            *sum += t;
            *count += c;
        }
    }
    // `tail` is the shorter: the pairs left are its remainder's.
    let done = tail.len() - rest_b.len();
    let (mut sum, mut count) = (
        (sums[0] + sums[1]) + (sums[2] + sums[3]),
        counts.iter().sum(),
    );
    for (&a, &b) in head[done..].iter().zip(rest_b) {
        let (t, c) = term(a, b);
        sum += t;
        count += c;
    }
    (sum, count)
}

/// Sample SD (n − 1) of the lag differences, two passes; `None` with fewer than two.
fn lagged_sd(values: &[f64], lag: usize) -> Option<f64> {
    let (sum, n) = lagged_sum(values, lag, |d| d);
    if n < 2 {
        return None;
    }
    let mean = sum / n as f64;
    let (ss, _) = lagged_sum(values, lag, |d| (d - mean) * (d - mean));
    Some((ss / (n - 1) as f64).sqrt())
}

#[cfg(test)]
mod tests {
    use super::super::grid::grid;
    use super::*;
    use crate::{Censoring, GlucoseMgDl, Reading, Trace};

    /// Two days of 5-minute readings from 00:05, glucose `f(minute of trace)`.
    fn grid_of(f: impl Fn(i64) -> f64) -> Grid {
        let t0 = jiff::Timestamp::from_second(1_577_836_800).unwrap();
        let readings = (1..=576)
            .map(|i| {
                let t = t0 + jiff::SignedDuration::from_mins(5 * i);
                Reading::new(
                    t,
                    t.to_zoned(jiff::tz::TimeZone::UTC).datetime(),
                    GlucoseMgDl::new(f(5 * i)).unwrap(),
                    Censoring::Exact,
                )
            })
            .collect();
        grid(&Trace::new("s", readings).0, None, 45.0).unwrap()
    }

    #[test]
    fn modd_of_a_constant_daily_shift() {
        // Day two is 20 mg/dL above day one at every time of day.
        let g = grid_of(|m| if m <= 1440 { 100.0 } else { 120.0 });
        assert_eq!(modd(&g), Some(20.0));
    }

    #[test]
    fn conga_of_a_linear_ramp_is_zero() {
        let g = grid_of(|m| 50.0 + m as f64 / 10.0);
        let c = conga(&g, 1.0).unwrap();
        assert!(c.abs() < 1e-9, "{c}");
        assert_eq!(conga(&g, 0.0), None);
    }
}
