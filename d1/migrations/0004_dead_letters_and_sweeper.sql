-- Nothing stuck, nothing silently dropped: the dead-letter record and what the sweeper reads.

-- One row per queue job (kind + reader + date [+ subscription + channel]) that failed at least once.
-- The pipeline's consumer counts each failed attempt here with its error; the dead-letter queue's
-- consumer stamps `dead_at` when the job ran out of retries. Keyed by job, so a job that dies on
-- every sweep stays one row (its `deaths` grows) instead of one row per death.
CREATE TABLE dead_letters (
  job              TEXT PRIMARY KEY,
  kind             TEXT NOT NULL CHECK (kind IN ('build', 'deliver', 'unknown')),
  reader_id        TEXT,
  issue_date       TEXT,
  subscription_id  TEXT,
  channel          TEXT,
  body             TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT,
  deaths           INTEGER NOT NULL DEFAULT 0,
  first_failed_at  TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  dead_at          TEXT
);
CREATE INDEX dead_letters_dead ON dead_letters (dead_at DESC) WHERE dead_at IS NOT NULL;

-- One row per issue whose delivery was fanned out (ledger seeded and every pending row queued).
-- A reader without one for the day is what the sweeper builds (or re-fans out): an issue stored
-- just before a crash, with no ledger rows yet, is found here and not only by its absence.
CREATE TABLE delivery_fanouts (
  reader_id   TEXT NOT NULL,
  issue_date  TEXT NOT NULL,
  queued_at   TEXT NOT NULL,
  -- Day first: the sweeper reads one day's rows.
  PRIMARY KEY (issue_date, reader_id)
);

-- The sweeper's question "which deliveries of the day are still pending" is a range on this index;
-- when nothing is pending it reads no row. (Not `updated_at` too: every claim would then rewrite an
-- index entry; this one changes once per delivery, when its status does.)
CREATE INDEX deliveries_sweep ON deliveries (issue_date, status);
