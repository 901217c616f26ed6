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
    let (mut b54, mut b70, mut i180, mut i250, mut a250, mut tight, mut b63, mut a140) = (
        0usize, 0usize, 0usize, 0usize, 0usize, 0usize, 0usize, 0usize,
    );
    for x in r {
        let g = x.glucose().get();
        sum += g;
        // Boundaries as in iglu below_percent (<), in_range_percent (≥,≤), above_percent (>).
        if g < 54.0 {
            b54 += 1;
        } else if g < 70.0 {
            b70 += 1;
        } else if g <= 180.0 {
            i180 += 1;
        } else if g <= 250.0 {
            i250 += 1;
        } else {
            a250 += 1;
        }
        if (70.0..=140.0).contains(&g) {
            tight += 1;
        }
        if g < 63.0 {
            b63 += 1;
        }
        if g > 140.0 {
            a140 += 1;
        }
    }
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
    let mut sorted: Vec<f64> = r.iter().map(|x| x.glucose().get()).collect();
    sorted.sort_by(f64::total_cmp);
    m.quantiles = Some([5.0, 25.0, 50.0, 75.0, 95.0].map(|p| quantile7(&sorted, p / 100.0)));
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
    if let Some((lbgi, hbgi)) = risk::lbgi_hbgi(r) {
        m.lbgi = Some(lbgi);
        m.hbgi = Some(hbgi);
    }
    m.adrr = risk::adrr(r);
    m.days = coverage::days(trace);
    m.active_percent = coverage::active_percent(trace);
    if let (Some(days), Some(active)) = (m.days, m.active_percent) {
        m.sufficient = Some(coverage::sufficient(days, active));
    }
    let day_grid = grid::grid(trace, None, options.inter_gap_minutes);
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

/// R type 7 quantile of a non-empty sorted slice: h = (n−1)p, linear between neighbours.
fn quantile7(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let h = (n as f64 - 1.0) * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n.saturating_sub(1));
    let (a, b) = (
        sorted.get(lo).copied().unwrap_or(f64::NAN),
        sorted.get(hi).copied().unwrap_or(f64::NAN),
    );
    a + (h - lo as f64) * (b - a)
}
