//! The store's test suite, written once and run on both backends: SQLite in a
//! temporary file, and PostgreSQL at `DIAPATH_TEST_POSTGRES_URL` in a fresh schema per
//! test (skipped with a message when the variable is unset; `.ci/run` sets it).

mod crash;
mod pathway;
mod suite;

use diapath_store::Store;

/// A migrated store for one test, and what keeps it alive.
#[allow(missing_debug_implementations)]
pub struct Fixture {
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
}

/// A fresh SQLite store in a temporary folder.
pub async fn sqlite() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    Fixture {
        store,
        _dir: Some(dir),
    }
}

/// A fresh PostgreSQL schema, or `None` (with a message) when no server is configured.
pub async fn postgres(test: &str) -> Option<Fixture> {
    let Ok(url) = std::env::var("DIAPATH_TEST_POSTGRES_URL") else {
        eprintln!(
            "skipped {test} on PostgreSQL: set DIAPATH_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test)"
        );
        return None;
    };
    let unique = format!(
        "t_{}_{}_{}",
        test,
        std::process::id(),
        std::time::SystemTime::UNIX_EPOCH
            .elapsed()
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let store = Store::connect_in_schema(&url, Some(&unique)).await.unwrap();
    store.migrate().await.unwrap();
    Some(Fixture { store, _dir: None })
}

/// Defines `$name` as two tests, `sqlite` and `postgres`, each running `suite::$name`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    let f = $crate::sqlite().await;
                    $crate::suite::$name(&f.store).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    if let Some(f) = $crate::postgres(stringify!($name)).await {
                        $crate::suite::$name(&f.store).await;
                    }
                }
            }
        )*
    };
}

/// As [`both_backends!`] for tests in another module of this binary.
#[macro_export]
macro_rules! both_backends_in {
    ($module:ident: $($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    let f = $crate::sqlite().await;
                    $crate::$module::$name(&f.store).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    if let Some(f) = $crate::postgres(stringify!($name)).await {
                        $crate::$module::$name(&f.store).await;
                    }
                }
            }
        )*
    };
}

both_backends!(
    migrate_is_idempotent,
    documents_round_trip_and_filter,
    concurrent_updates_conflict,
    a_failed_commit_writes_nothing,
    readings_round_trip_and_reimport_changes_nothing,
    a_failed_import_writes_nothing,
    audit_chain_verifies_and_detects_tampering,
    sessions_and_login_failures,
);

both_backends_in!(pathway: whole_pathway);
