//! Mean amplitude of glycaemic excursions, iglu 4.x default algorithm `"ma"`
//! (iglu `mage_ma_single`, `R/mage_ma_single.R`; Fernandes et al., "Open-source
//! algorithm to calculate mean amplitude of glycemic excursions using short and long
//! moving averages", J Diabetes Sci Technol 2022;16:576, doi 10.1177/19322968211061165;
//! MAGE itself: Service et al., Diabetes 1970;19:644).
//!
//! The trace is put on a 5-minute [`Grid`]; the grid is trimmed to its first and last
//! value and cut into segments at runs of missing points longer than `max_gap` (180
//! minutes). In each segment, the crossings of a short (5-point) and a long (32-point)
//! trailing moving average delimit the peaks and nadirs; excursions are differences
//! between turning points of at least one SD of the segment, measured upwards (MAGE+)
//! and downwards (MAGE−). The result is the duration-weighted mean, over segments, of
//! the MAGE+ and MAGE− values that exist (iglu `direction = "avg"`).
//!
//! The step-by-step logic, including its edge cases (the last point joins the crossing
//! list even if it is already there; MAGE− can count the final excursion twice), is that
//! of iglu, because agreement with iglu is what the parity test checks.

use super::grid::Grid;

/// Parameters of the `"ma"` algorithm (iglu defaults: 5, 32, 180).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MageOptions {
    /// Short moving-average window, in 5-minute points.
    pub short_ma: usize,
    /// Long moving-average window, in 5-minute points.
    pub long_ma: usize,
    /// Runs of missing grid points longer than this (minutes) split the trace.
    pub max_gap_minutes: f64,
}

impl Default for MageOptions {
    fn default() -> Self {
        Self {
            short_ma: 5,
            long_ma: 32,
            max_gap_minutes: 180.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turn {
    Min,
    Max,
}

/// MAGE (mg/dL) on `grid`, which iglu builds with `dt0 = 5` and `inter_gap = 45`.
/// `None` when fewer than 7 points or fewer than `long_ma` points remain, or when no
/// segment has an excursion (iglu returns `NA`).
pub fn mage(grid: &Grid, options: &MageOptions) -> Option<f64> {
    let dt0 = f64::from(grid.dt0_minutes());
    // iglu rescales the windows, defined for 5-minute data, to the grid step.
    let mut short = (options.short_ma as f64 * 5.0 / dt0).round_ties_even() as usize;
    let mut long = (options.long_ma as f64 * 5.0 / dt0).round_ties_even() as usize;
    if short >= long {
        std::mem::swap(&mut short, &mut long);
    }
    let values = grid.raw();
    let first = values.iter().position(|v| !v.is_nan())?;
    let last = values.iter().rposition(|v| !v.is_nan())?;
    let gl = values.get(first..=last)?;
    if gl.len() < 7 || gl.len() < long {
        return None;
    }

    // (MAGE, segment duration in minutes) for every direction that has excursions.
    let mut rows: Vec<(f64, f64)> = Vec::new();
    for (start, end) in segments(gl, dt0, options.max_gap_minutes) {
        let Some(segment) = gl.get(start..end) else {
            continue;
        };
        let minutes = (end - start - 1) as f64 * dt0;
        let (plus, minus) = excursions(segment, short, long);
        rows.extend(plus.into_iter().chain(minus).map(|m| (m, minutes)));
    }
    if rows.is_empty() {
        return None;
    }
    let total: f64 = rows.iter().map(|r| r.1).sum();
    Some(rows.iter().map(|&(m, minutes)| m * (minutes / total)).sum())
}

/// Half-open ranges of `gl` between runs of missing points longer than `max_gap`
/// minutes. `gl` starts and ends with a value.
fn segments(gl: &[f64], dt0: f64, max_gap_minutes: f64) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < gl.len() {
        if gl[i].is_nan() {
            let run_start = i;
            while i < gl.len() && gl[i].is_nan() {
                i += 1;
            }
            if (i - run_start) as f64 * dt0 > max_gap_minutes {
                out.push((start, run_start));
                start = i;
            }
        } else {
            i += 1;
        }
    }
    if start < gl.len() {
        out.push((start, gl.len()));
    }
    out
}

/// iglu's `mage_atomic`: (MAGE+, MAGE−) of one segment, `NaN` marking missing points.
fn excursions(gl: &[f64], short: usize, long: usize) -> (Option<f64>, Option<f64>) {
    let n = gl.len();
    if n < 7 || n < long || short == 0 {
        return (None, None);
    }
    let Some(sd) = sample_sd(gl) else {
        return (None, None);
    };
    if sd < 1.0 {
        return (None, None);
    }
    let delta = ma_delta(gl, short, long);

    let turn = |d: f64| if d > 0.0 { Turn::Max } else { Turn::Min };
    let mut crosses: Vec<(usize, Turn)> = vec![(0, turn(delta[0]))];
    // The delta at the last crossing: across missing points a sign change is judged
    // against it.
    let mut at_last = delta[0];
    let mut before = (gl[0], delta[0]);
    for (i, (&g, &d)) in gl.iter().zip(&delta).enumerate().skip(1) {
        let (g_before, d_before) = std::mem::replace(&mut before, (g, d));
        if g.is_nan() || g_before.is_nan() || d.is_nan() || d_before.is_nan() {
            continue;
        }
        let previous = if d * d_before < 0.0 {
            d_before
        } else if d * at_last < 0.0 {
            at_last
        } else {
            continue;
        };
        crosses.push((i, if d < previous { Turn::Min } else { Turn::Max }));
        at_last = d;
    }
    crosses.push((n - 1, turn(delta[n - 1])));

    // Turning points: the extreme between the previous turning point and the next crossing.
    let extrema = crosses.len() - 1;
    let mut minmax = Vec::with_capacity(extrema);
    let mut indexes: Vec<usize> = Vec::with_capacity(extrema);
    for i in 0..extrema {
        let s1 = if i == 0 { crosses[0].0 } else { indexes[i - 1] };
        let s2 = crosses[i + 1].0;
        let Some((at, value)) = extreme(gl, s1, s2, crosses[i].1) else {
            return (None, None);
        };
        minmax.push(value);
        indexes.push(at);
    }

    let plus = mean(&rising(&minmax, sd));
    let minus = mean(&falling(&minmax, sd)).map(f64::abs);
    (plus, minus)
}

/// iglu's MAGE+ scan: heights of nadir-to-peak excursions of at least `sd`.
fn rising(minmax: &[f64], sd: f64) -> Vec<f64> {
    let n = minmax.len();
    let mut heights = Vec::new();
    let (mut j, mut prev_j) = (0usize, 0usize);
    while j < n {
        // Lowest earlier turning point since the last excursion (first one on ties).
        let (i, rise) = best(prev_j, j, |i| minmax[j] - minmax[i], |a, b| a > b);
        if rise >= sd {
            // The range is fixed when the loop starts (R `for (k in j:N)`); `j` moves inside.
            let from = j;
            for k in from..n {
                if minmax[k] > minmax[j] {
                    j = k;
                }
                if minmax[k] - minmax[j] < -sd || k == n - 1 {
                    heights.push(minmax[j] - minmax[i]);
                    prev_j = k;
                    j = k;
                    break;
                }
            }
        } else {
            j += 1;
        }
    }
    heights
}

/// iglu's MAGE− scan: (negative) heights of peak-to-nadir excursions of at least `sd`.
fn falling(minmax: &[f64], sd: f64) -> Vec<f64> {
    let n = minmax.len();
    let mut heights = Vec::new();
    let (mut j, mut prev_j) = (0usize, 0usize);
    while j < n {
        let (i, fall) = best(prev_j, j, |i| minmax[j] - minmax[i], |a, b| a < b);
        if fall <= -sd {
            let from = j;
            for k in from..n {
                if minmax[k] < minmax[j] {
                    j = k;
                }
                if minmax[k] - minmax[j] > sd || k == n - 1 {
                    heights.push(minmax[j] - minmax[i]);
                    // iglu restarts from the turning point here, not from k.
                    prev_j = j;
                    j = k;
                    break;
                }
            }
        } else {
            j += 1;
        }
    }
    heights
}

/// The first `i` in `from..=to` whose `f(i)` is best under `better` (R `which.max` /
/// `which.min`), with its value.
fn best(
    from: usize,
    to: usize,
    f: impl Fn(usize) -> f64,
    better: impl Fn(f64, f64) -> bool,
) -> (usize, f64) {
    let mut at = from;
    let mut value = f(from);
    for i in from + 1..=to {
        let v = f(i);
        if better(v, value) {
            at = i;
            value = v;
        }
    }
    (at, value)
}

/// Position and value of the first minimum (or maximum) of `gl[s1..=s2]`, ignoring gaps.
fn extreme(gl: &[f64], s1: usize, s2: usize, kind: Turn) -> Option<(usize, f64)> {
    let part = gl.get(s1..=s2)?;
    // NaN compares false, so gaps never replace; glucose is finite, so the first
    // value present always replaces the infinite start.
    let (mut at, mut best) = (0usize, f64::INFINITY);
    match kind {
        Turn::Min => {
            for (offset, &v) in part.iter().enumerate() {
                if v < best {
                    (at, best) = (offset, v);
                }
            }
        }
        Turn::Max => {
            best = f64::NEG_INFINITY;
            for (offset, &v) in part.iter().enumerate() {
                if v > best {
                    (at, best) = (offset, v);
                }
            }
        }
    }
    best.is_finite().then_some((s1 + at, best))
}

/// `short`-point minus `long`-point trailing moving average at every point, with the
/// signs (and, near zero, the values) of [`moving_average`]'s differences.
///
/// Only the sign of each difference steers the MAGE scan (crossings, and whether a
/// crossing is a peak or a nadir). Running sums give each average in O(1), but drift by
/// a bounded amount from the window-by-window sums R computes; wherever a difference is
/// within that bound of zero, it is recomputed window by window, so every sign, and
/// every exact tie, is R's.
fn ma_delta(gl: &[f64], short: usize, long: usize) -> Vec<f64> {
    let n = gl.len();
    if short == 0 || long > n || short > long {
        return vec![f64::NAN; n];
    }
    let clean: Vec<f64> = gl
        .iter()
        .map(|v| if v.is_nan() { 0.0 } else { *v })
        .collect();
    let mut present = Vec::with_capacity(n + 1);
    present.push(0u32);
    let mut count = 0u32;
    let mut max_abs = 0.0f64;
    for (v, c) in gl.iter().zip(&clean) {
        count += u32::from(!v.is_nan());
        present.push(count);
        max_abs = max_abs.max(c.abs());
    }
    let running = |width: usize| -> Vec<f64> {
        let mut out = vec![f64::NAN; n];
        // The first full window, then slide: add the newest value, drop the oldest.
        let mut sum: f64 = clean[..width - 1].iter().sum();
        let windows = clean[width - 1..]
            .iter()
            .zip(std::iter::once(&0.0).chain(&clean[..n - width]))
            .zip(present[width..].iter().zip(&present[..=n - width]));
        for (slot, ((newest, oldest), (to, from))) in out[width - 1..].iter_mut().zip(windows) {
            sum = sum + newest - oldest;
            let c = to - from;
            *slot = if c == 0 { f64::NAN } else { sum / f64::from(c) };
        }
        out
    };
    let (ma_short, ma_long) = (running(short), running(long));
    // Each of the 2n additions and subtractions errs by at most ε/2 of a partial sum,
    // which is at most (long + 1)·max|g|; the ordered sums err by less. Sixteen times
    // that is a safe margin for the difference of the two means.
    let bound = 16.0 * f64::EPSILON * max_abs * (long + 1) as f64 * (n + long + 2) as f64;
    (0..n)
        .map(|i| {
            let s = ma_short[i.max(short - 1)];
            let l = ma_long[i.max(long - 1)];
            let d = s - l;
            if d.abs() <= bound {
                window_mean(&clean, &present, short, i.max(short - 1))
                    - window_mean(&clean, &present, long, i.max(long - 1))
            } else {
                d
            }
        })
        .collect()
}

/// Mean of the values present in the `width` points ending at `at`, summed in order as
/// R does; `NaN` if none is present.
fn window_mean(clean: &[f64], present: &[u32], width: usize, at: usize) -> f64 {
    let count = present[at + 1] - present[at + 1 - width];
    if count == 0 {
        return f64::NAN;
    }
    let sum: f64 = clean[at + 1 - width..=at].iter().sum();
    sum / f64::from(count)
}

/// Trailing moving average over `width` points ignoring gaps (zoo `rollapply`, right
/// aligned, `na.rm = TRUE`), with the first `width` values set to the `width`-th, as iglu
/// does. `NaN` where a window holds no value.
///
/// Each window is summed on its own, in order, as R does: a running sum would drift and
/// turn exact ties between the two averages into sign changes. For speed, [`LANES`]
/// neighbouring windows are summed side by side, and a gap adds 0.0, which leaves a sum
/// unchanged; every window's sum is still exactly that of its own values in order.
///
/// [`ma_delta`] is what the scan uses; this is the reference it is tested against.
#[cfg(test)]
fn moving_average(gl: &[f64], width: usize) -> Vec<f64> {
    let n = gl.len();
    let mut out = vec![f64::NAN; n];
    if width == 0 || width > n {
        return out;
    }
    let clean: Vec<f64> = gl
        .iter()
        .map(|v| if v.is_nan() { 0.0 } else { *v })
        .collect();
    // Values present before each index (exact integer prefix counts).
    let mut present = Vec::with_capacity(n + 1);
    present.push(0usize);
    for v in gl {
        present.push(present[present.len() - 1] + usize::from(!v.is_nan()));
    }
    let mut i = width - 1;
    while i < n {
        let mut sums = [0.0f64; LANES];
        if i + LANES <= n {
            for j in 0..width {
                let from = i + 1 - width + j;
                if let Ok(chunk) = <&[f64; LANES]>::try_from(&clean[from..from + LANES]) {
                    for (sum, v) in sums.iter_mut().zip(chunk) {
                        *sum += v;
                    }
                }
            }
        } else {
            for (l, sum) in sums.iter_mut().enumerate().take(n - i) {
                for v in &clean[i + l + 1 - width..=i + l] {
                    *sum += v;
                }
            }
        }
        for (l, sum) in sums.iter().enumerate().take((n - i).min(LANES)) {
            let at = i + l;
            let count = present[at + 1] - present[at + 1 - width];
            out[at] = if count == 0 {
                f64::NAN
            } else {
                sum / count as f64
            };
        }
        i += LANES;
    }
    let fill = out[width - 1];
    for v in out.iter_mut().take(width) {
        *v = fill;
    }
    out
}

/// Windows summed side by side in [`moving_average`].
#[cfg(test)]
const LANES: usize = 16;

/// Sample SD (n − 1) of the values present; `None` with fewer than two. A gap adds 0.0,
/// which leaves each sum as that of the values present, in order.
fn sample_sd(gl: &[f64]) -> Option<f64> {
    let (mut sum, mut count) = (0.0, 0usize);
    for &v in gl {
        sum += if v.is_nan() { 0.0 } else { v };
        count += usize::from(!v.is_nan());
    }
    if count < 2 {
        return None;
    }
    let m = sum / count as f64;
    let ss: f64 = gl
        .iter()
        .map(|&v| if v.is_nan() { 0.0 } else { (v - m) * (v - m) })
        .sum();
    Some((ss / (count - 1) as f64).sqrt())
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_split_only_at_long_gaps() {
        let nan = f64::NAN;
        let mut gl = vec![1.0; 10];
        gl.extend([nan; 36]); // 180 min: not longer than max_gap
        gl.extend([1.0; 10]);
        gl.extend([nan; 37]); // 185 min: splits
        gl.extend([1.0; 5]);
        assert_eq!(segments(&gl, 5.0, 180.0), vec![(0, 56), (93, 98)]);
    }

    proptest::proptest! {
        /// Running sums give the same sign, and the same exact ties, as R's window sums.
        #[test]
        fn ma_delta_signs_are_those_of_window_sums(
            raw in proptest::collection::vec((0u8..8, 40u16..400, 0u8..4), 40..400),
        ) {
            // Flat runs (repeat the last value), gaps (NaN) and fractional values.
            let mut gl: Vec<f64> = Vec::new();
            for (kind, v, frac) in raw {
                let last = gl.last().copied().filter(|x: &f64| !x.is_nan()).unwrap_or(120.0);
                gl.push(match kind {
                    0 => f64::NAN,
                    1..=3 => last,
                    _ => f64::from(v) + f64::from(frac) / 3.0,
                });
            }
            let (s, l) = (moving_average(&gl, 5), moving_average(&gl, 32));
            let fast = ma_delta(&gl, 5, 32);
            for i in 0..gl.len() {
                let exact = s[i] - l[i];
                proptest::prop_assert_eq!(exact.is_nan(), fast[i].is_nan(), "NaN at {}", i);
                if !exact.is_nan() {
                    proptest::prop_assert_eq!(exact.signum(), fast[i].signum(), "sign at {}", i);
                    proptest::prop_assert_eq!(exact == 0.0, fast[i] == 0.0, "tie at {}", i);
                }
            }
        }
    }

    #[test]
    fn moving_average_skips_gaps_and_fills_the_start() {
        let nan = f64::NAN;
        let ma = moving_average(&[1.0, 2.0, 3.0, nan, 5.0], 2);
        assert_eq!(ma[..3], [1.5, 1.5, 2.5]);
        assert_eq!(ma[3], 3.0);
        assert_eq!(ma[4], 5.0);
    }

    #[test]
    fn sine_wave_swings_are_its_amplitude() {
        // 150 ± 50 mg/dL with an 8-hour period, starting at a nadir: every full swing
        // is 100 mg/dL; the trace ends just short of its last nadir.
        let gl: Vec<f64> = (0..480)
            .map(|i| 150.0 - 50.0 * (std::f64::consts::TAU * f64::from(i) / 96.0).cos())
            .collect();
        let (plus, minus) = excursions(&gl, 5, 32);
        assert_eq!(plus, Some(100.0));
        let minus = minus.unwrap();
        assert!((99.9..100.0).contains(&minus), "{minus}");
    }

    #[test]
    fn a_trace_that_starts_flat_never_crosses() {
        // iglu compares later deltas with the first one; when that is exactly 0 no
        // crossing is ever found, so there is no excursion (as in iglu).
        let gl: Vec<f64> = (0..480)
            .map(|i| if (i / 48) % 2 == 0 { 100.0 } else { 200.0 })
            .collect();
        assert_eq!(excursions(&gl, 5, 32), (None, None));
    }

    #[test]
    fn flat_trace_has_no_mage() {
        assert_eq!(excursions(&[120.0; 100], 5, 32), (None, None));
    }
}
