//! Raw access for tests and fault injection (corrupt rows, tampering). Not for
//! application code: everything here bypasses the audit log.

use crate::{Store, StoreError};

/// Runs one SQL statement as it is.
pub async fn execute(store: &Store, sql: &str) -> Result<(), StoreError> {
    on_pool!(store, pool => {
        sqlx::query(sql).execute(pool).await?;
    });
    Ok(())
}

/// Number of rows in `table` (a fixed table name, not user input).
pub async fn count_rows(store: &Store, table: &str) -> Result<i64, StoreError> {
    let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}");
    Ok(on_pool!(store, pool => sqlx::query_scalar(&sql).fetch_one(pool).await?))
}

/// Writes a readings row directly (e.g. a corrupt one).
pub async fn insert_readings_row(
    store: &Store,
    patient: &str,
    source: &str,
    day: i64,
    data: Vec<u8>,
) -> Result<(), StoreError> {
    on_pool!(store, pool => {
        sqlx::query("INSERT INTO readings (patient_id, source, day, n, data) VALUES ($1, $2, $3, 1, $4)")
            .bind(patient)
            .bind(source)
            .bind(day)
            .bind(data)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Removes the trigger that refuses UPDATE on the audit table, as someone with direct
/// database access could.
pub async fn drop_audit_guard(store: &Store) -> Result<(), StoreError> {
    let sql = match store {
        Store::Sqlite(_) => "DROP TRIGGER audit_append_only_update",
        Store::Postgres(_) => "DROP TRIGGER audit_append_only ON audit",
    };
    execute(store, sql).await
}
