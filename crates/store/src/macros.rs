//! The two macros that let one body of SQL code serve both backends.

/// Runs `$body` with `$pool` bound to whichever pool the store has. The body is
/// compiled once per backend, so the same SQL (with `$1` placeholders, which both
/// drivers accept, numbered in order of first use) serves both.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::Store::Sqlite($pool) => $body,
            $crate::Store::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` in a write transaction bound to `$tx`, committing if it returns `Ok`.
/// Writers are serialised (SQLite `BEGIN IMMEDIATE`; PostgreSQL transaction-scoped
/// advisory lock) so the audit chain has one head; readers are never blocked.
macro_rules! in_write_tx {
    ($store:expr, $tx:ident => $body:expr) => {
        match $store {
            $crate::Store::Sqlite(pool) => {
                let mut $tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::Store::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind($crate::WRITE_LOCK)
                    .execute(&mut *$tx)
                    .await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}

/// Appends one audit record inside the write transaction `$tx`, chaining it to the
/// current head; evaluates to its sequence number.
macro_rules! audit_append {
    ($tx:ident, $entry:expr, $at:expr) => {{
        let entry: &$crate::audit::AuditEntry = $entry;
        let at: jiff::Timestamp = $at;
        let head: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *$tx)
                .await?;
        let (seq, prev) = head.unwrap_or((0, $crate::audit::GENESIS.to_owned()));
        let seq = seq + 1;
        let hash = $crate::audit::chain_hash(&prev, seq, at.as_second(), entry);
        sqlx::query(
            "INSERT INTO audit (seq, at, actor, action, patient_id, target, reason, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(seq)
        .bind(at.as_second())
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.patient)
        .bind(&entry.target)
        .bind(&entry.reason)
        .bind(&prev)
        .bind(&hash)
        .execute(&mut *$tx)
        .await?;
        seq
    }};
}
