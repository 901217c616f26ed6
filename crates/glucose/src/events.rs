//! Hypo- and hyperglycaemia events (Battelino et al., Lancet Diabetes Endocrinol
//! 2023;11:42–57, as quoted by iglu `episode_calculation` and cgmguru; see
//! ../shared/reference/cgm-formats-and-metrics.md §4 "Events").
//!
//! | kind              | starts after                      | ends after             |
//! |-------------------|-----------------------------------|------------------------|
//! | hypo level 1      | ≥ 15 min consecutive < 70 mg/dL   | ≥ 15 min ≥ 70 mg/dL    |
//! | hypo level 2      | ≥ 15 min consecutive < 54 mg/dL   | ≥ 15 min ≥ 54 mg/dL    |
//! | hypo extended     | > 120 min consecutive < 70 mg/dL  | ≥ 15 min ≥ 70 mg/dL    |
//! | hyper level 1     | ≥ 15 min consecutive > 180 mg/dL  | ≥ 15 min ≤ 180 mg/dL   |
//! | hyper level 2     | ≥ 15 min consecutive > 250 mg/dL  | ≥ 15 min ≤ 250 mg/dL   |
//! | hyper extended    | ≥ 120 min consecutive > 250 mg/dL | ≥ 15 min ≤ 180 mg/dL   |
//!
//! Durations count samples as iglu does: a run of `k` readings at the nominal interval
//! `dt` lasts `k · dt` (three 5-minute readings, or one 15-minute Libre reading, make
//! 15 minutes). The nominal interval is the median spacing of the readings.
//!
//! Decisions the consensus leaves open (marked unconfirmed in the reference), made here:
//! - A gap longer than [`MAX_GAP_MINUTES`] breaks a run. An event open at a gap or at
//!   the end of the data is closed at its last qualifying reading plus one interval and
//!   flagged `closed_by_gap`.
//! - An event's `end` is the instant of the first reading of the run that ended it.
//! - Censored readings (`LO`/`HI`) count as beyond every threshold on their side, and
//!   the nadir/peak of an event containing one is reported as censored.

use jiff::{SignedDuration, Timestamp, civil::DateTime};

use crate::reading::{Censoring, Reading, Trace};

/// Longest gap between consecutive readings that does not break an event, minutes; the
/// same as iglu's default `inter_gap`.
pub const MAX_GAP_MINUTES: i64 = 45;

/// The kinds of event, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Level 1 hypoglycaemia: < 70 mg/dL (3.9 mmol/L) for ≥ 15 min.
    HypoLevel1,
    /// Level 2 hypoglycaemia: < 54 mg/dL (3.0 mmol/L) for ≥ 15 min.
    HypoLevel2,
    /// Extended hypoglycaemia: < 70 mg/dL for more than 120 min.
    HypoExtended,
    /// Level 1 hyperglycaemia: > 180 mg/dL (10.0 mmol/L) for ≥ 15 min.
    HyperLevel1,
    /// Level 2 hyperglycaemia: > 250 mg/dL (13.9 mmol/L) for ≥ 15 min.
    HyperLevel2,
    /// Extended hyperglycaemia: > 250 mg/dL for ≥ 120 min, ending at ≤ 180 mg/dL.
    HyperExtended,
}

impl EventKind {
    /// Every kind, in report order.
    pub const ALL: [EventKind; 6] = [
        EventKind::HypoLevel1,
        EventKind::HypoLevel2,
        EventKind::HypoExtended,
        EventKind::HyperLevel1,
        EventKind::HyperLevel2,
        EventKind::HyperExtended,
    ];

    /// How a clinician names it.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::HypoLevel1 => "Level 1 hypoglycaemia (<3.9 mmol/L, ≥15 min)",
            EventKind::HypoLevel2 => "Level 2 hypoglycaemia (<3.0 mmol/L, ≥15 min)",
            EventKind::HypoExtended => "Extended hypoglycaemia (<3.9 mmol/L, >120 min)",
            EventKind::HyperLevel1 => "Level 1 hyperglycaemia (>10.0 mmol/L, ≥15 min)",
            EventKind::HyperLevel2 => "Level 2 hyperglycaemia (>13.9 mmol/L, ≥15 min)",
            EventKind::HyperExtended => "Extended hyperglycaemia (>13.9 mmol/L, ≥120 min)",
        }
    }

    /// Whether the event is low glucose (its extreme is a nadir) or high (a peak).
    pub fn is_hypo(self) -> bool {
        matches!(
            self,
            EventKind::HypoLevel1 | EventKind::HypoLevel2 | EventKind::HypoExtended
        )
    }

    fn rule(self) -> Rule {
        let below = |limit: f64| Side::Below(limit);
        let above = |limit: f64| Side::Above(limit);
        match self {
            EventKind::HypoLevel1 => Rule::new(below(70.0), 15, false, 70.0),
            EventKind::HypoLevel2 => Rule::new(below(54.0), 15, false, 54.0),
            EventKind::HypoExtended => Rule::new(below(70.0), 120, true, 70.0),
            EventKind::HyperLevel1 => Rule::new(above(180.0), 15, false, 180.0),
            EventKind::HyperLevel2 => Rule::new(above(250.0), 15, false, 250.0),
            EventKind::HyperExtended => Rule::new(above(250.0), 120, false, 180.0),
        }
    }
}

/// One event.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Event {
    /// Which kind.
    pub kind: EventKind,
    /// First reading of the qualifying run.
    pub start: Timestamp,
    /// Device wall-clock time of `start`.
    pub start_local: DateTime,
    /// When the event ended (see the module notes).
    pub end: Timestamp,
    /// Length, minutes.
    pub minutes: i64,
    /// Lowest (hypo) or highest (hyper) value during the event, mg/dL.
    pub extreme_mg_dl: f64,
    /// Whether that extreme is a sensor limit (`LO`/`HI`) rather than an exact value.
    pub extreme_censored: bool,
    /// Whether a gap in the data or its end closed the event rather than recovery.
    pub closed_by_gap: bool,
}

/// Events of one kind with their rate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EventSummary {
    /// Which kind.
    pub kind: EventKind,
    /// Number of events.
    pub count: usize,
    /// Events per week of data (`count / days × 7`), `None` without data.
    pub per_week: Option<f64>,
    /// Mean duration, minutes.
    pub mean_minutes: Option<f64>,
    /// The events, oldest first.
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, Copy)]
enum Side {
    Below(f64),
    Above(f64),
}

#[derive(Debug, Clone, Copy)]
struct Rule {
    enter: Side,
    enter_minutes: i64,
    /// Duration must be strictly longer than `enter_minutes`.
    strictly_longer: bool,
    /// Recovery threshold: ≥ this (hypo) or ≤ this (hyper) for 15 minutes.
    exit_at: f64,
}

impl Rule {
    fn new(enter: Side, enter_minutes: i64, strictly_longer: bool, exit_at: f64) -> Self {
        Self {
            enter,
            enter_minutes,
            strictly_longer,
            exit_at,
        }
    }

    fn entering(&self, r: &Reading) -> bool {
        let g = r.glucose().get();
        match self.enter {
            Side::Below(limit) => g < limit || r.censoring() == Censoring::BelowLimit,
            Side::Above(limit) => g > limit || r.censoring() == Censoring::AboveLimit,
        }
    }

    fn recovered(&self, r: &Reading) -> bool {
        let g = r.glucose().get();
        match self.enter {
            Side::Below(_) => g >= self.exit_at && r.censoring() != Censoring::BelowLimit,
            Side::Above(_) => g <= self.exit_at && r.censoring() != Censoring::AboveLimit,
        }
    }

    fn long_enough(&self, minutes: i64) -> bool {
        if self.strictly_longer {
            minutes > self.enter_minutes
        } else {
            minutes >= self.enter_minutes
        }
    }

    fn is_hypo(&self) -> bool {
        matches!(self.enter, Side::Below(_))
    }
}

/// The nominal sampling interval: median spacing of consecutive readings, whole minutes
/// (at least 1). `None` with fewer than two readings.
pub fn nominal_interval_minutes(readings: &[Reading]) -> Option<i64> {
    if readings.len() < 2 {
        return None;
    }
    let mut gaps: Vec<i64> = readings
        .windows(2)
        .map(|w| w[1].utc().duration_since(w[0].utc()).as_secs())
        .collect();
    gaps.sort_unstable();
    let mid = gaps.len() / 2;
    let median = if gaps.len() % 2 == 1 {
        gaps[mid] as f64
    } else {
        (gaps[mid - 1] + gaps[mid]) as f64 / 2.0
    };
    Some(((median / 60.0).round() as i64).max(1))
}

/// Finds every event of every kind in the trace. `days` is the length of the data in
/// days, used for the per-week rate.
pub fn find_all(trace: &Trace, days: Option<f64>) -> Vec<EventSummary> {
    let readings = trace.readings();
    let dt = nominal_interval_minutes(readings);
    EventKind::ALL
        .iter()
        .map(|&kind| {
            let events = match dt {
                Some(dt) => find(readings, kind, dt),
                None => Vec::new(),
            };
            let count = events.len();
            let per_week = days.filter(|d| *d > 0.0).map(|d| count as f64 / d * 7.0);
            let mean_minutes = (count > 0)
                .then(|| events.iter().map(|e| e.minutes as f64).sum::<f64>() / count as f64);
            EventSummary {
                kind,
                count,
                per_week,
                mean_minutes,
                events,
            }
        })
        .collect()
}

/// Finds the events of one kind in readings sorted by instant, sampled every
/// `dt_minutes` nominally.
pub fn find(readings: &[Reading], kind: EventKind, dt_minutes: i64) -> Vec<Event> {
    let rule = kind.rule();
    let dt = SignedDuration::from_mins(dt_minutes);
    let max_gap = SignedDuration::from_mins(MAX_GAP_MINUTES);
    let mut events = Vec::new();
    // Candidate run of entering readings: index of its first reading and its length.
    let mut run: Option<(usize, i64)> = None;
    // Open event: index of first reading, extreme so far, recovery run (start, length).
    let mut open: Option<Open> = None;

    for (i, r) in readings.iter().enumerate() {
        let broken = i > 0 && r.utc().duration_since(readings[i - 1].utc()) > max_gap;
        if broken {
            if let Some(o) = open.take() {
                events.push(o.close_at_gap(kind, readings, i - 1, dt));
            }
            run = None;
        }

        if let Some(o) = open.as_mut() {
            o.observe(r, rule.is_hypo());
            if rule.recovered(r) {
                let (start, len) = o.recovery.unwrap_or((i, 0));
                o.recovery = Some((start, len + 1));
                if (len + 1) * dt_minutes >= 15 {
                    if let Some(o) = open.take() {
                        events.push(o.close(kind, readings, start, false));
                    }
                    run = None;
                }
            } else {
                o.recovery = None;
                if rule.entering(r) {
                    o.last_entering = i;
                }
            }
            continue;
        }

        if rule.entering(r) {
            let (start, len) = run.unwrap_or((i, 0));
            run = Some((start, len + 1));
            if rule.long_enough((len + 1) * dt_minutes) {
                let mut o = Open::new(start, &readings[start], i);
                for x in &readings[start..=i] {
                    o.observe(x, rule.is_hypo());
                }
                open = Some(o);
                run = None;
            }
        } else {
            run = None;
        }
    }
    if let Some(o) = open.take() {
        let last = readings.len() - 1;
        events.push(o.close_at_gap(kind, readings, last, dt));
    }
    events
}

struct Open {
    start: usize,
    last_entering: usize,
    extreme: f64,
    extreme_censored: bool,
    recovery: Option<(usize, i64)>,
}

impl Open {
    fn new(start: usize, first: &Reading, last_entering: usize) -> Self {
        Self {
            start,
            last_entering,
            extreme: first.glucose().get(),
            extreme_censored: first.censoring() != Censoring::Exact,
            recovery: None,
        }
    }

    fn observe(&mut self, r: &Reading, hypo: bool) {
        let g = r.glucose().get();
        let more_extreme = if hypo {
            g < self.extreme
        } else {
            g > self.extreme
        };
        let censored = r.censoring() != Censoring::Exact;
        if more_extreme || (g == self.extreme && censored) {
            self.extreme = g;
            self.extreme_censored = censored;
        }
    }

    fn close(self, kind: EventKind, readings: &[Reading], end_index: usize, gap: bool) -> Event {
        let first = &readings[self.start];
        let end = readings[end_index].utc();
        Event {
            kind,
            start: first.utc(),
            start_local: first.local(),
            end,
            minutes: end.duration_since(first.utc()).as_mins(),
            extreme_mg_dl: self.extreme,
            extreme_censored: self.extreme_censored,
            closed_by_gap: gap,
        }
    }

    /// Closes an event the data stopped on: it ends one interval after its last
    /// qualifying reading (or at `last` if recovery had begun but not lasted 15 min).
    fn close_at_gap(
        self,
        kind: EventKind,
        readings: &[Reading],
        last: usize,
        dt: SignedDuration,
    ) -> Event {
        let first = &readings[self.start];
        let end = match self.recovery {
            Some((start, _)) => readings[start].utc(),
            None => readings[self.last_entering.max(self.start).min(last)].utc() + dt,
        };
        Event {
            kind,
            start: first.utc(),
            start_local: first.local(),
            end,
            minutes: end.duration_since(first.utc()).as_mins(),
            extreme_mg_dl: self.extreme,
            extreme_censored: self.extreme_censored,
            closed_by_gap: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GlucoseMgDl;

    fn series(step_minutes: i64, values: &[f64]) -> Vec<Reading> {
        let t0 = Timestamp::from_second(1_700_000_000).unwrap();
        values
            .iter()
            .enumerate()
            .map(|(i, &g)| {
                let t = t0 + SignedDuration::from_mins(step_minutes * i as i64);
                Reading::new(
                    t,
                    t.to_zoned(jiff::tz::TimeZone::UTC).datetime(),
                    GlucoseMgDl::new(g).unwrap(),
                    Censoring::Exact,
                )
            })
            .collect()
    }

    fn kinds(values: &[f64], kind: EventKind) -> Vec<Event> {
        find(&series(5, values), kind, 5)
    }

    #[test]
    fn three_five_minute_readings_below_70_make_a_level_1_event() {
        let v = [100.0, 65.0, 62.0, 60.0, 80.0, 85.0, 90.0, 100.0];
        let e = kinds(&v, EventKind::HypoLevel1);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].minutes, 15);
        assert_eq!(e[0].extreme_mg_dl, 60.0);
        assert!(!e[0].closed_by_gap);
        assert!(kinds(&v, EventKind::HypoLevel2).is_empty());
    }

    #[test]
    fn two_readings_below_70_are_not_an_event() {
        let v = [100.0, 65.0, 62.0, 80.0, 85.0, 90.0];
        assert!(kinds(&v, EventKind::HypoLevel1).is_empty());
    }

    #[test]
    fn a_short_recovery_does_not_split_an_event() {
        // 15 min low, 10 min above 70, 15 min low again, then a 15-min recovery.
        let v = [
            65.0, 60.0, 62.0, 75.0, 75.0, 60.0, 55.0, 58.0, 80.0, 90.0, 95.0,
        ];
        let e = kinds(&v, EventKind::HypoLevel1);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].minutes, 40);
        assert_eq!(e[0].extreme_mg_dl, 55.0);
    }

    #[test]
    fn one_fifteen_minute_libre_reading_counts_as_fifteen_minutes() {
        let v = [100.0, 50.0, 100.0, 100.0];
        let e = find(&series(15, &v), EventKind::HypoLevel2, 15);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].minutes, 15);
    }

    #[test]
    fn extended_hypo_needs_more_than_120_minutes() {
        let mut v = vec![100.0];
        v.extend(std::iter::repeat_n(60.0, 24)); // exactly 120 min
        v.extend([100.0, 100.0, 100.0]);
        assert!(kinds(&v, EventKind::HypoExtended).is_empty());
        let mut v = vec![100.0];
        v.extend(std::iter::repeat_n(60.0, 25)); // 125 min
        v.extend([100.0, 100.0, 100.0]);
        let e = kinds(&v, EventKind::HypoExtended);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].minutes, 125);
    }

    #[test]
    fn extended_hyper_ends_only_below_180() {
        let mut v = vec![150.0];
        v.extend(std::iter::repeat_n(300.0, 24)); // 120 min above 250
        v.extend(std::iter::repeat_n(200.0, 6)); // 30 min between 180 and 250
        v.extend([150.0, 150.0, 150.0]);
        let e = kinds(&v, EventKind::HyperExtended);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].minutes, 150);
        assert_eq!(e[0].extreme_mg_dl, 300.0);
        let l2 = kinds(&v, EventKind::HyperLevel2);
        assert_eq!(l2[0].minutes, 120);
    }

    #[test]
    fn a_gap_closes_an_open_event() {
        let mut r = series(5, &[100.0, 60.0, 60.0, 60.0, 60.0]);
        let later = series(5, &[100.0, 100.0, 100.0]);
        let shift = SignedDuration::from_hours(3);
        r.extend(
            later
                .into_iter()
                .map(|x| Reading::new(x.utc() + shift, x.local(), x.glucose(), x.censoring())),
        );
        let e = find(&r, EventKind::HypoLevel1, 5);
        assert_eq!(e.len(), 1);
        assert!(e[0].closed_by_gap);
        assert_eq!(e[0].minutes, 20);
    }

    #[test]
    fn censored_low_readings_count_and_mark_the_nadir() {
        let mut r = series(5, &[100.0, 45.0, 40.0, 40.0, 90.0, 90.0, 90.0]);
        r[2] = Reading::new(
            r[2].utc(),
            r[2].local(),
            r[2].glucose(),
            Censoring::BelowLimit,
        );
        let e = find(&r, EventKind::HypoLevel2, 5);
        assert_eq!(e.len(), 1);
        assert!(e[0].extreme_censored);
    }

    #[test]
    fn rates_are_per_week_of_data() {
        let v = [100.0, 65.0, 62.0, 60.0, 80.0, 85.0, 90.0, 100.0];
        let (trace, _) = Trace::new("s", series(5, &v));
        let all = find_all(&trace, Some(3.5));
        let l1 = &all[0];
        assert_eq!(l1.kind, EventKind::HypoLevel1);
        assert_eq!(l1.per_week, Some(2.0));
        assert_eq!(l1.mean_minutes, Some(15.0));
    }

    proptest::proptest! {
        #[test]
        fn events_never_overlap_and_level_2_implies_level_1(
            values in proptest::collection::vec(40.0f64..300.0, 0..400)
        ) {
            let r = series(5, &values);
            for kind in EventKind::ALL {
                let e = find(&r, kind, 5);
                for w in e.windows(2) {
                    proptest::prop_assert!(w[0].end <= w[1].start);
                }
                for x in &e {
                    proptest::prop_assert!(x.minutes >= 15);
                }
            }
            let l1 = find(&r, EventKind::HypoLevel1, 5);
            for e2 in find(&r, EventKind::HypoLevel2, 5) {
                proptest::prop_assert!(l1.iter().any(|e1| e1.start <= e2.start && e2.start < e1.end));
            }
        }
    }
}
