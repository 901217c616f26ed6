//! The value statistics of a trace (mean, SD, range counts, quantiles, LBGI, HBGI,
//! ADRR) from one pass over its readings.
//!
//! Exports write glucose with a fixed resolution: whole mg/dL, or mmol/L to one decimal
//! (converted here with ×18.0182). When every value of a trace lies on one such
//! [`Lattice`], the pass only counts readings per lattice point, and each statistic is
//! read off the (few hundred) occupied points instead of the readings: one logarithm
//! and one power per lattice point for the risk scale (from a table built once), a
//! histogram walk instead of a sort for the quantiles. [`ValueStats::by_reading`] is the
//! reading-by-reading computation used for any other trace; the two agree (test below).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jiff::civil::Date;

use super::risk::{RISK_FACTOR, bg_scale, day_risk_range, risk_terms};
use crate::reading::{Censoring, Reading};
use crate::units::MG_DL_PER_MMOL_L;

/// The resolutions exports write glucose in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lattice {
    /// Whole mg/dL, 0–2000 (point `k` is `k` mg/dL).
    WholeMgDl,
    /// mmol/L to one decimal, 0–111.0 (point `k` is `(k / 10)·18.0182` mg/dL, computed
    /// exactly as the importers convert a parsed `k / 10`).
    TenthMmolL,
}

impl Lattice {
    /// Number of points.
    fn len(self) -> usize {
        match self {
            Lattice::WholeMgDl => 2001,
            Lattice::TenthMmolL => 1111,
        }
    }

    /// The value of point `k`, mg/dL.
    fn value(self, k: usize) -> f64 {
        match self {
            Lattice::WholeMgDl => k as f64,
            Lattice::TenthMmolL => (k as f64 / 10.0) * MG_DL_PER_MMOL_L,
        }
    }

    /// The point whose value is exactly `mg_dl`, if there is one.
    #[inline(always)]
    fn index(self, mg_dl: f64) -> Option<usize> {
        // Adding 2⁵² rounds a number in [0, 2⁵²) to the nearest whole number, which then
        // sits in the low bits of the sum (no float-to-integer conversion); the checks
        // below accept only a point whose value is exactly `mg_dl`. NaN and values out
        // of range fail them.
        const SHIFT: f64 = 4_503_599_627_370_496.0; // 2⁵²
        let (scaled, whole) = match self {
            Lattice::WholeMgDl => (mg_dl, true),
            Lattice::TenthMmolL => (mg_dl * (10.0 / MG_DL_PER_MMOL_L), false),
        };
        if !(0.0..SHIFT).contains(&scaled) {
            return None;
        }
        let sum = scaled + SHIFT;
        let k = (sum.to_bits() - SHIFT.to_bits()) as usize;
        let exact = if whole {
            sum - SHIFT == mg_dl
        } else {
            self.value(k) == mg_dl
        };
        (k < self.len() && exact).then_some(k)
    }

    /// The lattice `mg_dl` lies on, whole mg/dL first.
    fn of(mg_dl: f64) -> Option<Self> {
        [Lattice::WholeMgDl, Lattice::TenthMmolL]
            .into_iter()
            .find(|l| l.index(mg_dl).is_some())
    }

    /// Kovatchev's risk scale at every point, computed on first use (once per process:
    /// about 3,000 logarithms and powers). Point 0 never occurs: glucose is positive,
    /// so every occupied point is at least 1 mg/dL, where the scale rises with glucose.
    fn scale(self) -> &'static [f64] {
        static WHOLE: OnceLock<Vec<f64>> = OnceLock::new();
        static TENTH: OnceLock<Vec<f64>> = OnceLock::new();
        let table = match self {
            Lattice::WholeMgDl => &WHOLE,
            Lattice::TenthMmolL => &TENTH,
        };
        table.get_or_init(|| (0..self.len()).map(|k| bg_scale(self.value(k))).collect())
    }
}

/// Number of readings in each consensus range, as cumulative counts (iglu boundary
/// conventions; the ranges are differences of these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct RangeCounts {
    pub below_54: usize,
    pub below_63: usize,
    pub below_70: usize,
    pub up_to_180: usize,
    pub up_to_250: usize,
    pub above_140: usize,
    /// 70–140 mg/dL inclusive.
    pub tight: usize,
}

impl RangeCounts {
    /// Adds `count` readings of value `g`, without branches (CGM values jump between
    /// ranges, so branches mispredict).
    #[inline]
    fn add(&mut self, g: f64, count: usize) {
        // Boundaries as in iglu below_percent (<), in_range_percent (≥,≤), above_percent (>).
        self.below_54 += count * usize::from(g < 54.0);
        self.below_63 += count * usize::from(g < 63.0);
        self.below_70 += count * usize::from(g < 70.0);
        self.up_to_180 += count * usize::from(g <= 180.0);
        self.up_to_250 += count * usize::from(g <= 250.0);
        self.above_140 += count * usize::from(g > 140.0);
        self.tight += count * usize::from((70.0..=140.0).contains(&g));
    }
}

/// What [`super::compute`] needs from the values of a non-empty trace.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ValueStats {
    pub n: usize,
    /// Readings stored at a sensor limit.
    pub censored: usize,
    pub mean: f64,
    /// Σ (g − mean)².
    pub squares: f64,
    pub ranges: RangeCounts,
    /// R type 7 quantiles at 5/25/50/75/95 %.
    pub quantiles: [f64; 5],
    /// (LBGI, HBGI, ADRR), iglu's definitions (see [`super::risk`]).
    pub risk: (f64, f64, f64),
}

/// Probabilities of [`ValueStats::quantiles`].
const PROBABILITIES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

impl ValueStats {
    /// The statistics of `readings` (not empty): from a lattice histogram when every
    /// value lies on one, else reading by reading.
    pub(crate) fn of(readings: &[Reading]) -> Option<Self> {
        Histogram::of(readings)
            .map(|h| h.stats())
            .or_else(|| Self::by_reading(readings))
    }

    /// The statistics computed reading by reading; `None` without readings.
    pub(crate) fn by_reading(readings: &[Reading]) -> Option<Self> {
        let n = readings.len();
        if n == 0 {
            return None;
        }
        let censored = readings
            .iter()
            .filter(|x| x.censoring() != Censoring::Exact)
            .count();
        let mut sum = 0.0;
        let mut ranges = RangeCounts::default();
        for x in readings {
            let g = x.glucose().get();
            sum += g;
            ranges.add(g, 1);
        }
        let mean = sum / n as f64;
        let squares = readings
            .iter()
            .map(|x| (x.glucose().get() - mean).powi(2))
            .sum();
        let mut values: Vec<f64> = readings.iter().map(|x| x.glucose().get()).collect();
        let quantiles = quantiles7_select(&mut values, PROBABILITIES)?;
        Some(Self {
            n,
            censored,
            mean,
            squares,
            ranges,
            quantiles,
            risk: super::risk::risk_indices(readings)?,
        })
    }
}

/// Readings counted per lattice point, with each local day's lowest and highest point.
struct Histogram {
    lattice: Lattice,
    counts: Vec<u32>,
    /// Lowest and highest occupied point.
    lo: usize,
    hi: usize,
    n: usize,
    censored: usize,
    /// Lowest and highest point of each local calendar day.
    days: BTreeMap<Date, (usize, usize)>,
}

impl Histogram {
    /// `None` without readings or when a value lies off the first value's lattice.
    fn of(readings: &[Reading]) -> Option<Self> {
        let lattice = Lattice::of(readings.first()?.glucose().get())?;
        // One loop per lattice, so the lattice is fixed inside it.
        match lattice {
            Lattice::WholeMgDl => Self::count(readings, Lattice::WholeMgDl),
            Lattice::TenthMmolL => Self::count(readings, Lattice::TenthMmolL),
        }
    }

    #[inline(always)]
    fn count(readings: &[Reading], lattice: Lattice) -> Option<Self> {
        let mut counts = vec![0u32; lattice.len()];
        let mut censored = 0usize;
        // Runs of readings on one local date, with their lowest and highest point: the
        // current one, and those closed (kept apart from the loop, which stays small
        // enough for its counters to live in registers).
        let mut run = (readings.first()?.local().date(), usize::MAX, 0usize);
        let mut runs = Vec::with_capacity(32);
        for r in readings {
            let k = lattice.index(r.glucose().get())?;
            if let Some(count) = counts.get_mut(k) {
                *count += 1;
            }
            censored += usize::from(r.censoring() != Censoring::Exact);
            let date = r.local().date();
            if date != run.0 {
                runs.push(run);
                run = (date, k, k);
            }
            run.1 = run.1.min(k);
            run.2 = run.2.max(k);
        }
        runs.push(run);
        let mut days = BTreeMap::new();
        for (date, lo, hi) in runs {
            let day = days.entry(date).or_insert((usize::MAX, 0));
            *day = (day.0.min(lo), day.1.max(hi));
        }
        let lo = days.values().map(|d: &(usize, usize)| d.0).min()?;
        let hi = days.values().map(|d| d.1).max()?;
        Some(Self {
            lattice,
            counts,
            lo,
            hi,
            n: readings.len(),
            censored,
            days,
        })
    }

    /// The occupied part: (value, count) of each point from the lowest to the highest.
    fn points(&self) -> impl Iterator<Item = (f64, u32)> + '_ {
        (self.lo..=self.hi).map(|k| (self.lattice.value(k), self.counts[k]))
    }

    fn stats(&self) -> ValueStats {
        let nf = self.n as f64;
        let mut sum = 0.0;
        let mut ranges = RangeCounts::default();
        for (g, c) in self.points() {
            sum += g * f64::from(c);
            ranges.add(g, c as usize);
        }
        let mean = sum / nf;
        let squares = self
            .points()
            .map(|(g, c)| f64::from(c) * (g - mean) * (g - mean))
            .sum();
        // Risk: each point's scale value, weighted by its count; the scale rises with
        // glucose, so a day's extremes of the scale are at its lowest and highest point.
        let scale = self.lattice.scale();
        let (mut low, mut high) = (0.0, 0.0);
        for ((g, c), &f) in self.points().zip(&scale[self.lo..=self.hi]) {
            let (l, h) = risk_terms(g, f);
            low += f64::from(c) * l;
            high += f64::from(c) * h;
        }
        let day_risk: f64 = self
            .days
            .values()
            .map(|&(lo, hi)| day_risk_range(scale[lo], scale[hi]))
            .sum();
        let adrr = day_risk / self.days.len() as f64;
        ValueStats {
            n: self.n,
            censored: self.censored,
            mean,
            squares,
            ranges,
            quantiles: self.quantiles7(PROBABILITIES),
            risk: (RISK_FACTOR * low / nf, RISK_FACTOR * high / nf, adrr),
        }
    }

    /// R type 7 quantiles (h = (n−1)p, linear between the neighbouring order statistics)
    /// at ascending probabilities `ps`, the order statistics read off the histogram.
    fn quantiles7<const N: usize>(&self, ps: [f64; N]) -> [f64; N] {
        let n = self.n;
        // The k-th smallest value (0-based), walking the histogram forwards (restarting
        // if a smaller k comes after a larger one, which happens for tiny n).
        let (mut point, mut below) = (self.lo, 0usize);
        let mut kth = |k: usize| -> f64 {
            if k < below {
                (point, below) = (self.lo, 0);
            }
            while below + self.counts[point] as usize <= k {
                below += self.counts[point] as usize;
                point += 1;
            }
            self.lattice.value(point)
        };
        let mut out = [f64::NAN; N];
        for (q, p) in out.iter_mut().zip(ps) {
            let h = (n as f64 - 1.0) * p;
            let lo = (h.floor() as usize).min(n - 1);
            let a = kth(lo);
            let b = kth((lo + 1).min(n - 1));
            *q = a + (h - lo as f64) * (b - a);
        }
        out
    }
}

/// R type 7 quantiles at ascending probabilities `ps`, by selection on ever smaller
/// parts of `values` (reordered). `None` if `values` is empty or `ps` is not ascending.
pub(crate) fn quantiles7_select<const N: usize>(
    values: &mut [f64],
    ps: [f64; N],
) -> Option<[f64; N]> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mut out = [f64::NAN; N];
    // Everything before `done` is ≤ everything from `done` on.
    let mut done = 0usize;
    for (q, p) in out.iter_mut().zip(ps) {
        let h = (n as f64 - 1.0) * p;
        let lo = (h.floor() as usize).min(n - 1);
        if lo < done {
            return None;
        }
        let (_, &mut a, above) = values[done..].select_nth_unstable_by(lo - done, f64::total_cmp);
        // The next order statistic is the smallest value above the `lo`-th.
        let b = if lo + 1 < n {
            above.iter().copied().fold(f64::INFINITY, f64::min)
        } else {
            a
        };
        *q = a + (h - lo as f64) * (b - a);
        done = lo;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GlucoseMgDl;

    /// Readings every 5 minutes from 2023-11-14 22:00 UTC (so they span local days).
    fn readings(values: &[f64]) -> Vec<Reading> {
        let t0 = jiff::Timestamp::from_second(1_699_999_200).unwrap();
        values
            .iter()
            .enumerate()
            .map(|(i, &g)| {
                let t = t0 + jiff::SignedDuration::from_mins(5 * i as i64);
                let censoring = if i % 17 == 0 {
                    Censoring::AboveLimit
                } else {
                    Censoring::Exact
                };
                Reading::new(
                    t,
                    t.to_zoned(jiff::tz::TimeZone::UTC).datetime(),
                    GlucoseMgDl::new(g).unwrap(),
                    censoring,
                )
            })
            .collect()
    }

    fn close_enough(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(1.0)
    }

    fn assert_same(h: &ValueStats, r: &ValueStats) {
        assert_eq!((h.n, h.censored, h.ranges), (r.n, r.censored, r.ranges));
        assert_eq!(h.quantiles, r.quantiles, "quantiles");
        for (a, b, what) in [
            (h.mean, r.mean, "mean"),
            (h.squares, r.squares, "squares"),
            (h.risk.0, r.risk.0, "lbgi"),
            (h.risk.1, r.risk.1, "hbgi"),
            (h.risk.2, r.risk.2, "adrr"),
        ] {
            assert!(close_enough(a, b), "{what}: {a} vs {b}");
        }
    }

    #[test]
    fn lattices_hold_what_importers_produce() {
        assert_eq!(Lattice::of(120.0), Some(Lattice::WholeMgDl));
        let mmol = GlucoseMgDl::from_mmol_l("5.6".parse().unwrap())
            .unwrap()
            .get();
        assert_eq!(Lattice::of(mmol), Some(Lattice::TenthMmolL));
        assert_eq!(Lattice::TenthMmolL.index(mmol), Some(56));
        assert_eq!(Lattice::of(100.5), None);
        assert_eq!(Lattice::of(2000.0), Some(Lattice::WholeMgDl));
        assert_eq!(Lattice::WholeMgDl.index(2001.0), None);
    }

    #[test]
    fn off_lattice_values_are_counted_reading_by_reading() {
        let r = readings(&[100.0, 100.5, 130.0]);
        assert!(Histogram::of(&r).is_none());
        let stats = ValueStats::of(&r).unwrap();
        assert_eq!(stats, ValueStats::by_reading(&r).unwrap());
        assert!(close_enough(stats.mean, 110.166_666_666_666_67));
    }

    proptest::proptest! {
        /// On either lattice, the histogram gives what the reading-by-reading pass gives.
        #[test]
        fn histogram_matches_reading_by_reading(
            whole in proptest::collection::vec(40u16..=400, 1..600),
            tenths in proptest::collection::vec(22u16..=222, 1..600),
        ) {
            let whole: Vec<f64> = whole.into_iter().map(f64::from).collect();
            let r = readings(&whole);
            let h = Histogram::of(&r).unwrap();
            proptest::prop_assert_eq!(h.lattice, Lattice::WholeMgDl);
            assert_same(&h.stats(), &ValueStats::by_reading(&r).unwrap());

            let mmol: Vec<f64> = tenths
                .into_iter()
                .map(|t| GlucoseMgDl::from_mmol_l(f64::from(t) / 10.0).unwrap().get())
                .collect();
            let r = readings(&mmol);
            let h = Histogram::of(&r).unwrap();
            proptest::prop_assert_eq!(h.lattice, Lattice::TenthMmolL);
            assert_same(&h.stats(), &ValueStats::by_reading(&r).unwrap());
        }
    }

    /// R: quantile(c(...), c(.05, .25, .5, .75, .95)) (type 7).
    #[test]
    fn quantiles_agree_with_r() {
        let check = |values: &[f64], expect: [f64; 5]| {
            let got = ValueStats::of(&readings(values)).unwrap().quantiles;
            for (g, e) in got.iter().zip(expect) {
                assert!((g - e).abs() < 1e-12, "{got:?} vs {expect:?}");
            }
            let mut copy = values.to_vec();
            assert_eq!(quantiles7_select(&mut copy, PROBABILITIES), Some(got));
        };
        check(
            &[50.0, 60.0, 100.0, 200.0, 300.0],
            [52.0, 60.0, 100.0, 200.0, 280.0],
        );
        check(&[7.0, 1.0, 3.0, 3.0], [1.3, 2.5, 3.0, 4.0, 6.4]);
        check(&[120.0], [120.0; 5]);
        check(&[200.0, 100.0], [105.0, 125.0, 150.0, 175.0, 195.0]);
        // Fractional values take the reading-by-reading path.
        let got = ValueStats::of(&readings(&[99.5, 100.25, 101.0, 150.0]))
            .unwrap()
            .quantiles;
        assert!((got[1] - 100.0625).abs() < 1e-12, "{got:?}");
    }
}
