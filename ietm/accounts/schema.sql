-- Accounts of one ietm server. Passwords are Argon2id hashes; sessions are server-side, so logout and
-- password changes end them at once.
PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('technician', 'writer', 'qa', 'admin')),
    clearance TEXT NOT NULL DEFAULT '01',   -- highest S1000D security classification the user may read
    password TEXT NOT NULL,                 -- argon2id hash
    created TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,               -- sha256 of the cookie value; the value itself is never stored
    user TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    expires REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS login_failures (
    who TEXT NOT NULL,                      -- client address or user name
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_who ON login_failures (who, at);
