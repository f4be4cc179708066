-- Daily Feed core schema: candidates, issues and their items, readers and subscriptions, pipeline runs.

CREATE TABLE readers (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  active      INTEGER NOT NULL DEFAULT 1
);

-- One row per canonical work; `data` is the canonical Candidate JSON (signals merged across sources).
CREATE TABLE candidates (
  id          TEXT PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('paper', 'tool', 'video', 'discussion')),
  title       TEXT NOT NULL,
  url         TEXT NOT NULL,
  published   TEXT,
  sources     TEXT NOT NULL,
  data        TEXT NOT NULL,
  first_seen  TEXT NOT NULL,
  last_seen   TEXT NOT NULL
);
CREATE INDEX candidates_last_seen ON candidates (last_seen);

-- Every alias (version, DOI, HF/S2 id) points at its canonical candidate.
CREATE TABLE candidate_aliases (
  alias         TEXT PRIMARY KEY,
  candidate_id  TEXT NOT NULL REFERENCES candidates (id) ON DELETE CASCADE
);

-- One issue per reader per day; `data` is the canonical Issue JSON that every channel renders.
CREATE TABLE issues (
  reader_id     TEXT NOT NULL REFERENCES readers (id),
  date          TEXT NOT NULL,
  title         TEXT NOT NULL,
  summary       TEXT NOT NULL,
  data          TEXT NOT NULL,
  run_id        TEXT,
  created_at    TEXT NOT NULL,
  PRIMARY KEY (reader_id, date)
);
CREATE INDEX issues_date ON issues (date DESC);

CREATE TABLE issue_items (
  reader_id     TEXT NOT NULL,
  date          TEXT NOT NULL,
  position      INTEGER NOT NULL,
  candidate_id  TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('paper', 'tool', 'video')),
  title         TEXT NOT NULL,
  url           TEXT NOT NULL,
  score         REAL,
  PRIMARY KEY (reader_id, date, position),
  FOREIGN KEY (reader_id, date) REFERENCES issues (reader_id, date) ON DELETE CASCADE
);
CREATE INDEX issue_items_candidate ON issue_items (candidate_id);

CREATE TABLE subscriptions (
  id            TEXT PRIMARY KEY,
  reader_id     TEXT NOT NULL REFERENCES readers (id),
  channel       TEXT NOT NULL CHECK (channel IN ('email', 'telegram')),
  address       TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('pending', 'active', 'unsubscribed', 'blocked')),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  UNIQUE (reader_id, channel, address)
);
CREATE INDEX subscriptions_status ON subscriptions (channel, status);

-- One row per pipeline run (a cron tick or a manual run): when, what each source gave, what failed.
CREATE TABLE pipeline_runs (
  id            TEXT PRIMARY KEY,
  date          TEXT NOT NULL,
  trigger       TEXT NOT NULL,
  started_at    TEXT NOT NULL,
  finished_at   TEXT,
  status        TEXT NOT NULL CHECK (status IN ('running', 'ok', 'degraded', 'failed')),
  source_counts TEXT NOT NULL DEFAULT '{}',
  errors        TEXT NOT NULL DEFAULT '[]',
  issues_built  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX pipeline_runs_date ON pipeline_runs (date DESC);
