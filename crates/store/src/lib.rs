//! diapath-store: persistence over SQLite (embedded default) and PostgreSQL
//! (multi-user), chosen by the database URL.
//!
//! The domain is stored as versioned JSON documents with the columns queries need
//! (patient, organisation, area), an append-only event table, CGM readings packed one
//! row per patient-day (`codec.rs`), and a hash-chained audit log (`audit.rs`). Every
//! change is one transaction that also appends to the audit log; a document update
//! names the version it read and fails with [`StoreError::Conflict`] if someone changed
//! it since (optimistic concurrency).
//!
//! ```no_run
//! # async fn demo() -> Result<(), diapath_store::StoreError> {
//! let store = diapath_store::Store::connect("sqlite://diapath.db").await?;
//! store.migrate().await?;
//! # Ok(()) }
//! ```
//!
//! Time is a parameter: nothing here reads the clock. docs/store.md has the schema.

#[macro_use]
mod macros;

pub mod audit;
pub mod codec;
pub mod documents;
pub mod pathway;
pub mod readings;
pub mod sessions;
#[doc(hidden)]
pub mod testing;

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

pub use audit::{AuditCheck, AuditEntry, AuditRecord};
pub use documents::{Doc, DocFilter, NewDoc, Write};
pub use readings::ReadingsWrite;
pub use sessions::Session;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record changed since it was read: reload and try again.
    #[error("{kind} {id} was changed by someone else (expected version {expected})")]
    Conflict {
        /// Document kind.
        kind: String,
        /// Document id.
        id: String,
        /// The version the caller read.
        expected: i64,
    },
    /// A document with that kind and id already exists.
    #[error("{kind} {id} already exists")]
    Duplicate {
        /// Document kind.
        kind: String,
        /// Document id.
        id: String,
    },
    /// The URL is neither `sqlite://…` nor `postgres://…`.
    #[error("unsupported database URL '{0}': use sqlite://FILE or postgres://…")]
    Url(String),
    /// A stored row cannot be decoded.
    #[error(transparent)]
    Corrupt(#[from] codec::CodecError),
    /// A document body is not valid JSON for its type.
    #[error("document body: {0}")]
    Json(#[from] serde_json::Error),
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The instant stored as `seconds` since the Unix epoch; a value out of range is a row
/// that cannot be decoded.
pub(crate) fn stored_instant(seconds: i64) -> Result<jiff::Timestamp, StoreError> {
    jiff::Timestamp::from_second(seconds)
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

/// A connection pool to one of the two backends.
#[derive(Debug, Clone)]
pub enum Store {
    /// Embedded SQLite file (WAL mode).
    Sqlite(SqlitePool),
    /// PostgreSQL server.
    Postgres(PgPool),
}

/// Advisory-lock key that serialises writers on PostgreSQL (the audit chain has one
/// head; SQLite gets the same effect from `BEGIN IMMEDIATE`).
pub(crate) const WRITE_LOCK: i64 = 0x0d1a_9a74;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// Connects to `sqlite://FILE` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Self::connect_in_schema(url, None).await
    }

    /// Like [`Store::connect`], with every PostgreSQL connection's `search_path` set to
    /// `schema` (created if missing): separate tests or tenants on one database.
    pub async fn connect_in_schema(url: &str, schema: Option<&str>) -> Result<Store, StoreError> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(std::time::Duration::from_secs(30));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await?;
            Ok(Store::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let mut options = PgConnectOptions::from_str(url)?;
            if let Some(schema) = schema {
                let admin = PgPool::connect_with(options.clone()).await?;
                sqlx::query(&format!(
                    "CREATE SCHEMA IF NOT EXISTS \"{}\"",
                    schema.replace('"', "")
                ))
                .execute(&admin)
                .await?;
                admin.close().await;
                options = options.options([("search_path", schema)]);
            }
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .connect_with(options)
                .await?;
            Ok(Store::Postgres(pool))
        } else {
            Err(StoreError::Url(url.to_owned()))
        }
    }

    /// Creates or upgrades the schema (idempotent).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Store::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// Whether the database answers (readiness probe).
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Closes the pool.
    pub async fn close(&self) {
        match self {
            Store::Sqlite(pool) => pool.close().await,
            Store::Postgres(pool) => pool.close().await,
        }
    }
}
