-- The CSDB catalog: a cache of every object's identity and references, rebuilt from the files at will.
PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS objects (
    path TEXT PRIMARY KEY,          -- relative to the CSDB root, '/' separated
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,      -- a file replaced by one of the same size and mtime has a new ctime
    error TEXT,                     -- why the file could not be read; identity columns are then empty
    error_line INTEGER,
    kind TEXT,
    key TEXT,
    issue TEXT,
    in_work INTEGER NOT NULL DEFAULT 0,
    language TEXT,
    title TEXT,
    issue_date TEXT,
    issue_type TEXT,
    security TEXT,
    qa TEXT,
    qa_type TEXT,
    content_type TEXT,
    schema TEXT,
    schema_url TEXT,
    s1000d_issue TEXT,
    applic TEXT,
    model TEXT,
    system TEXT,
    info_code TEXT,
    expected_name TEXT,
    latest INTEGER NOT NULL DEFAULT 0  -- 1 for the highest issue of its key and language
);
CREATE INDEX IF NOT EXISTS objects_key ON objects (key, language);

CREATE TABLE IF NOT EXISTS refs (
    path TEXT NOT NULL REFERENCES objects (path) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    line INTEGER,
    issue TEXT,
    language TEXT
);
CREATE INDEX IF NOT EXISTS refs_path ON refs (path);
CREATE INDEX IF NOT EXISTS refs_target ON refs (target);
