/** What a pipeline run reports about one source. */
export interface SourceCount {
  candidates: number;
  failures: number;
  quiet: boolean;
}

export interface RunError {
  source: string;
  kind: string;
  message: string;
  status?: number;
}

export interface PipelineRun {
  id: string;
  date: string;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  status: "running" | "ok" | "degraded" | "failed";
  sourceCounts: Record<string, SourceCount>;
  errors: RunError[];
  issuesBuilt: number;
}

interface RawRun {
  id: string;
  date: string;
  trigger: string;
  started_at: string;
  finished_at: string | null;
  status: PipelineRun["status"];
  source_counts: string;
  errors: string;
  issues_built: number;
}

function toRun(r: RawRun): PipelineRun {
  return {
    id: r.id,
    date: r.date,
    trigger: r.trigger,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    sourceCounts: JSON.parse(r.source_counts) as Record<string, SourceCount>,
    errors: JSON.parse(r.errors) as RunError[],
    issuesBuilt: r.issues_built,
  };
}

/** Opens a run record. */
export async function startRun(
  db: D1Database,
  id: string,
  date: string,
  trigger: string,
  now: Date,
): Promise<void> {
  await db
    .prepare(
      "INSERT INTO pipeline_runs (id, date, trigger, started_at, status) VALUES (?, ?, ?, ?, 'running')",
    )
    .bind(id, date, trigger, now.toISOString())
    .run();
}

/** Records what ingestion found; the run stays open until its issues are built. */
export async function recordIngest(
  db: D1Database,
  id: string,
  counts: Record<string, SourceCount>,
  errors: RunError[],
): Promise<void> {
  await db
    .prepare("UPDATE pipeline_runs SET source_counts = ?, errors = ?, status = ? WHERE id = ?")
    .bind(JSON.stringify(counts), JSON.stringify(errors), errors.length > 0 ? "degraded" : "ok", id)
    .run();
}

/** Closes a run; `status` overrides the ingest status only when it is worse. */
export async function finishRun(
  db: D1Database,
  id: string,
  now: Date,
  status?: "failed",
  error?: RunError,
): Promise<void> {
  if (status === "failed") {
    await db
      .prepare(
        "UPDATE pipeline_runs SET finished_at = ?, status = 'failed', errors = json_insert(errors, '$[#]', json(?)) WHERE id = ?",
      )
      .bind(now.toISOString(), JSON.stringify(error ?? {}), id)
      .run();
    return;
  }
  await db.prepare("UPDATE pipeline_runs SET finished_at = ? WHERE id = ?").bind(now.toISOString(), id).run();
}

/** Counts one more issue built by this run. */
export async function countIssueBuilt(db: D1Database, id: string): Promise<void> {
  await db.prepare("UPDATE pipeline_runs SET issues_built = issues_built + 1 WHERE id = ?").bind(id).run();
}

export async function getRun(db: D1Database, id: string): Promise<PipelineRun | null> {
  const row = await db.prepare("SELECT * FROM pipeline_runs WHERE id = ?").bind(id).first<RawRun>();
  return row ? toRun(row) : null;
}

/** The newest runs, newest first. */
export async function recentRuns(db: D1Database, limit: number): Promise<PipelineRun[]> {
  const { results } = await db
    .prepare("SELECT * FROM pipeline_runs ORDER BY started_at DESC LIMIT ?")
    .bind(limit)
    .all<RawRun>();
  return results.map(toRun);
}
