//! International consensus metric set (Battelino et al., Diabetes Care 2019;42:1593–1603).

use super::risk::GriZone;
use super::{MetricOptions, coverage, grid, mage, risk, variability};
use crate::reading::{Censoring, Trace};

/// Percent of readings in each consensus range (iglu boundary conventions:
/// `<54`, `54 ≤ g < 70`, `70 ≤ g ≤ 180`, `180 < g ≤ 250`, `>250`).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct RangePercents {
    /// % of readings < 54 mg/dL.
    pub below_54: f64,
    /// % of readings 54–69 mg/dL.
    pub from_54_to_69: f64,
    /// % of readings 70–180 mg/dL.
    pub from_70_to_180: f64,
    /// % of readings 181–250 mg/dL.
    pub from_181_to_250: f64,
    /// % of readings > 250 mg/dL.
    pub above_250: f64,
}

/// Computed metrics; `None` where undefined (e.g. no readings, or too little data for
/// the grid-based indices). Each field names its definition; docs/metrics.md gives the
/// iglu parity status of each.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Metrics {
    /// Number of readings used.
    pub readings: usize,
    /// Number of censored (LO/HI) readings counted at their limit value.
    pub censored_used: usize,
    /// Days of data: span from first to last reading, in days (iglu `active_percent`
    /// `ndays`, unrounded).
    pub days: Option<f64>,
    /// % time CGM active (iglu `active_percent`; see [`coverage::active_percent`]).
    pub active_percent: Option<f64>,
    /// Mean glucose, mg/dL.
    pub mean: Option<f64>,
    /// Glucose management indicator, % (Bergenstal et al., Diabetes Care 2018;41:2275).
    pub gmi_percent: Option<f64>,
    /// GMI, mmol/mol (same source).
    pub gmi_mmol_mol: Option<f64>,
    /// Sample standard deviation, mg/dL.
    pub sd: Option<f64>,
    /// Coefficient of variation, %.
    pub cv: Option<f64>,
    /// Time in the five consensus ranges.
    pub ranges: Option<RangePercents>,
    /// % of readings in tight range 70–140 mg/dL.
    pub tight_range: Option<f64>,
    /// Pregnancy range 63–140 mg/dL, % in range.
    pub pregnancy_in_range: Option<f64>,
    /// % of readings < 63 mg/dL (pregnancy TBR).
    pub below_63: Option<f64>,
    /// % of readings > 140 mg/dL (pregnancy TAR).
    pub above_140: Option<f64>,
    /// Quantiles 5/25/50/75/95 %, R type 7 (Hyndman & Fan 1996, definition 7).
    pub quantiles: Option<[f64; 5]>,
    /// J-index = 0.001·(mean + SD)² (Wojcicki, Horm Metab Res 1995;27:41).
    pub j_index: Option<f64>,
    /// Consensus data sufficiency: ≥14 days and ≥70 % time CGM active (Battelino et al.
    /// 2019); `None` when % active is undefined.
    pub sufficient: Option<bool>,
    /// CONGA over `MetricOptions::conga_hours` on the iglu grid, mg/dL (McDonnell et al.
    /// 2005; iglu `conga`).
    pub conga: Option<f64>,
    /// MODD on the iglu grid, mg/dL (Service & Nelson 1980; iglu `modd`, lag 1 day).
    pub modd: Option<f64>,
    /// MAGE, iglu "ma" algorithm on the 5-minute grid, mg/dL (Fernandes et al. 2022;
    /// iglu `mage`).
    pub mage: Option<f64>,
    /// Glycemia Risk Index, 0–100 (Klonoff et al. 2022; iglu `gri`).
    pub gri: Option<f64>,
    /// GRI zone A–E (20-point bands, Klonoff et al. 2022).
    pub gri_zone: Option<GriZone>,
    /// Low blood glucose index (Kovatchev; iglu `lbgi`, factor 22.77).
    pub lbgi: Option<f64>,
    /// High blood glucose index (Kovatchev; iglu `hbgi`, factor 22.77).
    pub hbgi: Option<f64>,
    /// Average daily risk range (Kovatchev et al. 2006; iglu `adrr`, factor 22.77).
    pub adrr: Option<f64>,
}

/// Compute the metric set for one trace.
///
/// Range percentages, mean, SD, quantiles and the risk indices use the readings as they
/// are (count-based, as iglu); CONGA, MODD and MAGE use the iglu interpolation grid.
pub fn compute(trace: &Trace, options: &MetricOptions) -> Metrics {
    let r = trace.readings();
    let n = r.len();
    let censored_used = r
        .iter()
        .filter(|x| x.censoring() != Censoring::Exact)
        .count();
    let mut m = Metrics {
        readings: n,
        censored_used,
        ..Metrics::default()
    };
    if n == 0 {
        return m;
    }
    let nf = n as f64;
    let mut sum = 0.0;
    // Cumulative counts, added without branches (CGM values jump between ranges, so
    // branches mispredict); the five ranges are differences of them.
    let (mut lt54, mut lt63, mut lt70, mut le180, mut le250, mut gt140, mut tight) =
        (0usize, 0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
    for x in r {
        let g = x.glucose().get();
        sum += g;
        // Boundaries as in iglu below_percent (<), in_range_percent (≥,≤), above_percent (>).
        lt54 += usize::from(g < 54.0);
        lt63 += usize::from(g < 63.0);
        lt70 += usize::from(g < 70.0);
        le180 += usize::from(g <= 180.0);
        le250 += usize::from(g <= 250.0);
        gt140 += usize::from(g > 140.0);
        tight += usize::from((70.0..=140.0).contains(&g));
    }
    let (b54, b70, i180, i250, a250) = (lt54, lt70 - lt54, le180 - lt70, le250 - le180, n - le250);
    let (b63, a140) = (lt63, gt140);
    let mean = sum / nf;
    m.mean = Some(mean);
    // GMI (%) = 3.31 + 0.02392 × mean; mmol/mol = 12.71 + 4.70587 × mean (Bergenstal 2018).
    m.gmi_percent = Some(3.31 + 0.02392 * mean);
    m.gmi_mmol_mol = Some(12.71 + 4.70587 * mean / crate::units::MG_DL_PER_MMOL_L);
    if n > 1 {
        let ss: f64 = r.iter().map(|x| (x.glucose().get() - mean).powi(2)).sum();
        let sd = (ss / (nf - 1.0)).sqrt();
        m.sd = Some(sd);
        m.cv = Some(sd / mean * 100.0);
    }
    if let (Some(mean), Some(sd)) = (m.mean, m.sd) {
        m.j_index = Some(0.001 * (mean + sd).powi(2));
    }
    m.quantiles = quantiles7(
        r.iter().map(|x| x.glucose().get()),
        [0.05, 0.25, 0.5, 0.75, 0.95],
    );
    let pct = |c: usize| c as f64 / nf * 100.0;
    m.ranges = Some(RangePercents {
        below_54: pct(b54),
        from_54_to_69: pct(b70),
        from_70_to_180: pct(i180),
        from_181_to_250: pct(i250),
        above_250: pct(a250),
    });
    m.tight_range = Some(pct(tight));
    m.below_63 = Some(pct(b63));
    m.above_140 = Some(pct(a140));
    m.pregnancy_in_range = Some(100.0 - pct(b63) - pct(a140));
    if let Some(ranges) = &m.ranges {
        let gri = risk::gri(ranges);
        m.gri = Some(gri);
        m.gri_zone = Some(GriZone::of(gri));
    }
    if let Some((lbgi, hbgi, adrr)) = risk::risk_indices(r) {
        m.lbgi = Some(lbgi);
        m.hbgi = Some(hbgi);
        m.adrr = Some(adrr);
    }
    m.days = coverage::days(trace);
    // iglu derives the grid step and the % active step from the same median spacing.
    let (spacing, median_step) = grid::spacing(trace);
    m.active_percent =
        median_step.and_then(|dt0| coverage::active_percent_with(trace, &spacing, dt0));
    if let (Some(days), Some(active)) = (m.days, m.active_percent) {
        m.sufficient = Some(coverage::sufficient(days, active));
    }
    let day_grid = median_step
        .and_then(grid::day_divisor)
        .and_then(|dt0| grid::build(trace, dt0, options.inter_gap_minutes));
    if let Some(g) = &day_grid {
        m.conga = variability::conga(g, options.conga_hours);
        m.modd = variability::modd(g);
    }
    // iglu always puts MAGE on a 5-minute grid; reuse the grid when it already is one.
    let mage_grid = match day_grid {
        Some(g) if g.dt0_minutes() == 5 => Some(g),
        _ => grid::grid(trace, Some(5), options.inter_gap_minutes),
    };
    m.mage = mage_grid.and_then(|g| mage::mage(&g, &options.mage));
    m
}

/// R type 7 quantiles (h = (n−1)p, linear between the neighbouring order statistics) at
/// ascending probabilities `ps`.
///
/// CGM values are nearly always whole mg/dL, so the order statistics are read off a
/// histogram of whole values (one pass, no sort); any other value falls back to
/// selection on a copy. Both give the same numbers as sorting.
fn quantiles7<const N: usize>(
    values: impl Iterator<Item = f64> + Clone,
    ps: [f64; N],
) -> Option<[f64; N]> {
    const MAX_WHOLE: usize = 2000;
    let mut counts = vec![0u32; MAX_WHOLE + 1];
    let mut n = 0usize;
    for v in values.clone() {
        let whole = v as usize;
        if whole > MAX_WHOLE || whole as f64 != v {
            let mut copy: Vec<f64> = values.collect();
            return quantiles7_select(&mut copy, ps);
        }
        counts[whole] += 1;
        n += 1;
    }
    if n == 0 {
        return None;
    }
    // The k-th smallest value (0-based), walking the histogram forwards (restarting if
    // a smaller k comes after a larger one, which happens for tiny n).
    let mut bin = 0usize;
    let mut below = 0usize; // values in bins before `bin`
    let mut kth = |k: usize| -> f64 {
        if k < below {
            (bin, below) = (0, 0);
        }
        while below + counts[bin] as usize <= k {
            below += counts[bin] as usize;
            bin += 1;
        }
        bin as f64
    };
    let mut out = [f64::NAN; N];
    for (q, p) in out.iter_mut().zip(ps) {
        let h = (n as f64 - 1.0) * p;
        let lo = (h.floor() as usize).min(n - 1);
        let a = kth(lo);
        let b = kth((lo + 1).min(n - 1));
        *q = a + (h - lo as f64) * (b - a);
    }
    Some(out)
}

/// [`quantiles7`] by selection on ever smaller parts of `values` (reordered).
fn quantiles7_select<const N: usize>(values: &mut [f64], ps: [f64; N]) -> Option<[f64; N]> {
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
            return None; // `ps` not ascending
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
mod quantile_tests {
    use super::*;

    /// R: quantile(c(...), c(.05, .25, .5, .75, .95)) (type 7).
    fn check(values: &[f64], expect: [f64; 5]) {
        let ps = [0.05, 0.25, 0.5, 0.75, 0.95];
        let got = quantiles7(values.iter().copied(), ps).unwrap();
        for (g, e) in got.iter().zip(expect) {
            assert!((g - e).abs() < 1e-12, "{got:?} vs {expect:?}");
        }
        let mut copy = values.to_vec();
        assert_eq!(quantiles7_select(&mut copy, ps), Some(got));
    }

    #[test]
    fn histogram_and_selection_agree_with_r() {
        check(
            &[50.0, 60.0, 100.0, 200.0, 300.0],
            [52.0, 60.0, 100.0, 200.0, 280.0],
        );
        check(&[7.0, 1.0, 3.0, 3.0], [1.3, 2.5, 3.0, 4.0, 6.4]);
        check(&[120.0], [120.0; 5]);
        check(&[200.0, 100.0], [105.0, 125.0, 150.0, 175.0, 195.0]);
        // Fractional values take the selection path.
        let values = [99.5, 100.25, 101.0, 150.0];
        let got = quantiles7(values.iter().copied(), [0.05, 0.25, 0.5, 0.75, 0.95]).unwrap();
        assert!((got[1] - 100.0625).abs() < 1e-12, "{got:?}");
    }
}
