//! CGM metrics: the consensus set (Battelino et al., Diabetes Care 2019;42:1593), the
//! variability and risk indices of iglu 4.3 (the reference implementation, checked by
//! `tests/it/iglu_parity.rs`), and target sets. docs/metrics.md lists each definition.

mod consensus;
pub mod coverage;
pub mod grid;
mod histogram;
mod mage;
mod risk;
mod targets;
mod variability;

pub use consensus::{Metrics, RangePercents, compute};
pub use grid::{Grid, grid, grid_step};
pub use mage::{MageOptions, mage};
pub use risk::{GriZone, adrr, gri, lbgi_hbgi};
pub use targets::{Assessment, Goal, GoalResult, TargetSet, assess};
pub use variability::{conga, modd};

/// Options for [`compute`].
#[derive(Debug, Clone, PartialEq)]
pub struct MetricOptions {
    /// CONGA lag in hours: 1 here; iglu's `conga` defaults to 24 (docs/metrics.md).
    pub conga_hours: f64,
    /// Maximum gap interpolated on the iglu grid, minutes (iglu default 45).
    pub inter_gap_minutes: f64,
    /// MAGE parameters (iglu defaults).
    pub mage: MageOptions,
}

impl Default for MetricOptions {
    fn default() -> Self {
        Self {
            conga_hours: 1.0,
            inter_gap_minutes: 45.0,
            mage: MageOptions::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GlucoseMgDl, Reading, Trace};

    fn trace(values: &[f64]) -> Trace {
        let t0 = jiff::Timestamp::from_second(0).unwrap();
        let readings = values
            .iter()
            .enumerate()
            .map(|(i, &g)| {
                let t = t0 + jiff::SignedDuration::from_mins(5 * i as i64);
                Reading::new(
                    t,
                    t.to_zoned(jiff::tz::TimeZone::UTC).datetime(),
                    GlucoseMgDl::new(g).unwrap(),
                    crate::Censoring::Exact,
                )
            })
            .collect();
        Trace::new("s", readings).0
    }

    #[test]
    fn basic_set() {
        let m = compute(
            &trace(&[50.0, 60.0, 100.0, 200.0, 300.0]),
            &MetricOptions::default(),
        );
        assert_eq!(m.mean, Some(142.0));
        // GMI: 3.31 + 0.02392 × 142 = 6.70664 %; 12.71 + 4.70587 × 142/18.0182 mmol/mol.
        assert!((m.gmi_percent.unwrap() - 6.70664).abs() < 1e-9);
        assert!((m.gmi_mmol_mol.unwrap() - 49.7974).abs() < 1e-3);
        let r = m.ranges.unwrap();
        assert_eq!(r.below_54, 20.0);
        assert_eq!(r.from_70_to_180, 20.0);
        assert_eq!(m.quantiles.unwrap()[2], 100.0);
        assert_eq!(m.quantiles.unwrap()[1], 60.0);
        let a = assess(&m, &TargetSet::standard());
        assert_eq!(a.results[0].met, Some(false));
        assert_eq!(TargetSet::older_high_risk().goals.len(), 3);
        assert!(TargetSet::pregnancy().pregnancy_ranges);
    }

    proptest::proptest! {
        #[test]
        fn ranges_sum_to_100_and_cv_is_sd_over_mean(values in proptest::collection::vec(40.0f64..400.0, 2..300)) {
            let m = compute(&trace(&values), &MetricOptions::default());
            let r = m.ranges.unwrap();
            let total = r.below_54 + r.from_54_to_69 + r.from_70_to_180 + r.from_181_to_250 + r.above_250;
            proptest::prop_assert!((total - 100.0).abs() < 1e-9);
            let (sd, mean, cv) = (m.sd.unwrap(), m.mean.unwrap(), m.cv.unwrap());
            proptest::prop_assert!((cv - sd / mean * 100.0).abs() < 1e-9);
        }
    }
}
