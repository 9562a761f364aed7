// Schema migrations, versioned in code. Step i brings the database to user_version i+1;
// each step runs in its own transaction together with the user_version bump, so a crash
// mid-migration leaves the previous version intact. Never edit a shipped step: append one.
//
// Layout notes:
// - runs have an integer key (`n`) used by the big child tables, so 10 M outcome rows do not
//   each repeat a 36-byte UUID; the public run id is `runs.id`.
// - requests: one row per attempt, keyed by (run, session, request_id, attempt), so a resumed
//   run whose engine numbers its requests from 1 again never overwrites the first session's
//   attempts; `n` gives log order.
// - record outcomes: a million succeeded records must not cost a million row inserts, so
//   succeeded records are stored per settling event (settled_batches: packed seqs, keys
//   only when they differ from the request's), and only failures get a row each
//   (record_failures), replaced or deleted by a later outcome (resume, retry-failed).

export const MIGRATIONS: readonly string[] = [
  // 1: initial schema
  `
  CREATE TABLE destinations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    config      TEXT NOT NULL,              -- JSON, secrets as \${env:NAME} references
    secrets     BLOB,                       -- encrypted JSON (scheme 'encrypted') or JSON of env refs ('refs')
    secrets_scheme TEXT CHECK (secrets_scheme IN ('encrypted', 'refs')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
  );
  CREATE INDEX destinations_by_name ON destinations(name);

  CREATE TABLE sample_sets (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    count       INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
  );
  CREATE TABLE samples (
    set_id      TEXT NOT NULL REFERENCES sample_sets(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    json        TEXT NOT NULL,
    PRIMARY KEY (set_id, seq)
  ) WITHOUT ROWID;

  CREATE TABLE runs (
    n                  INTEGER PRIMARY KEY,
    id                 TEXT NOT NULL UNIQUE,
    created_at         INTEGER NOT NULL,
    started_at         INTEGER,
    finished_at        INTEGER,
    destination        TEXT NOT NULL,
    audience           TEXT NOT NULL,
    config             TEXT NOT NULL,       -- as the user gave it: \${env:…} unresolved
    input_path         TEXT,
    input_size         INTEGER,
    input_mtime_ms     REAL,
    input_prefix_hash  TEXT,
    status             TEXT NOT NULL DEFAULT 'running'
                       CHECK (status IN ('running', 'succeeded', 'partial', 'failed', 'aborted')),
    records_total      INTEGER NOT NULL DEFAULT 0,
    records_succeeded  INTEGER NOT NULL DEFAULT 0,
    records_failed     INTEGER NOT NULL DEFAULT 0,
    requests_sent      INTEGER NOT NULL DEFAULT 0,
    requests_retried   INTEGER NOT NULL DEFAULT 0,
    remote_audience    TEXT,                -- JSON
    error              TEXT,
    batch_span         INTEGER NOT NULL DEFAULT 0  -- widest settled_batches row: max_seq - min_seq
  );
  CREATE INDEX runs_by_created ON runs(created_at, n);

  CREATE TABLE requests (
    n                 INTEGER PRIMARY KEY,
    run               INTEGER NOT NULL REFERENCES runs(n) ON DELETE CASCADE,
    session           INTEGER NOT NULL DEFAULT 1,   -- 1 for the first run, +1 per resume / retry-failed
    request_id        TEXT NOT NULL,
    step              TEXT NOT NULL,
    attempt           INTEGER NOT NULL,
    method            TEXT NOT NULL DEFAULT '',
    url               TEXT NOT NULL DEFAULT '',
    request_headers   TEXT NOT NULL DEFAULT '{}',   -- JSON, redacted
    request_body      TEXT,
    record_keys       TEXT NOT NULL DEFAULT '[]',   -- JSON array
    record_count      INTEGER NOT NULL DEFAULT 0,
    started_at        INTEGER,
    answered_at       INTEGER,
    status            INTEGER,                      -- HTTP status; NULL when no response
    response_headers  TEXT,                         -- JSON, redacted
    response_body     TEXT,
    body_bytes        INTEGER,                      -- size of the whole response body
    truncated         INTEGER NOT NULL DEFAULT 0,   -- 1 when response_body was cut
    ttfb_ms           REAL,
    total_ms          REAL,
    error_kind        TEXT,
    error_message     TEXT,
    failed            INTEGER NOT NULL DEFAULT 0,   -- no response, or a status outside 2xx
    retry_delay_ms    REAL,                         -- delay before the next attempt
    retry_reason      TEXT,
    UNIQUE (run, session, request_id, attempt)
  );
  CREATE INDEX requests_by_run ON requests(run, n);
  CREATE INDEX requests_failed_by_run ON requests(run, n) WHERE failed = 1;  -- failures are few: most inserts skip it

  -- Succeeded records, compactly: one row per records-settled event (a request's
  -- acknowledged records), not one per record. A seq's outcome is its failure row when it
  -- has one (a later success deletes it), else the latest batch that holds it.
  CREATE TABLE settled_batches (
    n           INTEGER PRIMARY KEY,
    run         INTEGER NOT NULL REFERENCES runs(n) ON DELETE CASCADE,
    request_n   INTEGER,                    -- requests.n of the attempt that settled them
    request_id  TEXT,                       -- only when that attempt was not recorded
    min_seq     INTEGER NOT NULL,
    max_seq     INTEGER NOT NULL,
    seqs        BLOB NOT NULL,              -- int32 little-endian, in event order
    keys        TEXT,                       -- JSON array per seq; NULL = the request's record_keys
    action      TEXT,                       -- when every record has the same action
    actions     TEXT,                       -- otherwise one '+' (add) or '-' (remove) per seq
    line_offset INTEGER,                    -- line = seq + line_offset for every seq
    lines       BLOB,                       -- otherwise int32 per seq (-1 = unknown)
    settled_at  INTEGER NOT NULL
  );
  CREATE INDEX settled_batches_by_seq ON settled_batches(run, min_seq, max_seq);

  -- One row per record whose latest outcome is a failure.
  CREATE TABLE record_failures (
    run         INTEGER NOT NULL REFERENCES runs(n) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    key         TEXT,
    action      TEXT,
    reason      TEXT NOT NULL,
    location    TEXT,                       -- where a record failed before sending: file:line, field
    request_n   INTEGER,                    -- requests.n of the attempt that settled it
    request_id  TEXT,                       -- only when that attempt was not recorded
    line        INTEGER,
    settled_at  INTEGER NOT NULL,
    PRIMARY KEY (run, seq)
  ) WITHOUT ROWID;
  CREATE INDEX record_failures_by_key ON record_failures(run, key);
  `,
  // 2: the run lease (one process drives a run): who holds it and when it was last renewed.
  // lease_token NULL = nobody holds it; the owner columns stay as the last holder, so a run
  // left 'running' by a holder that let go (or died) can be told from a pre-lease one.
  `
  ALTER TABLE runs ADD COLUMN lease_token TEXT;
  ALTER TABLE runs ADD COLUMN lease_pid INTEGER;
  ALTER TABLE runs ADD COLUMN lease_host TEXT;
  ALTER TABLE runs ADD COLUMN lease_proc_start TEXT;     -- the holder's process start, when the OS tells (pid reuse)
  ALTER TABLE runs ADD COLUMN lease_heartbeat_at INTEGER;
  `,
  // 3: skipped records counted per run (a disabled step's records, or no action), and
  // records an answer acknowledged by count without naming them (DESIGN invariant 4):
  // counted as succeeded (records_unconfirmed of records_succeeded) but stored as a
  // failure row marked unconfirmed, which resume and retry-failed send again.
  `
  ALTER TABLE runs ADD COLUMN records_skipped INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE runs ADD COLUMN records_unconfirmed INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE record_failures ADD COLUMN unconfirmed INTEGER NOT NULL DEFAULT 0;
  `,
  // 4: the config file a run came from, so a resume can re-read literal secrets the stored
  // config has masked (invariant 6), refusing a file that changed since. Runs recorded
  // before kept literal secrets in clear: masked here (client secret, secret-named headers
  // in the object form, as engine/redact.ts names them), their old bytes overwritten
  // (secure_delete); such a run has no file on record and cannot be resumed.
  `
  PRAGMA secure_delete = ON;
  ALTER TABLE runs ADD COLUMN config_path TEXT;
  ALTER TABLE runs ADD COLUMN config_sha256 TEXT;
  UPDATE runs SET config = json_set(config, '$.destination.oauth.clientSecret', '●●●●')
   WHERE json_valid(config)
     AND json_type(config, '$.destination.oauth.clientSecret') = 'text'
     AND json_extract(config, '$.destination.oauth.clientSecret') NOT IN ('', '●●●●')
     AND json_extract(config, '$.destination.oauth.clientSecret') NOT LIKE '%\${env:%';
  UPDATE runs SET config = json_set(config, '$.destination.headers', json((
      SELECT json_group_object(h.key, CASE
        WHEN h.type = 'text' AND h.value <> '' AND h.value NOT LIKE '%\${env:%' AND (
          h.key LIKE 'cookie' OR h.key LIKE 'set-cookie' OR h.key LIKE 'apikey'
          OR h.key LIKE 'key%' OR h.key LIKE '%-key%' OR h.key LIKE 'token%' OR h.key LIKE '%-token%'
          OR h.key LIKE 'secret%' OR h.key LIKE '%-secret%' OR h.key LIKE 'password%' OR h.key LIKE '%-password%'
          OR h.key LIKE 'auth%' OR h.key LIKE '%-auth%')
        THEN '●●●●' ELSE h.value END)
      FROM json_each(runs.config, '$.destination.headers') AS h)))
   WHERE json_valid(config) AND json_type(config, '$.destination.headers') = 'object';
  -- The string form h1:v1,h2:v2 cannot be split here: one naming a secret-looking header
  -- with no reference in it is replaced whole by a masked Authorization (so a resume sees
  -- masked secrets and refuses).
  UPDATE runs SET config = json_set(config, '$.destination.headers', 'Authorization:●●●●')
   WHERE json_valid(config) AND json_type(config, '$.destination.headers') = 'text'
     AND json_extract(config, '$.destination.headers') NOT LIKE '%\${env:%'
     AND json_extract(config, '$.destination.headers') NOT LIKE '%●●●●%'
     AND (json_extract(config, '$.destination.headers') LIKE '%key%' OR json_extract(config, '$.destination.headers') LIKE '%token%'
       OR json_extract(config, '$.destination.headers') LIKE '%secret%' OR json_extract(config, '$.destination.headers') LIKE '%password%'
       OR json_extract(config, '$.destination.headers') LIKE '%auth%' OR json_extract(config, '$.destination.headers') LIKE '%cookie%');
  PRAGMA secure_delete = OFF;
  `,
  // 5: environments (issue 13): named sets of variables a studio workspace resolves
  // `${env:…}` against. Plain values rest as text; secret ones only encrypted (the OS
  // crypto), or not at all (session-only: the row says the variable exists, its value lives
  // in the studio's memory). A run started from the studio records the environment's name
  // so resume uses the same one.
  `
  CREATE TABLE environments (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    selected    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
  );
  CREATE TABLE environment_variables (
    env_id      TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    secret      INTEGER NOT NULL DEFAULT 0,
    value       TEXT,                       -- plain variables only
    cipher      BLOB,                       -- secret variables: the OS-encrypted value
    session_only INTEGER NOT NULL DEFAULT 0, -- secret kept in memory for one session, never saved
    position    INTEGER NOT NULL,
    PRIMARY KEY (env_id, name)
  );
  CREATE TABLE run_environments (
    run_id      TEXT PRIMARY KEY,
    environment TEXT NOT NULL
  );
  `,
  // 6: what a run was started with besides its config file and input (issue 11, the CLI on
  // a laptop): the record selection (--limit, --only-key), the field overrides (--set, their
  // values as the stored config holds them: secrets masked) and the env files' paths (never
  // their values), as JSON; resume and retry-failed apply them again. NULL: none.
  `
  ALTER TABLE runs ADD COLUMN options TEXT;
  `,
  // 7: membership diff (issue 12). sync_members is the last delivered membership of a
  // destination + audience (sync_sets): key, a hash of the mapped record and the record
  // itself (what a later remove renders as `user`). A diff run stages its input's keys and
  // hashes (sync_staged) and the members it will remove (sync_removals, with their records),
  // both per run and frozen once classified, so resume and retry-failed send the same
  // difference; the recorder moves sync_members in the commit of each outcome.
  `
  CREATE TABLE sync_sets (
    n           INTEGER PRIMARY KEY,
    destination TEXT NOT NULL,
    audience    TEXT NOT NULL,
    identity    TEXT NOT NULL,                -- how members are told apart: records.key and the shard count
    created_at  INTEGER NOT NULL,
    UNIQUE (destination, audience)
  );
  CREATE TABLE sync_members (
    set_n       INTEGER NOT NULL REFERENCES sync_sets(n) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    hash        BLOB NOT NULL,                -- 16 bytes of SHA-256 over the canonical JSON; empty: in doubt
    record      TEXT NOT NULL,                -- the mapped record as JSON
    PRIMARY KEY (set_n, key)
  ) WITHOUT ROWID;
  CREATE TABLE sync_stagings (
    n           INTEGER PRIMARY KEY,
    set_n       INTEGER NOT NULL REFERENCES sync_sets(n) ON DELETE CASCADE,
    run         INTEGER REFERENCES runs(n) ON DELETE CASCADE,  -- NULL: a dry run's or a preview's
    shard       TEXT,                         -- "i/N" for a shard's run: shards of one N own disjoint keys
    status      TEXT NOT NULL DEFAULT 'staging' CHECK (status IN ('staging', 'classified', 'superseded')),
    input_items INTEGER,                      -- the input's seqs; removes are numbered from here
    added       INTEGER NOT NULL DEFAULT 0,
    changed     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    removed     INTEGER NOT NULL DEFAULT 0,
    duplicates  INTEGER NOT NULL DEFAULT 0,
    kept        INTEGER NOT NULL DEFAULT 0,   -- keys of records that failed: their members are left as they are
    removals_held TEXT,                       -- why no remove was planned (unreadable rows), or NULL
    created_at  INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX sync_stagings_by_run ON sync_stagings(run) WHERE run IS NOT NULL;
  CREATE TABLE sync_staged (
    staging     INTEGER NOT NULL REFERENCES sync_stagings(n) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    key         TEXT NOT NULL,
    hash        BLOB,
    line        INTEGER NOT NULL,
    class       INTEGER NOT NULL DEFAULT 0,   -- 0 staged, 1 added, 2 changed, 3 unchanged, 4 duplicate, 5 kept
    PRIMARY KEY (staging, seq)
  ) WITHOUT ROWID;
  CREATE INDEX sync_staged_by_key ON sync_staged(staging, key, seq);
  CREATE TABLE sync_removals (
    staging     INTEGER NOT NULL REFERENCES sync_stagings(n) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    key         TEXT NOT NULL,
    record      TEXT NOT NULL,
    PRIMARY KEY (staging, seq)
  ) WITHOUT ROWID;
  `,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
