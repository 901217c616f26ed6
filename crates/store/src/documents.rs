//! Versioned JSON documents (the domain's records) and append-only events, written in
//! transactions that also append to the audit log.

use jiff::Timestamp;
use sqlx::Row;

use crate::audit::AuditEntry;
use crate::{Store, StoreError};

/// A document to insert or a new body for an existing one.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDoc {
    /// Kind: `patient`, `request`, `organisation`, `user`, `facts`, …
    pub kind: String,
    /// Id, unique within the kind.
    pub id: String,
    /// The patient it concerns, for per-patient queries.
    pub patient: Option<String>,
    /// The organisation that owns it (GP practice, specialist team), for queries.
    pub org: Option<String>,
    /// The commissioning area (ICB) it falls in, for queries.
    pub area: Option<String>,
    /// The record.
    pub body: serde_json::Value,
}

impl NewDoc {
    /// A document with no index columns.
    pub fn new(kind: &str, id: &str, body: serde_json::Value) -> Self {
        Self {
            kind: kind.to_owned(),
            id: id.to_owned(),
            patient: None,
            org: None,
            area: None,
            body,
        }
    }

    /// With the patient column.
    pub fn patient(mut self, patient: &str) -> Self {
        self.patient = Some(patient.to_owned());
        self
    }

    /// With the organisation column.
    pub fn org(mut self, org: &str) -> Self {
        self.org = Some(org.to_owned());
        self
    }

    /// With the area column.
    pub fn area(mut self, area: &str) -> Self {
        self.area = Some(area.to_owned());
        self
    }
}

/// A stored document.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// Kind.
    pub kind: String,
    /// Id.
    pub id: String,
    /// Version, from 1, incremented by every update.
    pub version: i64,
    /// Patient column.
    pub patient: Option<String>,
    /// Organisation column.
    pub org: Option<String>,
    /// Area column.
    pub area: Option<String>,
    /// The record.
    pub body: serde_json::Value,
    /// When it was last written.
    pub updated_at: Timestamp,
}

/// Which documents of a kind to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocFilter {
    /// Only this patient's.
    pub patient: Option<String>,
    /// Only this organisation's.
    pub org: Option<String>,
    /// Only this area's.
    pub area: Option<String>,
}

/// One change in a [`Store::commit`].
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// A new document (version 1); fails with [`StoreError::Duplicate`] if it exists.
    Insert(NewDoc),
    /// A new body for a document last read at `expected_version`; fails with
    /// [`StoreError::Conflict`] if it has moved on.
    Update {
        /// The document.
        doc: NewDoc,
        /// The version the caller read.
        expected_version: i64,
    },
    /// An append-only event on a stream (e.g. `request/…`, `facts/…`).
    Event {
        /// Stream name.
        stream: String,
        /// The patient it concerns.
        patient: Option<String>,
        /// Event kind.
        kind: String,
        /// The event.
        body: serde_json::Value,
    },
}

/// A stored event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    /// Global order.
    pub seq: i64,
    /// Stream.
    pub stream: String,
    /// Patient.
    pub patient: Option<String>,
    /// Kind.
    pub kind: String,
    /// When.
    pub at: Timestamp,
    /// The event.
    pub body: serde_json::Value,
}

/// The `FROM … WHERE … ORDER BY` of [`Store::list`] and [`Store::list_as`]: a kind
/// (`$1`) and the optional [`DocFilter`] columns (`$2`–`$4`).
macro_rules! list_filter {
    () => {
        "FROM documents WHERE kind = $1 \
         AND ($2 IS NULL OR patient_id = $2) AND ($3 IS NULL OR org_code = $3) \
         AND ($4 IS NULL OR area_code = $4) ORDER BY id"
    };
}

impl Store {
    /// Applies the writes and appends the audit entries in one transaction: all or
    /// nothing. Returns the new version of each document write (0 for events).
    pub async fn commit(
        &self,
        writes: &[Write],
        audit: &[AuditEntry],
        at: Timestamp,
    ) -> Result<Vec<i64>, StoreError> {
        let secs = at.as_second();
        let versions = in_write_tx!(self, tx => {
            let mut versions = Vec::with_capacity(writes.len());
            for write in writes {
                match write {
                    Write::Insert(doc) => {
                        let body = serde_json::to_string(&doc.body)?;
                        let inserted = sqlx::query(
                            "INSERT INTO documents (kind, id, version, patient_id, org_code, area_code, body, updated_at) \
                             VALUES ($1, $2, 1, $3, $4, $5, $6, $7)",
                        )
                        .bind(&doc.kind)
                        .bind(&doc.id)
                        .bind(&doc.patient)
                        .bind(&doc.org)
                        .bind(&doc.area)
                        .bind(body)
                        .bind(secs)
                        .execute(&mut *tx)
                        .await;
                        match inserted {
                            Ok(_) => versions.push(1),
                            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                                return Err(StoreError::Duplicate {
                                    kind: doc.kind.clone(),
                                    id: doc.id.clone(),
                                });
                            }
                            Err(e) => return Err(e.into()),
                        }
                    }
                    Write::Update { doc, expected_version } => {
                        let body = serde_json::to_string(&doc.body)?;
                        let done = sqlx::query(
                            "UPDATE documents SET version = version + 1, patient_id = $1, org_code = $2, \
                             area_code = $3, body = $4, updated_at = $5 \
                             WHERE kind = $6 AND id = $7 AND version = $8",
                        )
                        .bind(&doc.patient)
                        .bind(&doc.org)
                        .bind(&doc.area)
                        .bind(body)
                        .bind(secs)
                        .bind(&doc.kind)
                        .bind(&doc.id)
                        .bind(expected_version)
                        .execute(&mut *tx)
                        .await?;
                        if done.rows_affected() != 1 {
                            return Err(StoreError::Conflict {
                                kind: doc.kind.clone(),
                                id: doc.id.clone(),
                                expected: *expected_version,
                            });
                        }
                        versions.push(expected_version + 1);
                    }
                    Write::Event { stream, patient, kind, body } => {
                        sqlx::query(
                            "INSERT INTO events (stream, patient_id, kind, at, body) VALUES ($1, $2, $3, $4, $5)",
                        )
                        .bind(stream)
                        .bind(patient)
                        .bind(kind)
                        .bind(secs)
                        .bind(serde_json::to_string(body)?)
                        .execute(&mut *tx)
                        .await?;
                        versions.push(0);
                    }
                }
            }
            for entry in audit {
                audit_append!(tx, entry, at);
            }
            versions
        });
        Ok(versions)
    }

    /// One document.
    pub async fn get(&self, kind: &str, id: &str) -> Result<Option<Doc>, StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "SELECT kind, id, version, patient_id, org_code, area_code, body, updated_at \
                 FROM documents WHERE kind = $1 AND id = $2",
            )
            .bind(kind)
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(|row| doc(&row))
            .transpose()
        })
    }

    /// Documents of a kind, filtered, ordered by id.
    pub async fn list(&self, kind: &str, filter: &DocFilter) -> Result<Vec<Doc>, StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                concat!(
                    "SELECT kind, id, version, patient_id, org_code, area_code, body, updated_at ",
                    list_filter!()
                ),
            )
            .bind(kind)
            .bind(&filter.patient)
            .bind(&filter.org)
            .bind(&filter.area)
            .fetch_all(pool)
            .await?
            .iter()
            .map(doc)
            .collect()
        })
    }

    /// Like [`Store::list`], each body parsed straight into `T` with its version (no
    /// intermediate `serde_json::Value`: several times faster on large documents such
    /// as requests with their decision snapshots).
    pub async fn list_as<T: serde::de::DeserializeOwned>(
        &self,
        kind: &str,
        filter: &DocFilter,
    ) -> Result<Vec<(T, i64)>, StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                concat!("SELECT version, body ", list_filter!()),
            )
            .bind(kind)
            .bind(&filter.patient)
            .bind(&filter.org)
            .bind(&filter.area)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|row| {
                let body: &str = row.try_get("body")?;
                Ok((serde_json::from_str(body)?, row.try_get("version")?))
            })
            .collect()
        })
    }

    /// Number of documents of a kind.
    pub async fn count(&self, kind: &str) -> Result<i64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM documents WHERE kind = $1")
                .bind(kind)
                .fetch_one(pool)
                .await?
        }))
    }

    /// Events of a stream, oldest first.
    pub async fn events(&self, stream: &str) -> Result<Vec<EventRow>, StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "SELECT seq, stream, patient_id, kind, at, body FROM events WHERE stream = $1 ORDER BY seq",
            )
            .bind(stream)
            .fetch_all(pool)
            .await?
            .iter()
            .map(event)
            .collect()
        })
    }
}

fn doc<R: Row>(row: &R) -> Result<Doc, StoreError>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let body: String = row.try_get("body")?;
    let updated: i64 = row.try_get("updated_at")?;
    Ok(Doc {
        kind: row.try_get("kind")?,
        id: row.try_get("id")?,
        version: row.try_get("version")?,
        patient: row.try_get("patient_id")?,
        org: row.try_get("org_code")?,
        area: row.try_get("area_code")?,
        body: serde_json::from_str(&body)?,
        updated_at: crate::stored_instant(updated)?,
    })
}

fn event<R: Row>(row: &R) -> Result<EventRow, StoreError>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let body: String = row.try_get("body")?;
    let at: i64 = row.try_get("at")?;
    Ok(EventRow {
        seq: row.try_get("seq")?,
        stream: row.try_get("stream")?,
        patient: row.try_get("patient_id")?,
        kind: row.try_get("kind")?,
        at: crate::stored_instant(at)?,
        body: serde_json::from_str(&body)?,
    })
}
