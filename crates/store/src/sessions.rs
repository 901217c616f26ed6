//! Web sessions and failed sign-ins, kept in the database so application nodes are
//! stateless.

use jiff::Timestamp;

use crate::{Store, StoreError};

/// A signed-in session. The token itself is only in the user's cookie; the store keeps
/// its SHA-256 digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Digest of the session token.
    pub token_digest: String,
    /// Who.
    pub username: String,
    /// The CSRF token forms must echo.
    pub csrf: String,
    /// Created.
    pub created_at: Timestamp,
    /// Expires.
    pub expires_at: Timestamp,
}

impl Store {
    /// Saves a new session.
    pub async fn create_session(&self, s: &Session) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO sessions (token_digest, username, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&s.token_digest)
            .bind(&s.username)
            .bind(&s.csrf)
            .bind(s.created_at.as_second())
            .bind(s.expires_at.as_second())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The session with this digest, if it exists and has not expired at `now`.
    pub async fn session(
        &self,
        token_digest: &str,
        now: Timestamp,
    ) -> Result<Option<Session>, StoreError> {
        let row: Option<(String, String, String, i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT token_digest, username, csrf, created_at, expires_at FROM sessions \
                 WHERE token_digest = $1 AND expires_at > $2",
            )
            .bind(token_digest)
            .bind(now.as_second())
            .fetch_optional(pool)
            .await?
        });
        Ok(
            row.and_then(|(token_digest, username, csrf, created, expires)| {
                Some(Session {
                    token_digest,
                    username,
                    csrf,
                    created_at: Timestamp::from_second(created).ok()?,
                    expires_at: Timestamp::from_second(expires).ok()?,
                })
            }),
        )
    }

    /// Ends a session (sign-out).
    pub async fn delete_session(&self, token_digest: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE token_digest = $1")
                .bind(token_digest)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Removes expired sessions and failures older than `before`.
    pub async fn purge(&self, now: Timestamp, before: Timestamp) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(now.as_second())
                .execute(pool)
                .await?;
            sqlx::query("DELETE FROM login_failures WHERE at < $1")
                .bind(before.as_second())
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Records a failed sign-in for `key` (an account or a client address).
    pub async fn record_login_failure(&self, key: &str, at: Timestamp) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                .bind(key)
                .bind(at.as_second())
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Failed sign-ins for `key` since `since`.
    pub async fn login_failures(
        &self,
        key: &str,
        since: Timestamp,
    ) -> Result<Vec<Timestamp>, StoreError> {
        let rows: Vec<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT at FROM login_failures WHERE key = $1 AND at >= $2 ORDER BY at")
                .bind(key)
                .bind(since.as_second())
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|s| Timestamp::from_second(s).ok())
            .collect())
    }
}
