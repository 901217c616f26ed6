//! The behaviours every backend must have.

use diapath_glucose::simulate::{Profile, Sensor, Simulation, simulate};
use diapath_store::{
    AuditCheck, AuditEntry, DocFilter, NewDoc, Session, Store, StoreError, Write, testing,
};
use jiff::Timestamp;
use serde_json::json;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn audit(action: &str, patient: Option<&str>) -> AuditEntry {
    AuditEntry::new("tester", action, patient, "test", "store test")
}

pub async fn migrate_is_idempotent(store: &Store) {
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
}

pub async fn documents_round_trip_and_filter(store: &Store) {
    let now = at("2026-11-23T10:00:00Z");
    let a = NewDoc::new("patient", "p1", json!({"name": "A"}))
        .org("A12345")
        .area("QKS");
    let b = NewDoc::new("patient", "p2", json!({"name": "B"}))
        .org("B12345")
        .area("QKS");
    let versions = store
        .commit(
            &[Write::Insert(a.clone()), Write::Insert(b)],
            &[audit("register", Some("p1"))],
            now,
        )
        .await
        .unwrap();
    assert_eq!(versions, vec![1, 1]);
    let got = store.get("patient", "p1").await.unwrap().unwrap();
    assert_eq!(got.version, 1);
    assert_eq!(got.body, json!({"name": "A"}));
    assert_eq!(got.org.as_deref(), Some("A12345"));
    assert_eq!(got.updated_at, now);
    assert!(store.get("patient", "nobody").await.unwrap().is_none());

    let all = store.list("patient", &DocFilter::default()).await.unwrap();
    assert_eq!(all.len(), 2);
    let only_b = DocFilter {
        org: Some("B12345".into()),
        ..DocFilter::default()
    };
    let listed = store.list("patient", &only_b).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, "p2");

    let dup = store.commit(&[Write::Insert(a)], &[], now).await;
    assert!(matches!(dup, Err(StoreError::Duplicate { .. })), "{dup:?}");

    let updated = NewDoc::new("patient", "p1", json!({"name": "A2"})).org("A12345");
    let v = store
        .commit(
            &[Write::Update {
                doc: updated.clone(),
                expected_version: 1,
            }],
            &[audit("update", Some("p1"))],
            now,
        )
        .await
        .unwrap();
    assert_eq!(v, vec![2]);
    let stale = store
        .commit(
            &[Write::Update {
                doc: updated,
                expected_version: 1,
            }],
            &[],
            now,
        )
        .await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { expected: 1, .. })),
        "{stale:?}"
    );
    assert_eq!(
        store.get("patient", "p1").await.unwrap().unwrap().body,
        json!({"name": "A2"})
    );

    store
        .commit(
            &[Write::Event {
                stream: "request/r1".into(),
                patient: Some("p1".into()),
                kind: "submitted".into(),
                body: json!({"by": "u1"}),
            }],
            &[audit("submit", Some("p1"))],
            now,
        )
        .await
        .unwrap();
    let events = store.events("request/r1").await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "submitted");
}

pub async fn concurrent_updates_conflict(store: &Store) {
    let now = at("2026-11-23T10:00:00Z");
    store
        .commit(
            &[Write::Insert(NewDoc::new(
                "request",
                "r1",
                json!({"state": "submitted"}),
            ))],
            &[],
            now,
        )
        .await
        .unwrap();
    // Two commissioners decide the same request, both having read version 1.
    let mut tasks = Vec::new();
    for decision in ["approved", "refused"] {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let doc = NewDoc::new("request", "r1", json!({ "state": decision }));
            store
                .commit(
                    &[Write::Update {
                        doc,
                        expected_version: 1,
                    }],
                    &[AuditEntry::new(
                        "commissioner",
                        "decide",
                        None,
                        "request/r1",
                        decision,
                    )],
                    now,
                )
                .await
        }));
    }
    let mut ok = 0;
    let mut conflicts = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Conflict { .. }) => conflicts += 1,
            Err(other) => panic!("unexpected {other}"),
        }
    }
    assert_eq!((ok, conflicts), (1, 1));
    let doc = store.get("request", "r1").await.unwrap().unwrap();
    assert_eq!(doc.version, 2);
    // Exactly one decision reached the audit log.
    let decided = store.audit_records(None, 100).await.unwrap();
    assert_eq!(
        decided
            .iter()
            .filter(|r| r.entry.action == "decide")
            .count(),
        1
    );
}

pub async fn a_failed_commit_writes_nothing(store: &Store) {
    let now = at("2026-11-23T10:00:00Z");
    store
        .commit(
            &[Write::Insert(NewDoc::new("patient", "p1", json!({})))],
            &[],
            now,
        )
        .await
        .unwrap();
    let before = store.audit_records(None, 100).await.unwrap().len();
    // The second write conflicts: the first must not stay, nor the audit entry.
    let result = store
        .commit(
            &[
                Write::Insert(NewDoc::new("patient", "p2", json!({}))),
                Write::Update {
                    doc: NewDoc::new("patient", "p1", json!({"x": 1})),
                    expected_version: 9,
                },
            ],
            &[audit("register", Some("p2"))],
            now,
        )
        .await;
    assert!(matches!(result, Err(StoreError::Conflict { .. })));
    assert!(store.get("patient", "p2").await.unwrap().is_none());
    assert_eq!(store.audit_records(None, 100).await.unwrap().len(), before);
}

fn ninety_days(seed: u64) -> Vec<diapath_glucose::Reading> {
    simulate(
        &Profile::suboptimal(),
        &Simulation {
            start: at("2026-03-01T00:00:00Z"),
            days: 90,
            zone: jiff::tz::db().get("Europe/London").unwrap(),
            sensor: Sensor::Dexcom,
            seed,
        },
    )
}

pub async fn readings_round_trip_and_reimport_changes_nothing(store: &Store) {
    let now = at("2026-11-23T10:00:00Z");
    let readings = ninety_days(3);
    let first = store
        .put_readings(
            "p1",
            "clarity",
            &readings,
            &audit("import", Some("p1")),
            now,
        )
        .await
        .unwrap();
    assert_eq!(first.added, readings.len());
    assert!(first.days_written >= 89);
    let loaded = store
        .load_readings("p1", at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z"))
        .await
        .unwrap();
    assert_eq!(loaded.len(), readings.len());
    for (a, b) in readings.iter().zip(&loaded) {
        assert_eq!(a.utc(), b.utc());
        assert_eq!(a.local(), b.local());
        assert_eq!(a.censoring(), b.censoring());
        assert!((a.glucose().get() - b.glucose().get()).abs() <= 0.05);
    }
    let again = store
        .put_readings(
            "p1",
            "clarity",
            &readings,
            &audit("import", Some("p1")),
            now,
        )
        .await
        .unwrap();
    assert_eq!(again.added, 0);
    assert_eq!(again.already_stored, readings.len());
    assert_eq!(again.days_written, 0);
    // A window loads only its readings.
    let week = store
        .load_readings("p1", at("2026-04-01T00:00:00Z"), at("2026-04-08T00:00:00Z"))
        .await
        .unwrap();
    assert!(!week.is_empty());
    assert!(
        week.iter()
            .all(|r| r.utc() >= at("2026-04-01T00:00:00Z") && r.utc() < at("2026-04-08T00:00:00Z"))
    );
    assert!(
        store
            .load_readings("p2", at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
    let (bytes, n) = store.readings_footprint().await.unwrap();
    assert_eq!(n as usize, readings.len());
    assert!(
        (bytes as f64) / (n as f64) < 6.0,
        "{bytes} bytes for {n} readings"
    );
}

pub async fn a_failed_import_writes_nothing(store: &Store) {
    let now = at("2026-11-23T10:00:00Z");
    let readings = ninety_days(4);
    // A corrupt row for a day in the middle makes the import fail after earlier days
    // were written inside its transaction.
    let day = diapath_store::codec::day_of(readings[readings.len() / 2].utc());
    store
        .put_readings(
            "p9",
            "libre",
            &readings[..1],
            &audit("import", Some("p9")),
            now,
        )
        .await
        .unwrap();
    testing::insert_readings_row(store, "p9", "libre", day, vec![9u8, 9, 9])
        .await
        .unwrap();
    let before = store
        .load_readings("p9", at("2020-01-01T00:00:00Z"), at("2030-01-01T00:00:00Z"))
        .await;
    assert!(before.is_err(), "the corrupt row is reported, not skipped");
    let result = store
        .put_readings("p9", "libre", &readings, &audit("import", Some("p9")), now)
        .await;
    assert!(matches!(result, Err(StoreError::Corrupt(_))), "{result:?}");
    // Nothing of the failed import stayed: only the first reading's day row and the
    // corrupt row exist.
    let rows = testing::count_rows(store, "readings").await.unwrap();
    assert_eq!(rows, 2);
}

pub async fn audit_chain_verifies_and_detects_tampering(store: &Store) {
    let now = at("2026-11-23T10:00:00Z");
    for i in 0..5 {
        store
            .audit(
                &AuditEntry::new(
                    "alice",
                    "read",
                    Some("p1"),
                    format!("patient/p1/{i}"),
                    "patient page",
                ),
                now,
            )
            .await
            .unwrap();
    }
    assert_eq!(
        store.verify_audit().await.unwrap(),
        AuditCheck::Intact { records: 5 }
    );
    let p1 = store.audit_records(Some("p1"), 10).await.unwrap();
    assert_eq!(p1.len(), 5);
    assert_eq!(p1[0].seq, 1);

    // The table refuses ordinary changes…
    assert!(
        testing::execute(
            store,
            "UPDATE audit SET reason = 'nothing to see' WHERE seq = 3"
        )
        .await
        .is_err()
    );
    // …and a tamperer who removes the guard is caught by the chain.
    testing::drop_audit_guard(store).await.unwrap();
    testing::execute(
        store,
        "UPDATE audit SET reason = 'nothing to see' WHERE seq = 3",
    )
    .await
    .unwrap();
    match store.verify_audit().await.unwrap() {
        AuditCheck::Broken { seq, .. } => assert_eq!(seq, 3),
        intact => panic!("tampering not detected: {intact:?}"),
    }
}

pub async fn sessions_and_login_failures(store: &Store) {
    let now = at("2026-11-23T10:00:00Z");
    let s = Session {
        token_digest: "d1".into(),
        username: "alice".into(),
        csrf: "c1".into(),
        created_at: now,
        expires_at: at("2026-11-23T18:00:00Z"),
    };
    store.create_session(&s).await.unwrap();
    assert_eq!(store.session("d1", now).await.unwrap(), Some(s.clone()));
    assert_eq!(
        store
            .session("d1", at("2026-11-23T18:00:00Z"))
            .await
            .unwrap(),
        None
    );
    store.delete_session("d1").await.unwrap();
    assert_eq!(store.session("d1", now).await.unwrap(), None);

    for m in 0..3 {
        store
            .record_login_failure("user:bob", now + jiff::SignedDuration::from_mins(m))
            .await
            .unwrap();
    }
    let recent = store
        .login_failures("user:bob", now + jiff::SignedDuration::from_mins(1))
        .await
        .unwrap();
    assert_eq!(recent.len(), 2);
    store
        .purge(now, now + jiff::SignedDuration::from_mins(2))
        .await
        .unwrap();
    assert_eq!(
        store.login_failures("user:bob", now).await.unwrap().len(),
        1
    );
}
