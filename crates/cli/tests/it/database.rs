//! `diapath migrate` and `diapath audit verify` on a SQLite file.

use crate::diapath;

#[test]
fn migrate_then_verify_and_detect_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("d.db").display());
    let out = diapath(&["migrate", "--database-url", &url], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = diapath(&["migrate", "--database-url", &url], dir.path());
    assert!(out.status.success(), "migrate twice");

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = diapath_store::Store::connect(&url).await.unwrap();
        let at = "2026-11-23T10:00:00Z".parse().unwrap();
        for i in 0..3 {
            let e =
                diapath_store::AuditEntry::new("u", "read", Some("p1"), format!("t{i}"), "test");
            store.audit(&e, at).await.unwrap();
        }
        store.close().await;
    });
    let out = diapath(&["audit", "verify", "--database-url", &url], dir.path());
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("intact: 3 records"));

    rt.block_on(async {
        let store = diapath_store::Store::connect(&url).await.unwrap();
        diapath_store::testing::drop_audit_guard(&store)
            .await
            .unwrap();
        diapath_store::testing::execute(
            &store,
            "UPDATE audit SET actor = 'someone else' WHERE seq = 2",
        )
        .await
        .unwrap();
        store.close().await;
    });
    let out = diapath(&["audit", "verify", "--database-url", &url], dir.path());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("BROKEN at record 2"));
}

#[test]
fn a_bad_url_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = diapath(&["migrate", "--database-url", "mysql://x"], dir.path());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("use sqlite://FILE or postgres://"));
}
