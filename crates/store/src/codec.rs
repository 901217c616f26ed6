//! The compact encoding of one patient-day of CGM readings (design §5: one row per
//! patient, source and UTC day instead of one row per reading).
//!
//! Layout, version 1:
//!
//! ```text
//! u8      version (1)
//! varint  count
//! per reading, in instant order:
//!   varint  seconds since the previous reading (the first: since 00:00 UTC of the day)
//!   u8      flags: bits 0–1 censoring (0 exact, 1 below limit, 2 above limit),
//!                  bit 2 "UTC offset follows"
//!   [i8]    device UTC offset in quarter hours, when flag bit 2 is set (the first
//!           reading always sets it; later ones only when the offset changes)
//!   u16 LE  glucose in tenths of mg/dL
//! ```
//!
//! Five bytes per reading at 5- or 15-minute spacing (a two-byte varint for the gap,
//! the flags, the value), against about 60 bytes for a row per reading.

use diapath_glucose::{Censoring, GlucoseMgDl, Reading};
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};

const VERSION: u8 = 1;
const OFFSET_FOLLOWS: u8 = 0b100;

/// Seconds in a day.
pub const DAY_SECONDS: i64 = 86_400;

/// The UTC day number (days since 1970-01-01) of an instant.
pub fn day_of(t: Timestamp) -> i64 {
    t.as_second().div_euclid(DAY_SECONDS)
}

/// Why a stored blob cannot be decoded (a corrupt row, never user input).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("corrupt readings row for day {day}: {problem}")]
pub struct CodecError {
    /// UTC day number of the row.
    pub day: i64,
    /// What is wrong.
    pub problem: &'static str,
}

/// Encodes readings of one UTC day, sorted by instant and unique.
pub fn encode(day: i64, readings: &[Reading]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + readings.len() * 5);
    out.push(VERSION);
    put_varint(&mut out, readings.len() as u64);
    let mut previous = day * DAY_SECONDS;
    let mut offset: Option<i8> = None;
    for r in readings {
        let t = r.utc().as_second();
        put_varint(&mut out, (t - previous).max(0) as u64);
        previous = t;
        let quarter = quarter_hours(r);
        let mut flags = match r.censoring() {
            Censoring::Exact => 0,
            Censoring::BelowLimit => 1,
            Censoring::AboveLimit => 2,
        };
        if offset != Some(quarter) {
            flags |= OFFSET_FOLLOWS;
        }
        out.push(flags);
        if offset != Some(quarter) {
            out.push(quarter as u8);
            offset = Some(quarter);
        }
        let tenths = (r.glucose().get() * 10.0)
            .round()
            .clamp(1.0, f64::from(u16::MAX)) as u16;
        out.extend_from_slice(&tenths.to_le_bytes());
    }
    out
}

/// Decodes a row written by [`encode`].
pub fn decode(day: i64, data: &[u8]) -> Result<Vec<Reading>, CodecError> {
    let err = |problem| CodecError { day, problem };
    let mut pos = 0usize;
    let version = *data.first().ok_or(err("empty"))?;
    if version != VERSION {
        return Err(err("unknown version"));
    }
    pos += 1;
    let count = get_varint(data, &mut pos).ok_or(err("truncated count"))? as usize;
    let mut out = Vec::with_capacity(count.min(100_000));
    let mut t = day * DAY_SECONDS;
    let mut offset: Option<i8> = None;
    for _ in 0..count {
        t += get_varint(data, &mut pos).ok_or(err("truncated time"))? as i64;
        let flags = *data.get(pos).ok_or(err("truncated flags"))?;
        pos += 1;
        if flags & OFFSET_FOLLOWS != 0 {
            offset = Some(*data.get(pos).ok_or(err("truncated offset"))? as i8);
            pos += 1;
        }
        let quarter = offset.ok_or(err("missing offset"))?;
        let bytes = data.get(pos..pos + 2).ok_or(err("truncated glucose"))?;
        pos += 2;
        let tenths = u16::from_le_bytes([bytes[0], bytes[1]]);
        let censoring = match flags & 0b11 {
            0 => Censoring::Exact,
            1 => Censoring::BelowLimit,
            2 => Censoring::AboveLimit,
            _ => return Err(err("bad censoring flag")),
        };
        let utc = Timestamp::from_second(t).map_err(|_| err("time out of range"))?;
        let offset = Offset::from_seconds(i32::from(quarter) * 900)
            .map_err(|_| err("offset out of range"))?;
        let local = offset.to_datetime(utc);
        let glucose =
            GlucoseMgDl::new(f64::from(tenths) / 10.0).map_err(|_| err("glucose out of range"))?;
        out.push(Reading::new(utc, local, glucose, censoring));
    }
    if pos != data.len() {
        return Err(err("trailing bytes"));
    }
    Ok(out)
}

/// The device's UTC offset in quarter hours (every real zone offset since 1970 is a
/// multiple of 15 minutes).
fn quarter_hours(r: &Reading) -> i8 {
    let local_as_utc = r
        .local()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp());
    let seconds = match local_as_utc {
        Ok(l) => l.duration_since(r.utc()),
        Err(_) => SignedDuration::ZERO,
    }
    .as_secs();
    (seconds / 900).clamp(-64, 63) as i8
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(data: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *data.get(*pos)?;
        *pos += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reading(t: i64, offset_q: i32, tenths: u16, c: Censoring) -> Reading {
        let utc = Timestamp::from_second(t).unwrap();
        let local = Offset::from_seconds(offset_q * 900)
            .unwrap()
            .to_datetime(utc);
        Reading::new(
            utc,
            local,
            GlucoseMgDl::new(f64::from(tenths) / 10.0).unwrap(),
            c,
        )
    }

    #[test]
    fn a_day_of_five_minute_data_takes_about_five_bytes_a_reading() {
        let day = 20_000;
        let readings: Vec<Reading> = (0..288)
            .map(|i| {
                reading(
                    day * DAY_SECONDS + i * 300,
                    4,
                    1000 + i as u16,
                    Censoring::Exact,
                )
            })
            .collect();
        let blob = encode(day, &readings);
        assert!(blob.len() <= 288 * 5 + 8, "{} bytes", blob.len());
        assert_eq!(decode(day, &blob).unwrap(), readings);
    }

    #[test]
    fn offsets_and_censoring_survive() {
        let day = 20_388; // 2025-10-26, the London autumn change
        let base = day * DAY_SECONDS;
        let readings = vec![
            reading(base + 60, 4, 396, Censoring::BelowLimit),
            reading(base + 3600, 0, 5000, Censoring::AboveLimit),
            reading(base + 7200, 0, 1234, Censoring::Exact),
        ];
        assert_eq!(decode(day, &encode(day, &readings)).unwrap(), readings);
    }

    #[test]
    fn corrupt_rows_are_errors_not_panics() {
        assert!(decode(1, &[]).is_err());
        assert!(decode(1, &[2, 0]).is_err());
        assert!(decode(1, &[1, 5, 1]).is_err());
        let good = encode(1, &[reading(DAY_SECONDS + 5, 0, 1000, Censoring::Exact)]);
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(decode(1, &trailing).is_err());
        assert!(decode(1, &good[..good.len() - 1]).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(mut secs in proptest::collection::btree_set(0i64..86_400, 0..300),
                      q in -48i32..56, v in 10u16..6000) {
            let day = 19_000;
            let readings: Vec<Reading> = std::mem::take(&mut secs)
                .into_iter()
                .map(|s| reading(day * DAY_SECONDS + s, q, v, Censoring::Exact))
                .collect();
            prop_assert_eq!(decode(day, &encode(day, &readings)).unwrap(), readings);
        }

        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode(7, &data);
        }
    }
}
