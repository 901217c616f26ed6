//! CGM readings: stored one row per patient, source and UTC day (`codec.rs`), merged
//! idempotently, loaded by window.

use std::collections::BTreeMap;

use diapath_glucose::Reading;
use jiff::Timestamp;

use crate::audit::AuditEntry;
use crate::codec::{self, DAY_SECONDS};
use crate::{Store, StoreError};

/// What a [`Store::put_readings`] changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadingsWrite {
    /// Readings not stored before.
    pub added: usize,
    /// Readings already stored (same instant, same source): left as they were.
    pub already_stored: usize,
    /// Day rows written.
    pub days_written: usize,
}

impl Store {
    /// Merges readings into the patient's store for `source` (e.g. `libreview`) in one
    /// transaction with its audit entry: all or nothing. A reading at an instant already
    /// stored for that source is kept as stored, so importing the same file twice
    /// changes nothing.
    pub async fn put_readings(
        &self,
        patient: &str,
        source: &str,
        readings: &[Reading],
        audit: &AuditEntry,
        at: Timestamp,
    ) -> Result<ReadingsWrite, StoreError> {
        let mut by_day: BTreeMap<i64, Vec<Reading>> = BTreeMap::new();
        for r in readings {
            by_day.entry(codec::day_of(r.utc())).or_default().push(*r);
        }
        let result = in_write_tx!(self, tx => {
            let mut result = ReadingsWrite::default();
            for (day, mut incoming) in by_day {
                let existing: Option<Vec<u8>> = sqlx::query_scalar(
                    "SELECT data FROM readings WHERE patient_id = $1 AND day = $2 AND source = $3",
                )
                .bind(patient)
                .bind(day)
                .bind(source)
                .fetch_optional(&mut *tx)
                .await?;
                let mut merged = match &existing {
                    Some(data) => codec::decode(day, data)?,
                    None => Vec::new(),
                };
                let before = merged.len();
                incoming.sort_by_key(Reading::utc);
                for r in incoming {
                    match merged.binary_search_by_key(&r.utc(), Reading::utc) {
                        Ok(_) => result.already_stored += 1,
                        Err(at) => merged.insert(at, r),
                    }
                }
                let added = merged.len() - before;
                if added == 0 {
                    continue;
                }
                result.added += added;
                result.days_written += 1;
                let data = codec::encode(day, &merged);
                if existing.is_some() {
                    sqlx::query(
                        "UPDATE readings SET n = $1, data = $2 WHERE patient_id = $3 AND day = $4 AND source = $5",
                    )
                    .bind(merged.len() as i64)
                    .bind(data)
                    .bind(patient)
                    .bind(day)
                    .bind(source)
                    .execute(&mut *tx)
                    .await?;
                } else {
                    sqlx::query(
                        "INSERT INTO readings (patient_id, source, day, n, data) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(patient)
                    .bind(source)
                    .bind(day)
                    .bind(merged.len() as i64)
                    .bind(data)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            audit_append!(tx, audit, at);
            result
        });
        Ok(result)
    }

    /// The patient's readings with `from <= utc < to`, all sources merged (the first
    /// source in name order wins where two share an instant), sorted by instant.
    pub async fn load_readings(
        &self,
        patient: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Reading>, StoreError> {
        let first = codec::day_of(from);
        let last = codec::day_of(to - jiff::SignedDuration::from_secs(1));
        let rows: Vec<(i64, Vec<u8>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT day, data FROM readings WHERE patient_id = $1 AND day >= $2 AND day <= $3 \
                 ORDER BY day, source",
            )
            .bind(patient)
            .bind(first)
            .bind(last)
            .fetch_all(pool)
            .await?
        });
        let mut out = Vec::new();
        for (day, data) in rows {
            out.extend(
                codec::decode(day, &data)?
                    .into_iter()
                    .filter(|r| r.utc() >= from && r.utc() < to),
            );
        }
        out.sort_by_key(Reading::utc);
        out.dedup_by_key(|r| r.utc());
        Ok(out)
    }

    /// The span of the patient's stored readings (first and last UTC day start), if any.
    pub async fn readings_span(
        &self,
        patient: &str,
    ) -> Result<Option<(Timestamp, Timestamp)>, StoreError> {
        let span: Option<(Option<i64>, Option<i64>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT MIN(day), MAX(day) FROM readings WHERE patient_id = $1")
                .bind(patient)
                .fetch_optional(pool)
                .await?
        });
        Ok(match span {
            Some((Some(a), Some(b))) => Timestamp::from_second(a * DAY_SECONDS)
                .ok()
                .zip(Timestamp::from_second((b + 1) * DAY_SECONDS).ok()),
            _ => None,
        })
    }

    /// Bytes stored for readings and the number of readings (for the benchmark).
    pub async fn readings_footprint(&self) -> Result<(i64, i64), StoreError> {
        let (bytes, n): (Option<i64>, Option<i64>) = on_pool!(self, pool => {
            sqlx::query_as("SELECT CAST(SUM(LENGTH(data)) AS BIGINT), CAST(SUM(n) AS BIGINT) FROM readings")
                .fetch_one(pool)
                .await?
        });
        Ok((bytes.unwrap_or(0), n.unwrap_or(0)))
    }
}
