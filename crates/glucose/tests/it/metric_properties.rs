//! Invariants of the metric set on arbitrary traces (proptest): ranges add up to 100 %,
//! indices stay in their ranges, the grid has iglu's shape, input order does not matter.

use diapath_glucose::metrics::{self, GriZone, MetricOptions};
use diapath_glucose::{Censoring, GlucoseMgDl, Reading, Trace};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

/// Readings at a 5-minute cadence with occasional gaps (up to 10 hours), 40–400 mg/dL,
/// starting at an arbitrary second of 2021.
fn readings() -> impl Strategy<Value = Vec<Reading>> {
    let step = prop_oneof![
        8 => Just(300i64),
        1 => 1i64..3_600,
        1 => 3_600i64..36_000,
    ];
    (
        0i64..31_536_000,
        prop::collection::vec((step, 40.0f64..400.0), 2..700),
    )
        .prop_map(|(offset, steps)| {
            let mut t =
                Timestamp::from_second(1_609_459_200 + offset).unwrap_or(Timestamp::UNIX_EPOCH);
            steps
                .into_iter()
                .map(|(seconds, mg_dl)| {
                    t += SignedDuration::from_secs(seconds);
                    Reading::new(
                        t,
                        t.to_zoned(jiff::tz::TimeZone::UTC).datetime(),
                        GlucoseMgDl::new(mg_dl.round()).unwrap(),
                        Censoring::Exact,
                    )
                })
                .collect()
        })
}

fn trace(readings: Vec<Reading>) -> Trace {
    Trace::new("s", readings).0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn indices_stay_in_their_ranges(readings in readings()) {
        let trace = trace(readings);
        let m = metrics::compute(&trace, &MetricOptions::default());
        let r = m.ranges.unwrap();
        let total = r.below_54 + r.from_54_to_69 + r.from_70_to_180 + r.from_181_to_250 + r.above_250;
        prop_assert!((total - 100.0).abs() < 1e-9, "ranges add up to {total}");

        let gri = m.gri.unwrap();
        prop_assert!((0.0..=100.0).contains(&gri), "GRI {gri}");
        prop_assert_eq!(m.gri_zone, Some(GriZone::of(gri)));
        prop_assert!(m.lbgi.unwrap() >= 0.0);
        prop_assert!(m.hbgi.unwrap() >= 0.0);
        prop_assert!(m.adrr.unwrap() >= 0.0);

        let active = m.active_percent.unwrap();
        prop_assert!((0.0..=100.0).contains(&active), "active {active}");
        prop_assert_eq!(m.sufficient, Some(m.days.unwrap() >= 14.0 && active >= 70.0));

        let (lo, hi) = trace.readings().iter().map(|x| x.glucose().get())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), g| (a.min(g), b.max(g)));
        for v in [m.conga, m.modd, m.mage].into_iter().flatten() {
            prop_assert!(v >= 0.0 && v <= hi - lo, "variability {v} outside 0..={}", hi - lo);
        }
    }

    #[test]
    fn grid_has_iglu_shape_and_stays_within_the_readings(readings in readings()) {
        let trace = trace(readings);
        let rs = trace.readings();
        let Some(grid) = metrics::grid(&trace, Some(5), 45.0) else {
            return Err(TestCaseError::fail("no grid for two or more readings"));
        };
        let span = rs[rs.len() - 1].utc().duration_since(rs[0].utc()).as_secs_f64() / 86_400.0;
        prop_assert_eq!(grid.days(), (span + 1.0).ceil() as usize);
        prop_assert_eq!(grid.points_per_day(), 288);
        prop_assert_eq!(grid.len(), grid.days() * 288);
        prop_assert!(grid.midnight() <= rs[0].utc());
        let (lo, hi) = rs.iter().map(|x| x.glucose().get())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), g| (a.min(g), b.max(g)));
        for v in grid.values().flatten() {
            prop_assert!(v >= lo - 1e-9 && v <= hi + 1e-9);
        }
    }

    #[test]
    fn metrics_do_not_depend_on_input_order(readings in readings(), seed in any::<u64>()) {
        let mut shuffled = readings.clone();
        // Deterministic Fisher–Yates from the seed (no rand dependency).
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let options = MetricOptions::default();
        prop_assert_eq!(
            metrics::compute(&trace(readings), &options),
            metrics::compute(&trace(shuffled), &options)
        );
    }
}
