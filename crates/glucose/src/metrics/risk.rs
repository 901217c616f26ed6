//! Glycaemic risk indices: LBGI, HBGI and ADRR as iglu 4.3 computes them (Kovatchev et
//! al.), and the Glycemia Risk Index (Klonoff et al. 2022).

use std::collections::BTreeMap;

use super::RangePercents;
use super::histogram::ValueStats;
use crate::reading::Reading;

/// Glycemia Risk Index zone (Klonoff et al., J Diabetes Sci Technol 2022;17:1506,
/// doi 10.1177/19322968221085273): 20-point bands of the GRI, A best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum GriZone {
    /// 0–20.
    A,
    /// Above 20, up to 40.
    B,
    /// Above 40, up to 60.
    C,
    /// Above 60, up to 80.
    D,
    /// Above 80, up to 100.
    E,
}

impl GriZone {
    /// The zone of a GRI value. The paper's bands (0–20, 21–40, …) are for whole
    /// numbers; here a band's upper bound belongs to it, so 20.5 is in zone B.
    pub fn of(gri: f64) -> Self {
        if gri <= 20.0 {
            GriZone::A
        } else if gri <= 40.0 {
            GriZone::B
        } else if gri <= 60.0 {
            GriZone::C
        } else if gri <= 80.0 {
            GriZone::D
        } else {
            GriZone::E
        }
    }

    /// The zone letter.
    pub fn letter(self) -> char {
        match self {
            GriZone::A => 'A',
            GriZone::B => 'B',
            GriZone::C => 'C',
            GriZone::D => 'D',
            GriZone::E => 'E',
        }
    }
}

/// GRI = 3.0·VLow + 2.4·Low + 1.6·VHigh + 0.8·High, capped at 100 (Klonoff et al. 2022;
/// iglu `gri`), from the consensus range percentages (VLow <54, Low 54–69, High 181–250,
/// VHigh >250 mg/dL).
///
/// iglu takes Low and High as differences of cumulative percentages (below 70 minus
/// below 54, above 180 minus above 250); so does this, to agree to the last bit.
pub fn gri(ranges: &RangePercents) -> f64 {
    let below_70 = ranges.below_54 + ranges.from_54_to_69;
    let above_180 = ranges.from_181_to_250 + ranges.above_250;
    let raw = 3.0 * ranges.below_54
        + 2.4 * (below_70 - ranges.below_54)
        + 1.6 * ranges.above_250
        + 0.8 * (above_180 - ranges.above_250);
    raw.min(100.0)
}

/// Kovatchev's symmetrised glucose scale, f(BG) = ln(BG)^1.084 − 5.381 (BG in mg/dL;
/// Kovatchev et al., Diabetes Care 1997;20:1655), zero at 112.5 mg/dL.
pub(crate) fn bg_scale(mg_dl: f64) -> f64 {
    mg_dl.ln().powf(1.084) - 5.381
}

/// [`bg_scale`] memoised for whole mg/dL values, which almost all CGM readings are (one
/// `ln` and one `powf` per distinct value instead of per reading; same results).
struct Scale {
    whole: Vec<f64>,
}

impl Scale {
    /// Whole values up to this are memoised; others are computed each time.
    const MAX_WHOLE: usize = 2000;

    fn new() -> Self {
        Self {
            whole: vec![f64::NAN; Self::MAX_WHOLE + 1],
        }
    }

    fn at(&mut self, mg_dl: f64) -> f64 {
        // `as` saturates, so the round trip is exact only for whole values in range.
        let whole = mg_dl as usize;
        if whole <= Self::MAX_WHOLE && whole as f64 == mg_dl {
            let slot = &mut self.whole[whole];
            if slot.is_nan() {
                *slot = bg_scale(mg_dl);
            }
            *slot
        } else {
            bg_scale(mg_dl)
        }
    }
}

/// iglu's risk weight: r = 22.77·f². (Kovatchev's published form is 10·f²; iglu's
/// `lbgi`, `hbgi` and `adrr` all use 22.77, and parity with iglu is the contract.)
pub(crate) const RISK_FACTOR: f64 = 22.77;

/// A value's terms in the LBGI and HBGI sums, before the risk factor: min(f, 0)² below
/// 112.5 mg/dL (where the scale is zero), max(f, 0)² at or above it; `f` is the scale
/// at `mg_dl`.
#[inline]
pub(crate) fn risk_terms(mg_dl: f64, f: f64) -> (f64, f64) {
    if mg_dl < 112.5 {
        (f.min(0.0).powi(2), 0.0)
    } else {
        (0.0, f.max(0.0).powi(2))
    }
}

/// One day's risk range for ADRR: 22.77·max(f_max, 0)² + 22.77·min(f_min, 0)², from the
/// day's lowest and highest scale value.
pub(crate) fn day_risk_range(f_min: f64, f_max: f64) -> f64 {
    RISK_FACTOR * f_max.max(0.0).powi(2) + RISK_FACTOR * f_min.min(0.0).powi(2)
}

/// LBGI, HBGI and ADRR reading by reading, in one pass sharing the memoised scale: what
/// [`lbgi_hbgi`], [`adrr`] and [`crate::metrics::compute`] use for values that lie on no
/// lattice (see `histogram.rs`, which computes the same from counts otherwise).
pub(crate) fn risk_indices(readings: &[Reading]) -> Option<(f64, f64, f64)> {
    let first = readings.first()?;
    let mut scale = Scale::new();
    let (mut low, mut high) = (0.0, 0.0);
    let mut days = Days::default();
    let mut run = (first.local().date(), f64::INFINITY, f64::NEG_INFINITY);
    for r in readings {
        let g = r.glucose().get();
        let f = scale.at(g);
        let (l, h) = risk_terms(g, f);
        low += l;
        high += h;
        let date = r.local().date();
        if date != run.0 {
            days.close(run);
            run = (date, f, f);
        } else {
            run.1 = run.1.min(f);
            run.2 = run.2.max(f);
        }
    }
    days.close(run);
    let n = readings.len() as f64;
    Some((RISK_FACTOR * low / n, RISK_FACTOR * high / n, days.adrr()?))
}

/// Each local day's lowest and highest risk-scale value, for ADRR.
#[derive(Default)]
struct Days(BTreeMap<jiff::civil::Date, (f64, f64)>);

impl Days {
    /// Folds a run of readings from one day (the date, its lowest and highest value) in.
    fn close(&mut self, (date, lo, hi): (jiff::civil::Date, f64, f64)) {
        let day = self
            .0
            .entry(date)
            .or_insert((f64::INFINITY, f64::NEG_INFINITY));
        day.0 = day.0.min(lo);
        day.1 = day.1.max(hi);
    }

    /// Mean over days of 22.77·max(f_max, 0)² + 22.77·min(f_min, 0)²; `None` without days.
    fn adrr(&self) -> Option<f64> {
        if self.0.is_empty() {
            return None;
        }
        let total: f64 = self
            .0
            .values()
            .map(|&(lo, hi)| day_risk_range(lo, hi))
            .sum();
        Some(total / self.0.len() as f64)
    }
}

/// Low and high blood glucose indices (iglu `lbgi`, `hbgi`; Kovatchev et al., Diabetes
/// Technol Ther 2005;7:849): the mean over all readings of 22.77·min(f, 0)² for
/// readings below 112.5 mg/dL, and of 22.77·max(f, 0)² for readings at or above it.
/// `None` without readings.
pub fn lbgi_hbgi(readings: &[Reading]) -> Option<(f64, f64)> {
    ValueStats::of(readings).map(|v| (v.risk.0, v.risk.1))
}

/// Average daily risk range (iglu `adrr`; Kovatchev et al., Diabetes Care 2006;29:2433):
/// for each calendar day of the device's local clock, 22.77·max(f_max, 0)² +
/// 22.77·min(f_min, 0)² over that day's readings; then the mean over days.
/// `None` without readings.
pub fn adrr(readings: &[Reading]) -> Option<f64> {
    ValueStats::of(readings).map(|v| v.risk.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gri_weights_and_cap() {
        let ranges = RangePercents {
            below_54: 1.0,
            from_54_to_69: 2.0,
            from_70_to_180: 80.0,
            from_181_to_250: 10.0,
            above_250: 7.0,
        };
        assert!((gri(&ranges) - (3.0 + 4.8 + 11.2 + 8.0)).abs() < 1e-12);
        let all_low = RangePercents {
            below_54: 100.0,
            ..RangePercents::default()
        };
        assert_eq!(gri(&all_low), 100.0);
    }

    #[test]
    fn gri_zones_are_20_point_bands() {
        let check = |g: f64, z: char| assert_eq!(GriZone::of(g).letter(), z, "{g}");
        check(0.0, 'A');
        check(20.0, 'A');
        check(20.5, 'B');
        check(40.0, 'B');
        check(59.9, 'C');
        check(80.0, 'D');
        check(100.0, 'E');
    }

    #[test]
    fn scale_is_zero_near_112_5() {
        assert!(bg_scale(112.5).abs() < 1e-3);
        assert!(bg_scale(60.0) < 0.0 && bg_scale(200.0) > 0.0);
    }
}
