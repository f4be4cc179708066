-- Every subscriber is a reader: a random id, a kind (the editor's public reader or a subscriber),
-- the state of its sign-up, its private feed slug, and the few profile facts the morning's
-- gathering needs without waking every reader's Durable Object.

-- 'pending': signed up, not yet confirmed (the profile waits in `pending_profile`);
-- 'active': gets an issue every morning; 'paused': kept, but no issue is built or sent.
ALTER TABLE readers ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
  CHECK (status IN ('pending', 'active', 'paused'));
ALTER TABLE readers ADD COLUMN kind TEXT NOT NULL DEFAULT 'subscriber' CHECK (kind IN ('public', 'subscriber'));
-- The profile given at sign-up, until the double opt-in makes the reader (then NULL).
ALTER TABLE readers ADD COLUMN pending_profile TEXT;
-- Random, unguessable: the reader's private issue pages and Atom feed live under /r/<feed_slug>/.
ALTER TABLE readers ADD COLUMN feed_slug TEXT;
CREATE UNIQUE INDEX readers_feed_slug ON readers (feed_slug);
-- The reader's arXiv categories and liked papers (canonical ids), mirrored from its Durable Object:
-- the morning's single gathering asks the sources for the union of them.
ALTER TABLE readers ADD COLUMN categories TEXT NOT NULL DEFAULT '[]';
ALTER TABLE readers ADD COLUMN liked TEXT NOT NULL DEFAULT '[]';
UPDATE readers SET status = CASE WHEN active = 1 THEN 'active' ELSE 'paused' END;

-- Reader-independent write-up fields (Domain, Time cost, Intuition, Concrete punch, Significance)
-- of one candidate on one day, written once and reused by every reader who gets that pick.
CREATE TABLE writeups (
  date          TEXT NOT NULL,
  candidate_id  TEXT NOT NULL,
  writer        TEXT NOT NULL,
  data          TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  PRIMARY KEY (date, candidate_id)
);

-- Author-talk and discussion look-ups of one candidate on one day (they spend external quota).
CREATE TABLE pick_lookups (
  date          TEXT NOT NULL,
  candidate_id  TEXT NOT NULL,
  talks         TEXT NOT NULL,
  discussion    TEXT,
  created_at    TEXT NOT NULL,
  PRIMARY KEY (date, candidate_id)
);
