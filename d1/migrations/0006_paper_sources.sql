-- What the writer read from each pick's paper (LaTeX e-print, else arXiv's HTML rendering, else only the
-- abstract), kept per arXiv id so that every reader's issue reuses one read: the e-print is fetched and
-- unpacked once per distinct pick, not once per reader. `data` is the PaperContext JSON (src/paper/types.ts).
CREATE TABLE paper_sources (
  arxiv_id   TEXT PRIMARY KEY,
  source     TEXT NOT NULL CHECK (source IN ('eprint', 'html', 'abstract')),
  data       TEXT NOT NULL,
  bytes_in   INTEGER,
  bytes_out  INTEGER,
  cpu_ms     REAL,
  read_at    TEXT NOT NULL
);
