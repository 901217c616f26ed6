//! International consensus metric set (Battelino et al., Diabetes Care 2019;42:1593–1603).

use super::histogram::ValueStats;
use super::risk::GriZone;
use super::{MetricOptions, coverage, grid, mage, risk, variability};
use crate::reading::Trace;

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
    let mut m = Metrics {
        readings: r.len(),
        ..Metrics::default()
    };
    let Some(v) = ValueStats::of(r) else {
        return m;
    };
    let (n, nf) = (v.n, v.n as f64);
    m.censored_used = v.censored;
    let c = v.ranges;
    let (b54, b70, i180, i250, a250) = (
        c.below_54,
        c.below_70 - c.below_54,
        c.up_to_180 - c.below_70,
        c.up_to_250 - c.up_to_180,
        n - c.up_to_250,
    );
    let mean = v.mean;
    m.mean = Some(mean);
    // GMI (%) = 3.31 + 0.02392 × mean; mmol/mol = 12.71 + 4.70587 × mean (Bergenstal 2018).
    m.gmi_percent = Some(3.31 + 0.02392 * mean);
    m.gmi_mmol_mol = Some(12.71 + 4.70587 * mean / crate::units::MG_DL_PER_MMOL_L);
    if n > 1 {
        let sd = (v.squares / (nf - 1.0)).sqrt();
        m.sd = Some(sd);
        m.cv = Some(sd / mean * 100.0);
        m.j_index = Some(0.001 * (mean + sd).powi(2));
    }
    m.quantiles = Some(v.quantiles);
    let pct = |c: usize| c as f64 / nf * 100.0;
    let ranges = RangePercents {
        below_54: pct(b54),
        from_54_to_69: pct(b70),
        from_70_to_180: pct(i180),
        from_181_to_250: pct(i250),
        above_250: pct(a250),
    };
    m.ranges = Some(ranges);
    m.tight_range = Some(pct(c.tight));
    m.below_63 = Some(pct(c.below_63));
    m.above_140 = Some(pct(c.above_140));
    m.pregnancy_in_range = Some(100.0 - pct(c.below_63) - pct(c.above_140));
    let gri = risk::gri(&ranges);
    m.gri = Some(gri);
    m.gri_zone = Some(GriZone::of(gri));
    (m.lbgi, m.hbgi, m.adrr) = (Some(v.risk.0), Some(v.risk.1), Some(v.risk.2));
    m.days = coverage::days(trace);
    // iglu derives the grid step and the % active step from the same median spacing.
    let spacing = grid::spacing(trace);
    let median_step = spacing.median;
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
