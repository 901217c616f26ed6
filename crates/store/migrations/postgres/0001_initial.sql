-- diapath schema, PostgreSQL. Times are seconds since 1970-01-01 UTC; JSON bodies are text
-- (parsed by the application; the database never interprets them).

CREATE TABLE documents (
    kind        TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    version     BIGINT  NOT NULL,
    patient_id  TEXT,
    org_code    TEXT,
    area_code   TEXT,
    body        TEXT    NOT NULL,
    updated_at  BIGINT  NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX documents_by_patient ON documents (kind, patient_id);
CREATE INDEX documents_by_org ON documents (kind, org_code);
CREATE INDEX documents_by_area ON documents (kind, area_code);

CREATE TABLE events (
    seq         BIGSERIAL PRIMARY KEY,
    stream      TEXT    NOT NULL,
    patient_id  TEXT,
    kind        TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    body        TEXT    NOT NULL
);
CREATE INDEX events_by_stream ON events (stream, seq);
CREATE INDEX events_by_patient ON events (patient_id, seq);

CREATE FUNCTION diapath_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION diapath_append_only();

CREATE TABLE readings (
    patient_id  TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    day         BIGINT  NOT NULL,
    n           BIGINT  NOT NULL,
    data        BYTEA   NOT NULL,
    PRIMARY KEY (patient_id, day, source)
);

CREATE TABLE audit (
    seq         BIGINT  PRIMARY KEY,
    at          BIGINT  NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    patient_id  TEXT,
    target      TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE INDEX audit_by_patient ON audit (patient_id, seq);
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION diapath_append_only();

CREATE TABLE sessions (
    token_digest TEXT    PRIMARY KEY,
    username     TEXT    NOT NULL,
    csrf         TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE login_failures (
    key         TEXT    NOT NULL,
    at          BIGINT  NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);
