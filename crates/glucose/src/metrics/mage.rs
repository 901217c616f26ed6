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
    if n < 7 || n < long || short == 0 || short > long {
        return (None, None);
    }
    let Some(sd) = sample_sd(gl) else {
        return (None, None);
    };
    if sd < 1.0 {
        return (None, None);
    }
    let crosses = crossings(gl, short, long);

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
    // The extreme first (NaN compares false, so gaps never win; four lanes, without
    // branches on the data), then the first point holding it, which is R's
    // `which.min`/`which.max`.
    let best = match kind {
        Turn::Min => lane_fold(part, f64::INFINITY, |a, b| if b < a { b } else { a }),
        Turn::Max => lane_fold(part, f64::NEG_INFINITY, |a, b| if b > a { b } else { a }),
    };
    if !best.is_finite() {
        return None;
    }
    let at = part.iter().position(|&v| v == best)?;
    Some((s1 + at, best))
}

/// `values` folded with `pick` from `start` in four interleaved lanes, then the lanes
/// folded together; for an associative, commutative `pick` such as a minimum.
#[inline(always)]
fn lane_fold(values: &[f64], start: f64, pick: impl Fn(f64, f64) -> f64) -> f64 {
    let mut lanes = [start; 4];
    let chunks = values.chunks_exact(4);
    let rest = chunks.remainder().iter().fold(start, |a, &b| pick(a, b));
    for chunk in chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane = pick(*lane, v);
        }
    }
    pick(
        pick(pick(lanes[0], lanes[1]), pick(lanes[2], lanes[3])),
        rest,
    )
}

/// Where the short moving average crosses the long one (iglu's `crosses`), each with
/// the kind of turning point it opens; the first and last points always open one.
/// `gl` holds at least `long ≥ short ≥ 1` points and starts and ends with a value.
///
/// iglu compares the deltas' values (`d < previous`), but only ever between deltas of
/// opposite signs, so their signs decide everything; [`ma_signs`] gives those.
fn crossings(gl: &[f64], short: usize, long: usize) -> Vec<(usize, Turn)> {
    let signs = ma_signs(gl, short, long);
    let n = signs.len();
    let turn = |sign: i8| if sign > 0 { Turn::Max } else { Turn::Min };
    let mut crosses: Vec<(usize, Turn)> = vec![(0, turn(signs[0]))];
    // The sign at the last crossing: across missing points a sign change is judged
    // against it.
    let mut at_last = signs[0].clamp(-1, 1);
    for (i, pair) in signs.windows(2).enumerate() {
        let (before, sign) = (pair[0], pair[1]);
        if before == MISSING || sign == MISSING {
            continue;
        }
        let previous = if sign * before < 0 { before } else { at_last };
        if sign * previous < 0 {
            crosses.push((i + 1, turn(sign)));
            at_last = sign;
        }
    }
    // iglu appends the last point whatever it is.
    crosses.push((n - 1, turn(signs[n - 1])));
    crosses
}

/// [`ma_signs`] at a missing point, or where a window holds no value.
const MISSING: i8 = i8::MIN;

/// The sign (−1, 0 or 1) of the `short`-point minus the `long`-point trailing moving
/// average at every point, or [`MISSING`] where the point is missing. Each average is
/// over the values present in its window; before a window is full, the first full
/// window's average stands in, as iglu fills the start. The signs, exact ties included,
/// are those of [`moving_average`]'s differences. Needs `1 ≤ short ≤ long ≤ gl.len()`.
///
/// Window sums come as differences of prefix sums (O(1) each) and are compared by
/// cross-multiplying with the counts (no division): `S/cs − L/cl` has the sign of
/// `S·cl − L·cs`. That differs by a bounded amount from what R's window-by-window sums
/// give; wherever it is within that bound of zero, the difference is recomputed window
/// by window, so every sign is R's.
fn ma_signs(gl: &[f64], short: usize, long: usize) -> Vec<i8> {
    let n = gl.len();
    debug_assert!(1 <= short && short <= long && long <= n);
    // Prefix sums of the values present (a gap adds 0.0) and prefix counts.
    let mut sums = vec![0.0f64; n + 1];
    let mut counts = vec![0u32; n + 1];
    let (mut sum, mut count) = (0.0f64, 0u32);
    let mut max_abs = 0.0f64;
    for ((&v, s), c) in gl.iter().zip(&mut sums[1..]).zip(&mut counts[1..]) {
        let present = !v.is_nan();
        sum += if present { v } else { 0.0 };
        count += u32::from(present);
        // NaN compares false; glucose is positive.
        max_abs = if v > max_abs { v } else { max_abs };
        (*s, *c) = (sum, count);
    }
    // Prefix sum k errs by at most ε/2 of each of its k partial sums, each at most
    // k·max|g|: below ε·k²·max|g|/2. A window sum then errs by at most ε·(n + 1)²·max|g|,
    // more than an ordered window sum does; times a count (≤ long) and doubled for the
    // two products and their rounding, 4·ε·max|g|·long·(n + 2)² bounds how far
    // `S·cl − L·cs` can be from the same expression on R's sums, which has the sign of
    // R's difference of means unless that is within ε·max|g| of zero (covered too).
    let reach = (n + 2) as f64;
    let bound = 4.0 * f64::EPSILON * max_abs * long as f64 * reach * reach;
    let sign = |x: f64| i8::from(x > 0.0) - i8::from(x < 0.0);
    let exact = |short_at: usize, long_at: usize| {
        let d = window_mean(gl, short, short_at) - window_mean(gl, long, long_at);
        if d.is_nan() { MISSING } else { sign(d) }
    };
    // `S·cl − L·cs` at every point (full windows first: no branches, so it vectorises),
    // with the short window's count.
    let scaled = |short_at: usize, long_at: usize| {
        let (sa, la) = (short_at + 1, long_at + 1);
        let (cs, cl) = (
            counts[sa] - counts[sa - short],
            counts[la] - counts[la - long],
        );
        let s = sums[sa] - sums[sa - short];
        let l = sums[la] - sums[la - long];
        (s * f64::from(cl) - l * f64::from(cs), cs)
    };
    let mut scaled_all: Vec<(f64, u32)> = (0..long - 1)
        .map(|i| scaled(i.max(short - 1), long - 1))
        .collect();
    let ends = sums[long..].iter().zip(&counts[long..]);
    let short_starts = sums[long - short..].iter().zip(&counts[long - short..]);
    let long_starts = sums.iter().zip(&counts);
    scaled_all.extend(ends.zip(short_starts).zip(long_starts).map(
        |(((end, c_end), (short_start, c_short)), (long_start, c_long))| {
            let (cs, cl) = (c_end - c_short, c_end - c_long);
            let (s, l) = (end - short_start, end - long_start);
            (s * f64::from(cl) - l * f64::from(cs), cs)
        },
    ));
    let mut signs = Vec::with_capacity(n);
    for (i, (&v, &(d, cs))) in gl.iter().zip(&scaled_all).enumerate() {
        // The long window holds the short one, so it is empty only when that is.
        signs.push(if v.is_nan() || cs == 0 {
            MISSING
        } else if d.abs() <= bound {
            exact(i.max(short - 1), i.max(long - 1))
        } else {
            sign(d)
        });
    }
    signs
}

/// Mean of the values present in the `width` points ending at `at`, summed in order as
/// R does; `NaN` if none is present.
fn window_mean(gl: &[f64], width: usize, at: usize) -> f64 {
    let window = &gl[at + 1 - width..=at];
    let count = window.iter().filter(|v| !v.is_nan()).count();
    if count == 0 {
        return f64::NAN;
    }
    let sum: f64 = window
        .iter()
        .map(|&v| if v.is_nan() { 0.0 } else { v })
        .sum();
    sum / count as f64
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
/// [`ma_signs`] is what the scan uses; this is the reference it is tested against.
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

/// Sample SD (n − 1) of the values present; `None` with fewer than two.
///
/// Two passes (mean, then squared deviations), each summed in four interleaved lanes so
/// the additions do not wait on each other; a gap adds 0.0. The order differs from R's,
/// so the result may differ from R's `sd` in the last bits, far inside the 10⁻⁶ parity
/// tolerance (the SD is a threshold for excursions, never compared for equality).
fn sample_sd(gl: &[f64]) -> Option<f64> {
    let count = gl.iter().filter(|v| !v.is_nan()).count();
    if count < 2 {
        return None;
    }
    let m = lane_sum(gl, |v| v) / count as f64;
    let ss = lane_sum(gl, |v| (v - m) * (v - m));
    Some((ss / (count - 1) as f64).sqrt())
}

/// Σ f(v) over the values of `gl` that are present, in four interleaved lanes.
fn lane_sum(gl: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    let term = |v: f64| if v.is_nan() { 0.0 } else { f(v) };
    let mut lanes = [0.0f64; 4];
    let chunks = gl.chunks_exact(4);
    let tail: f64 = chunks.remainder().iter().map(|&v| term(v)).sum();
    for chunk in chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane += term(v);
        }
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail
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
        /// Prefix sums give the same signs, exact ties included, as R's window sums.
        #[test]
        fn ma_signs_are_those_of_window_sums(
            raw in proptest::collection::vec((0u8..8, 40u16..400, 0u8..4, 1usize..48), 4..60),
        ) {
            // Runs of one value (long enough for both windows to hold nothing else, so
            // the averages tie exactly), gaps (NaN) and fractional values.
            let mut gl: Vec<f64> = Vec::new();
            for (kind, v, frac, run) in raw {
                let value = match kind {
                    0 => f64::NAN,
                    _ => f64::from(v) + f64::from(frac) / 3.0,
                };
                gl.extend(std::iter::repeat_n(value, run));
            }
            proptest::prop_assume!(gl.len() >= 32);
            let (s, l) = (moving_average(&gl, 5), moving_average(&gl, 32));
            let fast = ma_signs(&gl, 5, 32);
            for i in 0..gl.len() {
                let exact = s[i] - l[i];
                if gl[i].is_nan() || exact.is_nan() {
                    proptest::prop_assert_eq!(fast[i], MISSING, "missing at {}", i);
                } else {
                    let want = i8::from(exact > 0.0) - i8::from(exact < 0.0);
                    proptest::prop_assert_eq!(fast[i], want, "sign at {}", i);
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
