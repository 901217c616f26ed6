//! Device timestamps as text: `16-03-2021 13:42`, `01-02-2026 11:40 PM`,
//! `2025-11-21T00:17:19`, `2026/07/05` + `03:43:00`. Parsed without knowing yet whether
//! day or month comes first; [`DateOrderVote`] collects the proof over a whole file.

use jiff::civil::DateTime;

use crate::import::DateOrder;

/// A timestamp split into numbers, day/month order still open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawStamp {
    /// First and second date group when the year comes last; month and day otherwise.
    first: u8,
    second: u8,
    year: i16,
    year_first: bool,
    hour: i8,
    minute: i8,
    second_of_minute: i8,
}

impl RawStamp {
    /// Which order this stamp proves, if any: a year first, or a group above 12
    /// (reference §1 "Timestamps": Tidepool accepts an order only when a row proves it).
    pub(crate) fn proves(&self) -> Option<DateOrder> {
        if self.year_first {
            None
        } else if self.first > 12 {
            Some(DateOrder::DayFirst)
        } else if self.second > 12 {
            Some(DateOrder::MonthFirst)
        } else {
            None
        }
    }

    /// Whether the date needs a day/month decision at all.
    pub(crate) fn is_ambiguous(&self) -> bool {
        !self.year_first && self.first != self.second
    }

    /// The wall-clock time, reading day and month in `order` unless the year comes first.
    pub(crate) fn to_datetime(self, order: DateOrder) -> Result<DateTime, String> {
        let (month, day) = if self.year_first {
            (self.first, self.second)
        } else {
            match order {
                DateOrder::DayFirst => (self.second, self.first),
                DateOrder::MonthFirst => (self.first, self.second),
            }
        };
        let (Ok(month), Ok(day)) = (i8::try_from(month), i8::try_from(day)) else {
            return Err("date out of range".to_owned());
        };
        DateTime::new(
            self.year,
            month,
            day,
            self.hour,
            self.minute,
            self.second_of_minute,
            0,
        )
        .map_err(|_| {
            format!(
                "no such date and time: year {} month {month} day {day} {:02}:{:02}:{:02}",
                self.year, self.hour, self.minute, self.second_of_minute
            )
        })
    }
}

/// Parses a date and time with `-`, `/` or `.` between date groups, `T` or spaces before
/// the time, optional seconds (and fraction, ignored) and an optional `AM`/`PM`.
pub(crate) fn parse(text: &str) -> Result<RawStamp, String> {
    let bad = || format!("timestamp '{}' is not a date and time", shorten(text));
    let s = text.trim().as_bytes();
    let mut pos = 0;
    let (g1, n1) = number(s, &mut pos).ok_or_else(bad)?;
    let sep = *s.get(pos).ok_or_else(bad)?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return Err(bad());
    }
    pos += 1;
    let (g2, n2) = number(s, &mut pos).ok_or_else(bad)?;
    if s.get(pos) != Some(&sep) {
        return Err(bad());
    }
    pos += 1;
    let (g3, n3) = number(s, &mut pos).ok_or_else(bad)?;
    if n2 > 2 {
        return Err(bad());
    }
    let (first, second, year, year_first) = if n1 == 4 && n3 <= 2 {
        (g2, g3, g1, true)
    } else if n3 == 4 && n1 <= 2 {
        (g1, g2, g3, false)
    } else {
        return Err(bad());
    };
    // Between date and time: `T` or at least one space.
    match s.get(pos) {
        Some(b'T') => pos += 1,
        Some(b' ') => {
            while s.get(pos) == Some(&b' ') {
                pos += 1;
            }
        }
        _ => return Err(bad()),
    }
    let (hour, nh) = number(s, &mut pos).ok_or_else(bad)?;
    if nh > 2 || s.get(pos) != Some(&b':') {
        return Err(bad());
    }
    pos += 1;
    let (minute, nm) = number(s, &mut pos).ok_or_else(bad)?;
    if nm != 2 {
        return Err(bad());
    }
    let mut second_of_minute = 0;
    if s.get(pos) == Some(&b':') {
        pos += 1;
        let (sec, ns) = number(s, &mut pos).ok_or_else(bad)?;
        if ns != 2 {
            return Err(bad());
        }
        second_of_minute = sec;
        if s.get(pos) == Some(&b'.') {
            pos += 1;
            number(s, &mut pos).ok_or_else(bad)?;
        }
    }
    while s.get(pos) == Some(&b' ') {
        pos += 1;
    }
    let rest = &s[pos..];
    let hour = if rest.is_empty() {
        hour
    } else {
        let pm = if rest.eq_ignore_ascii_case(b"PM") {
            true
        } else if rest.eq_ignore_ascii_case(b"AM") {
            false
        } else {
            return Err(bad());
        };
        // 12-hour clock: 12 AM is midnight, 12 PM is noon.
        match (hour, pm) {
            (1..=11, false) => hour,
            (12, false) => 0,
            (1..=11, true) => hour + 12,
            (12, true) => 12,
            _ => return Err(bad()),
        }
    };
    let narrow = |v: u32| u8::try_from(v).ok();
    let tiny = |v: u32| i8::try_from(v).ok();
    Ok(RawStamp {
        first: narrow(first).ok_or_else(bad)?,
        second: narrow(second).ok_or_else(bad)?,
        year: i16::try_from(year).map_err(|_| bad())?,
        year_first,
        hour: tiny(hour).ok_or_else(bad)?,
        minute: tiny(minute).ok_or_else(bad)?,
        second_of_minute: tiny(second_of_minute).ok_or_else(bad)?,
    })
}

/// Parses a timestamp whose date is year-first (Clarity, CareLink, id/time/gl, ISO).
pub(crate) fn parse_year_first(text: &str) -> Result<DateTime, String> {
    let raw = parse(text)?;
    if !raw.year_first {
        return Err(format!(
            "timestamp '{}' does not start with a four-digit year",
            shorten(text)
        ));
    }
    raw.to_datetime(DateOrder::DayFirst)
}

/// Reads a run of 1–9 ASCII digits.
fn number(s: &[u8], pos: &mut usize) -> Option<(u32, usize)> {
    let start = *pos;
    let mut value: u32 = 0;
    while let Some(&b) = s.get(*pos) {
        if !b.is_ascii_digit() || *pos - start >= 9 {
            break;
        }
        value = value * 10 + u32::from(b - b'0');
        *pos += 1;
    }
    let len = *pos - start;
    (len > 0).then_some((value, len))
}

/// The text for an error message: at most 40 characters.
pub(crate) fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if text.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

/// Collects, over a file, which day/month order its rows prove.
#[derive(Debug, Default)]
pub(crate) struct DateOrderVote {
    day_first: Option<u64>,
    month_first: Option<u64>,
    ambiguous: usize,
}

impl DateOrderVote {
    /// Notes one stamp from line `line`.
    pub(crate) fn note(&mut self, stamp: &RawStamp, line: u64) {
        match stamp.proves() {
            Some(DateOrder::DayFirst) => {
                self.day_first.get_or_insert(line);
            }
            Some(DateOrder::MonthFirst) => {
                self.month_first.get_or_insert(line);
            }
            None => {
                if stamp.is_ambiguous() {
                    self.ambiguous += 1;
                }
            }
        }
    }

    /// The order to use: the proven one, else `default` with a warning message if any
    /// date was ambiguous. Rows proving both orders are an error.
    pub(crate) fn decide(
        &self,
        default: Option<DateOrder>,
    ) -> Result<(DateOrder, Option<String>), String> {
        match (self.day_first, self.month_first) {
            (Some(d), Some(m)) => Err(format!(
                "dates are inconsistent: line {d} has a day above 12 first (day-first) but line {m} has it second (month-first)"
            )),
            (Some(_), None) => Ok((DateOrder::DayFirst, None)),
            (None, Some(_)) => Ok((DateOrder::MonthFirst, None)),
            (None, None) => {
                let order = default.unwrap_or(DateOrder::DayFirst);
                let warning = (self.ambiguous > 0).then(|| {
                    format!(
                        "no date proves whether day or month comes first ({} ambiguous dates); assumed {}",
                        self.ambiguous,
                        match order {
                            DateOrder::DayFirst => "day-first (DD-MM-YYYY)",
                            DateOrder::MonthFirst => "month-first (MM-DD-YYYY)",
                        }
                    )
                });
                Ok((order, warning))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(text: &str, order: DateOrder) -> String {
        parse(text)
            .and_then(|s| s.to_datetime(order))
            .map_or_else(|e| e, |d| d.to_string())
    }

    #[test]
    fn layouts() {
        let cases = [
            (
                "16-03-2021 13:42",
                DateOrder::DayFirst,
                "2021-03-16T13:42:00",
            ),
            (
                "01-02-2026 11:40 PM",
                DateOrder::MonthFirst,
                "2026-01-02T23:40:00",
            ),
            (
                "01-02-2026 12:05 am",
                DateOrder::MonthFirst,
                "2026-01-02T00:05:00",
            ),
            (
                "01-02-2026 12:05 PM",
                DateOrder::DayFirst,
                "2026-02-01T12:05:00",
            ),
            (
                "2025-11-21T00:17:19",
                DateOrder::MonthFirst,
                "2025-11-21T00:17:19",
            ),
            (
                "2020-02-13 17:23:32",
                DateOrder::DayFirst,
                "2020-02-13T17:23:32",
            ),
            (
                "2026/07/05 03:43:00",
                DateOrder::DayFirst,
                "2026-07-05T03:43:00",
            ),
            (
                "  05.12.2019  6:25  ",
                DateOrder::DayFirst,
                "2019-12-05T06:25:00",
            ),
            (
                "2014-07-19T10:49:15.123",
                DateOrder::DayFirst,
                "2014-07-19T10:49:15",
            ),
        ];
        for (text, order, want) in cases {
            assert_eq!(dt(text, order), want, "{text}");
        }
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "13:42",
            "16-03-2021",
            "16-03/2021 13:42",
            "16-03-21 13:42",
            "16-03-2021 13:4",
            "16-03-2021 13:42 XM",
            "16-03-2021 13 PM",
            "16-03-2021 00:10 AM",
            "99999999999-03-2021 13:42",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(dt("31-02-2021 10:00", DateOrder::DayFirst).starts_with("no such date"));
        assert!(dt("16-03-2021 24:10", DateOrder::DayFirst).starts_with("no such date"));
    }

    #[test]
    fn proof_of_order() {
        let p = |t| parse(t).unwrap().proves();
        assert_eq!(p("13-01-2021 10:00"), Some(DateOrder::DayFirst));
        assert_eq!(p("01-13-2021 10:00"), Some(DateOrder::MonthFirst));
        assert_eq!(p("01-02-2021 10:00"), None);
        assert_eq!(p("2021-01-13 10:00"), None);
        let mut vote = DateOrderVote::default();
        vote.note(&parse("01-02-2021 10:00").unwrap(), 3);
        let (order, warning) = vote.decide(Some(DateOrder::MonthFirst)).unwrap();
        assert_eq!(order, DateOrder::MonthFirst);
        assert!(warning.unwrap().contains("assumed month-first"));
        vote.note(&parse("13-02-2021 10:00").unwrap(), 4);
        assert_eq!(vote.decide(None).unwrap(), (DateOrder::DayFirst, None));
        vote.note(&parse("02-13-2021 10:00").unwrap(), 9);
        assert!(vote.decide(None).unwrap_err().contains("line 4"));
    }
}
