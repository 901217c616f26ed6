-- diapath schema, SQLite. Times are seconds since 1970-01-01 UTC; JSON bodies are text.

-- Versioned records of the domain (patients, requests, organisations, users, …).
CREATE TABLE documents (
    kind        TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    patient_id  TEXT,
    org_code    TEXT,
    area_code   TEXT,
    body        TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX documents_by_patient ON documents (kind, patient_id);
CREATE INDEX documents_by_org ON documents (kind, org_code);
CREATE INDEX documents_by_area ON documents (kind, area_code);

-- Append-only facts and request events.
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    stream      TEXT    NOT NULL,
    patient_id  TEXT,
    kind        TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    body        TEXT    NOT NULL
);
CREATE INDEX events_by_stream ON events (stream, seq);
CREATE INDEX events_by_patient ON events (patient_id, seq);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- CGM readings, one row per patient, source and UTC day (codec.rs).
CREATE TABLE readings (
    patient_id  TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    day         INTEGER NOT NULL,
    n           INTEGER NOT NULL,
    data        BLOB    NOT NULL,
    PRIMARY KEY (patient_id, day, source)
) WITHOUT ROWID;

-- Hash-chained audit log (audit.rs).
CREATE TABLE audit (
    seq         INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    patient_id  TEXT,
    target      TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE INDEX audit_by_patient ON audit (patient_id, seq);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Web sessions: only the SHA-256 digest of the token is stored.
CREATE TABLE sessions (
    token_digest TEXT    PRIMARY KEY,
    username     TEXT    NOT NULL,
    csrf         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Failed sign-ins, for throttling across nodes.
CREATE TABLE login_failures (
    key         TEXT    NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);
