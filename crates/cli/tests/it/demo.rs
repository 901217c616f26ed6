//! `diapath demo --seed-only` on SQLite and, when a PostgreSQL server is configured, on
//! PostgreSQL; a database that already holds data is never seeded again.

use crate::{diapath, repo_root};

/// Organisations and CGM readings in the seeded database.
async fn seeded(url: &str) -> (usize, i64) {
    let store = diapath_store::Store::connect(url).await.unwrap();
    let pathway = diapath_store::pathway::Pathway::new(store.clone());
    let organisations = pathway.organisations().await.unwrap().len();
    let readings = diapath_store::testing::count_rows(&store, "readings")
        .await
        .unwrap();
    store.close().await;
    (organisations, readings)
}

fn seed_twice(url_args: &[&str], url: &str) {
    let mut args = vec!["demo", "--seed-only", "--patients", "14"];
    args.extend_from_slice(url_args);
    let out = diapath(&args, repo_root());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (organisations, readings) = rt.block_on(seeded(url));
    // An acute trust team, two GP practices, an ICB and an education provider.
    assert!(organisations >= 4, "{organisations} organisations");
    assert!(readings > 0, "no CGM readings seeded");
    args.push("--keep");
    let kept = diapath(&args, repo_root());
    assert!(kept.status.success(), "--keep serves what is there");
    assert_eq!(rt.block_on(seeded(url)), (organisations, readings));
}

#[test]
fn demo_seeds_a_fresh_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    seed_twice(&["--db", db], &format!("sqlite://{db}"));
    // Without --keep the file is replaced: the same organisations again, not twice as many.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (organisations, _) = rt.block_on(seeded(&format!("sqlite://{db}")));
    let out = diapath(
        &["demo", "--seed-only", "--patients", "14", "--db", db],
        repo_root(),
    );
    assert!(out.status.success());
    let (again, _) = rt.block_on(seeded(&format!("sqlite://{db}")));
    assert_eq!(organisations, again);
}

#[test]
fn demo_seeds_postgres_by_url_and_never_reseeds_a_database_with_data() {
    let Ok(base) = std::env::var("DIAPATH_TEST_POSTGRES_URL") else {
        eprintln!("skipped: set DIAPATH_TEST_POSTGRES_URL to run the demo on PostgreSQL");
        return;
    };
    let name = format!("diapath_demo_{}", std::process::id());
    let url = match base.rfind('/') {
        Some(at) if at > base.find("://").unwrap_or(0) + 2 => format!("{}/{name}", &base[..at]),
        _ => format!("{base}/{name}"),
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let admin = rt.block_on(diapath_store::Store::connect(&base)).unwrap();
    let run = |sql: String| {
        rt.block_on(diapath_store::testing::execute(&admin, &sql))
            .unwrap()
    };
    run(format!("DROP DATABASE IF EXISTS {name}"));
    run(format!("CREATE DATABASE {name}"));
    seed_twice(&["--database-url", &url], &url);
    let before = rt.block_on(seeded(&url));
    let again = diapath(
        &[
            "demo",
            "--seed-only",
            "--patients",
            "14",
            "--database-url",
            &url,
        ],
        repo_root(),
    );
    assert!(
        !again.status.success(),
        "a database with data is not reseeded"
    );
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("already holds data"), "{stderr}");
    assert_eq!(rt.block_on(seeded(&url)), before, "nothing was written");
    run(format!("DROP DATABASE {name} WITH (FORCE)"));
    rt.block_on(admin.close());
}
