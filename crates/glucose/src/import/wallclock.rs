//! Device wall-clock times to instants, through a time zone, across daylight-saving
//! changes.
//!
//! Exports carry local time with no offset (reference §1 "Daylight-saving", §2). Two
//! cases need a rule:
//! - **Autumn fold**: the hour after the change repeats. A device writes it twice; the
//!   only evidence of which pass a row belongs to is order. [`WallClock`] is fed the rows
//!   of one device in their true order (record order, or transmitter time for Clarity,
//!   PROVENANCE §7) and switches to the later offset when the wall clock steps backwards
//!   inside the fold.
//! - **Spring gap**: the skipped hour does not exist. Such rows are mapped with jiff's
//!   compatible rule (moved forward by the gap) and flagged, because the device clock or
//!   the configured zone is probably wrong (PROVENANCE §1 and §4 show exactly that).

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};

/// How a wall-clock time was mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mapping {
    /// The time exists once.
    Unambiguous,
    /// The time lies in a spring-forward gap; moved forward by the gap.
    Gap,
    /// The time occurs twice; the first (earlier-offset) pass was taken.
    FoldEarlier,
    /// The time occurs twice; the second (later-offset) pass was taken.
    FoldLater,
}

/// Maps a sequence of wall-clock times from one device clock, in the order the device
/// recorded them, to instants.
#[derive(Debug, Clone)]
pub struct WallClock<'z> {
    zone: &'z TimeZone,
    /// The last wall-clock time seen inside a fold and whether it took the later pass.
    last_in_fold: Option<(DateTime, bool)>,
    /// The last result, for the common case of runs within one offset period.
    cache: Option<Cached>,
}

/// An offset known to hold, unambiguously, for every wall-clock time in `[from, to)`.
#[derive(Debug, Clone, Copy)]
struct Cached {
    from: DateTime,
    to: DateTime,
    offset: jiff::tz::Offset,
}

impl<'z> WallClock<'z> {
    /// A fresh clock (no fold seen yet) in `zone`.
    pub fn new(zone: &'z TimeZone) -> Self {
        Self {
            zone,
            last_in_fold: None,
            cache: None,
        }
    }

    /// Maps `local`, the next wall-clock time of this device, to an instant.
    ///
    /// Fails only for times beyond jiff's supported range.
    pub fn map(&mut self, local: DateTime) -> Result<(Timestamp, Mapping), jiff::Error> {
        if let Some(cached) = self.cache
            && local >= cached.from
            && local < cached.to
        {
            self.last_in_fold = None;
            return Ok((cached.offset.to_timestamp(local)?, Mapping::Unambiguous));
        }
        let ambiguous = self.zone.to_ambiguous_timestamp(local);
        match ambiguous.offset() {
            AmbiguousOffset::Unambiguous { offset } => {
                self.last_in_fold = None;
                self.remember(local, offset);
                Ok((offset.to_timestamp(local)?, Mapping::Unambiguous))
            }
            AmbiguousOffset::Gap { .. } => {
                self.last_in_fold = None;
                Ok((ambiguous.compatible()?, Mapping::Gap))
            }
            AmbiguousOffset::Fold { before, after } => {
                // A step backwards within the fold (by less than a day) means the second
                // pass has begun; stay on it until the fold is left.
                let later = match self.last_in_fold {
                    Some((_, true)) => true,
                    Some((previous, false)) => {
                        local < previous && previous.duration_since(local).as_hours() < 24
                    }
                    None => false,
                };
                self.last_in_fold = Some((local, later));
                if later {
                    Ok((after.to_timestamp(local)?, Mapping::FoldLater))
                } else {
                    Ok((before.to_timestamp(local)?, Mapping::FoldEarlier))
                }
            }
        }
    }

    /// Caches the offset of the whole day around `local` if it is constant over it, so a
    /// long export costs one zone lookup per day rather than per row.
    fn remember(&mut self, local: DateTime, offset: jiff::tz::Offset) {
        let from = local.date().to_datetime(jiff::civil::Time::midnight());
        let Ok(to) = from.checked_add(jiff::Span::new().days(1)) else {
            return;
        };
        let constant =
            [from, to].iter().all(
                |edge| match self.zone.to_ambiguous_timestamp(*edge).offset() {
                    AmbiguousOffset::Unambiguous { offset: o } => o == offset,
                    _ => false,
                },
            );
        // Equal offsets at both midnights can still hide a change and its reversal
        // within one day only in zones no device uses; check the instant span too.
        let span_ok = match (offset.to_timestamp(from), offset.to_timestamp(to)) {
            (Ok(a), Ok(b)) => {
                let in_zone = |t: Timestamp| self.zone.to_offset(t) == offset;
                in_zone(a) && in_zone(b) && no_transition_between(self.zone, a, b)
            }
            _ => false,
        };
        self.cache = (constant && span_ok).then_some(Cached { from, to, offset });
    }
}

fn no_transition_between(zone: &TimeZone, a: Timestamp, b: Timestamp) -> bool {
    match zone.following(a).next() {
        Some(transition) => transition.timestamp() >= b,
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn london() -> TimeZone {
        jiff::tz::db().get("Europe/London").unwrap()
    }

    #[test]
    fn autumn_fold_switches_to_later_offset_on_step_back() {
        let zone = london();
        let mut clock = WallClock::new(&zone);
        let day = date(2025, 10, 26);
        let times = [(0, 45), (1, 0), (1, 30), (1, 45), (1, 0), (1, 30), (2, 0)];
        let mapped: Vec<(String, Mapping)> = times
            .iter()
            .map(|&(h, m)| {
                let (ts, how) = clock.map(day.at(h, m, 0, 0)).unwrap();
                (ts.to_string(), how)
            })
            .collect();
        assert_eq!(
            mapped,
            vec![
                ("2025-10-25T23:45:00Z".to_owned(), Mapping::Unambiguous),
                ("2025-10-26T00:00:00Z".to_owned(), Mapping::FoldEarlier),
                ("2025-10-26T00:30:00Z".to_owned(), Mapping::FoldEarlier),
                ("2025-10-26T00:45:00Z".to_owned(), Mapping::FoldEarlier),
                ("2025-10-26T01:00:00Z".to_owned(), Mapping::FoldLater),
                ("2025-10-26T01:30:00Z".to_owned(), Mapping::FoldLater),
                ("2025-10-26T02:00:00Z".to_owned(), Mapping::Unambiguous),
            ]
        );
    }

    #[test]
    fn spring_gap_moves_forward_and_is_flagged() {
        let zone = london();
        let mut clock = WallClock::new(&zone);
        let (ts, how) = clock.map(date(2025, 3, 30).at(1, 30, 0, 0)).unwrap();
        assert_eq!(how, Mapping::Gap);
        // Compatible rule: 01:30 in the gap is read with the offset before it (GMT),
        // i.e. the instant that is 02:30 BST.
        assert_eq!(ts.to_string(), "2025-03-30T01:30:00Z");
    }

    #[test]
    fn cache_does_not_hide_transitions() {
        let zone = london();
        let mut clock = WallClock::new(&zone);
        // Prime the cache on the day before the change, then cross it.
        clock.map(date(2025, 3, 29).at(12, 0, 0, 0)).unwrap();
        let (ts, how) = clock.map(date(2025, 3, 30).at(12, 0, 0, 0)).unwrap();
        assert_eq!(how, Mapping::Unambiguous);
        assert_eq!(ts.to_string(), "2025-03-30T11:00:00Z");
    }
}
