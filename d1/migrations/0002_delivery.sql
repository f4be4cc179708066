-- Delivery: the ledger that makes every send happen once, captured mail for local use, and the
-- per-IP counter that rate-limits the subscribe form.

-- Double opt-in and deactivation bookkeeping on the core subscriptions table.
ALTER TABLE subscriptions ADD COLUMN confirmed_at TEXT;
ALTER TABLE subscriptions ADD COLUMN deactivated_reason TEXT;

-- One row per (issue, recipient, channel). A sender claims a row (status stays 'pending', a lease
-- is taken and `attempts` counted) before it sends and marks it 'sent' after; an expired lease
-- means the sender died between claim and mark, so the row is claimable again. `parts_sent`
-- lets a multi-message Telegram issue resume after the last message that went out.
CREATE TABLE deliveries (
  reader_id        TEXT NOT NULL,
  issue_date       TEXT NOT NULL,
  subscription_id  TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
  channel          TEXT NOT NULL CHECK (channel IN ('email', 'telegram')),
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  lease_until      TEXT,
  parts_sent       INTEGER NOT NULL DEFAULT 0,
  provider_id      TEXT,
  last_error       TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  sent_at          TEXT,
  PRIMARY KEY (reader_id, issue_date, subscription_id, channel)
);
CREATE INDEX deliveries_status ON deliveries (reader_id, issue_date, status);

-- Mail kept by the `capture` transport (EMAIL_TRANSPORT=capture), readable at /dev/mail.
CREATE TABLE captured_mail (
  id          TEXT PRIMARY KEY,
  created_at  TEXT NOT NULL,
  mail_from   TEXT NOT NULL,
  mail_to     TEXT NOT NULL,
  subject     TEXT NOT NULL,
  html        TEXT NOT NULL,
  text        TEXT NOT NULL,
  headers     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX captured_mail_created ON captured_mail (created_at DESC);

-- Subscribe attempts per client IP per UTC hour (`hour` = 'YYYY-MM-DDTHH').
CREATE TABLE subscribe_attempts (
  ip     TEXT NOT NULL,
  hour   TEXT NOT NULL,
  count  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (ip, hour)
);
