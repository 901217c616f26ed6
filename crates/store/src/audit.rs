//! The audit log: who did or saw what, when and why, for every read and write of
//! patient data. Append-only (database triggers refuse UPDATE and DELETE) and
//! hash-chained: each record's hash covers the previous record's hash and its own
//! fields, so altering, removing or reordering any record breaks the chain from there
//! on, which [`Store::verify_audit`] finds.

use jiff::Timestamp;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{Store, StoreError};

/// The `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What to record. No names, NHS numbers or readings: `patient` is the internal id and
/// `target` names a record (`request/…`), so the log itself holds no clinical data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Who: user name, or `system`.
    pub actor: String,
    /// What: a verb such as `read`, `record-fact`, `submit`, `decide`, `import`.
    pub action: String,
    /// Whose data, by internal patient id.
    pub patient: Option<String>,
    /// Which record.
    pub target: String,
    /// Why (the page or purpose).
    pub reason: String,
}

impl AuditEntry {
    /// An entry.
    pub fn new(
        actor: impl Into<String>,
        action: impl Into<String>,
        patient: Option<&str>,
        target: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            actor: actor.into(),
            action: action.into(),
            patient: patient.map(str::to_owned),
            target: target.into(),
            reason: reason.into(),
        }
    }
}

/// A stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When.
    pub at: Timestamp,
    /// What was recorded.
    pub entry: AuditEntry,
    /// Hash of the previous record.
    pub prev_hash: String,
    /// This record's hash.
    pub hash: String,
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditCheck {
    /// Every record links and hashes correctly.
    Intact {
        /// Records checked.
        records: i64,
    },
    /// The first record that does not.
    Broken {
        /// Its sequence number (or the missing one).
        seq: i64,
        /// What is wrong.
        problem: String,
    },
}

/// SHA-256 over the previous hash and the record's fields, unambiguously delimited
/// (each field length-prefixed).
pub fn chain_hash(prev: &str, seq: i64, at: i64, e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    let patient = e.patient.as_deref().unwrap_or("\u{0}");
    for field in [
        prev,
        &seq.to_string(),
        &at.to_string(),
        &e.actor,
        &e.action,
        patient,
        &e.target,
        &e.reason,
    ] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

impl Store {
    /// Records a read (or any access that changes nothing) in its own transaction.
    pub async fn audit(&self, entry: &AuditEntry, at: Timestamp) -> Result<i64, StoreError> {
        Ok(in_write_tx!(self, tx => audit_append!(tx, entry, at)))
    }

    /// The records, oldest first; only those about `patient` when given.
    pub async fn audit_records(
        &self,
        patient: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = on_pool!(self, pool => {
            sqlx::query(
                "SELECT seq, at, actor, action, patient_id, target, reason, prev_hash, hash FROM audit \
                 WHERE ($1 IS NULL OR patient_id = $1) ORDER BY seq DESC LIMIT $2",
            )
            .bind(patient)
            .bind(limit)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|row| record(&row))
            .collect::<Result<Vec<_>, StoreError>>()?
        });
        let mut rows = rows;
        rows.reverse();
        Ok(rows)
    }

    /// Walks the whole chain and reports the first break.
    pub async fn verify_audit(&self) -> Result<AuditCheck, StoreError> {
        let records = on_pool!(self, pool => {
            sqlx::query(
                "SELECT seq, at, actor, action, patient_id, target, reason, prev_hash, hash FROM audit ORDER BY seq",
            )
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|row| record(&row))
            .collect::<Result<Vec<_>, StoreError>>()?
        });
        let mut prev = GENESIS.to_owned();
        for (i, r) in records.iter().enumerate() {
            let expected_seq = i as i64 + 1;
            if r.seq != expected_seq {
                return Ok(AuditCheck::Broken {
                    seq: expected_seq,
                    problem: format!("record {expected_seq} is missing"),
                });
            }
            if r.prev_hash != prev {
                return Ok(AuditCheck::Broken {
                    seq: r.seq,
                    problem: "does not link to the previous record".to_owned(),
                });
            }
            if chain_hash(&prev, r.seq, r.at.as_second(), &r.entry) != r.hash {
                return Ok(AuditCheck::Broken {
                    seq: r.seq,
                    problem: "its contents do not match its hash".to_owned(),
                });
            }
            prev = r.hash.clone();
        }
        Ok(AuditCheck::Intact {
            records: records.len() as i64,
        })
    }
}

fn record<R: Row>(row: &R) -> Result<AuditRecord, StoreError>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let at: i64 = row.try_get("at")?;
    Ok(AuditRecord {
        seq: row.try_get("seq")?,
        at: crate::stored_instant(at)?,
        entry: AuditEntry {
            actor: row.try_get("actor")?,
            action: row.try_get("action")?,
            patient: row.try_get("patient_id")?,
            target: row.try_get("target")?,
            reason: row.try_get("reason")?,
        },
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_every_field_and_the_previous_hash() {
        let e = AuditEntry::new("alice", "read", Some("p1"), "patient/p1", "patient page");
        let h = chain_hash(GENESIS, 1, 100, &e);
        assert_eq!(h.len(), 64);
        let mut other = e.clone();
        other.reason = "patient pagE".into();
        assert_ne!(h, chain_hash(GENESIS, 1, 100, &other));
        assert_ne!(h, chain_hash(&h, 1, 100, &e));
        assert_ne!(h, chain_hash(GENESIS, 2, 100, &e));
        // Moving text between fields changes the hash (length prefixes).
        let shifted = AuditEntry::new("alicer", "ead", Some("p1"), "patient/p1", "patient page");
        assert_ne!(h, chain_hash(GENESIS, 1, 100, &shifted));
        let none = AuditEntry::new("alice", "read", None, "patient/p1", "patient page");
        assert_ne!(h, chain_hash(GENESIS, 1, 100, &none));
    }
}
