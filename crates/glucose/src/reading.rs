//! One CGM reading, and a subject's time-ordered trace of them.

use jiff::Timestamp;
use jiff::civil::DateTime;

use crate::units::GlucoseMgDl;

/// Whether a reading is exact or only known to lie beyond a sensor limit.
///
/// Sensors report `LO`/`HI` (Dexcom `Low`/`High`, Libre values clamped at 2.2 mmol/L).
/// We keep such readings, storing the limit as the value, so that they still count in
/// time below 54 mg/dL or above 250 mg/dL instead of silently vanishing as they do in
/// iglu (../shared/reference/cgm-formats-and-metrics.md §4, "LO/HI and gaps").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Censoring {
    /// An exact sensor value.
    #[default]
    Exact,
    /// The true value is at or below the stored value (the sensor's low limit).
    BelowLimit,
    /// The true value is at or above the stored value (the sensor's high limit).
    AboveLimit,
}

impl Censoring {
    /// `low`, `high` or the empty string: the spelling used in `diapath convert` output.
    pub fn as_code(self) -> &'static str {
        match self {
            Censoring::Exact => "",
            Censoring::BelowLimit => "low",
            Censoring::AboveLimit => "high",
        }
    }
}

/// One interstitial glucose reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    utc: Timestamp,
    local: DateTime,
    glucose: GlucoseMgDl,
    censoring: Censoring,
}

impl Reading {
    /// A reading taken at instant `utc`, shown on the device clock as `local`.
    pub fn new(
        utc: Timestamp,
        local: DateTime,
        glucose: GlucoseMgDl,
        censoring: Censoring,
    ) -> Self {
        Self {
            utc,
            local,
            glucose,
            censoring,
        }
    }

    /// The instant of the reading. Durations, ordering and sufficiency use this.
    pub fn utc(&self) -> Timestamp {
        self.utc
    }

    /// The wall-clock time the device showed. Time-of-day analysis (AGP) uses this.
    pub fn local(&self) -> DateTime {
        self.local
    }

    /// The value; for a censored reading, the sensor limit.
    pub fn glucose(&self) -> GlucoseMgDl {
        self.glucose
    }

    /// Whether the value is exact or a sensor limit.
    pub fn censoring(&self) -> Censoring {
        self.censoring
    }
}

/// One subject's readings, sorted by instant, at most one reading per instant.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trace {
    subject: String,
    readings: Vec<Reading>,
}

/// What building a trace had to tidy up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Merge {
    /// Readings dropped because another reading had the same instant (overlapping
    /// exports of the same sensor).
    pub duplicates: usize,
}

impl Trace {
    /// Sorts `readings` by instant and drops repeats of the same instant, keeping the
    /// first seen. Input order does not matter otherwise.
    pub fn new(subject: impl Into<String>, mut readings: Vec<Reading>) -> (Self, Merge) {
        readings.sort_by_key(|r| r.utc);
        let before = readings.len();
        readings.dedup_by_key(|r| r.utc);
        let merge = Merge {
            duplicates: before - readings.len(),
        };
        (
            Self {
                subject: subject.into(),
                readings,
            },
            merge,
        )
    }

    /// The subject identifier the export or the caller gave.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The readings, oldest first.
    pub fn readings(&self) -> &[Reading] {
        &self.readings
    }

    /// Number of readings.
    pub fn len(&self) -> usize {
        self.readings.len()
    }

    /// Whether there are no readings.
    pub fn is_empty(&self) -> bool {
        self.readings.is_empty()
    }

    /// The readings with `from <= utc < to`, as a new trace of the same subject.
    pub fn window(&self, from: Timestamp, to: Timestamp) -> Trace {
        let start = self.readings.partition_point(|r| r.utc < from);
        let end = self.readings.partition_point(|r| r.utc < to);
        Trace {
            subject: self.subject.clone(),
            readings: self.readings[start..end.max(start)].to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64, mg_dl: f64) -> Reading {
        let utc = Timestamp::from_second(secs).unwrap();
        let local = utc.to_zoned(jiff::tz::TimeZone::UTC).datetime();
        Reading::new(
            utc,
            local,
            GlucoseMgDl::new(mg_dl).unwrap(),
            Censoring::Exact,
        )
    }

    #[test]
    fn sorts_and_merges_duplicate_instants() {
        let (trace, merge) = Trace::new(
            "s",
            vec![at(600, 120.0), at(0, 100.0), at(300, 110.0), at(0, 101.0)],
        );
        assert_eq!(merge.duplicates, 1);
        let values: Vec<f64> = trace.readings().iter().map(|r| r.glucose().get()).collect();
        assert_eq!(values, vec![100.0, 110.0, 120.0]);
    }

    #[test]
    fn window_is_half_open() {
        let (trace, _) = Trace::new("s", (0..10).map(|i| at(i * 300, 100.0)).collect());
        let w = trace.window(
            Timestamp::from_second(300).unwrap(),
            Timestamp::from_second(900).unwrap(),
        );
        assert_eq!(w.len(), 2);
        assert_eq!(w.subject(), "s");
    }
}
