-- An issue never changes after it is built, and typesetting its math (KaTeX) is the costliest part of
-- serving its page: the rendered content is stored once, on first request, and served from here.
-- `variant` names what rendered it (renderer version, site URL and signing key fingerprints); a
-- different variant re-renders and replaces the row.
CREATE TABLE issue_pages (
  reader_id   TEXT NOT NULL,
  date        TEXT NOT NULL,
  variant     TEXT NOT NULL,
  html        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (reader_id, date),
  FOREIGN KEY (reader_id, date) REFERENCES issues (reader_id, date) ON DELETE CASCADE
);
