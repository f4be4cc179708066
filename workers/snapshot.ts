/**
 * The day's pool, snapshotted once per run in Workers KV (binding DAY_SNAPSHOTS) so that each
 * build job does not re-read ~1,700 candidate rows (~3 MB) from D1: with 10,000 readers that is
 * 17 million D1 rows a morning against one KV write and one KV read per isolate.
 *
 * Why KV: the snapshot is written once and read by many isolates in many places, which is what KV
 * is made for (values up to 25 MiB, reads served from the edge cache); R2 would serve every isolate's
 * read from the bucket's region, and D1 rows are capped at 2 MB. KV is eventually consistent, so a
 * build job that finds no snapshot yet (or a Worker without the binding) reads D1 as before.
 */
import { z } from "zod";
import { Candidate } from "../src/candidate";

const Snapshot = z.array(Candidate);

function keyOf(date: string, runId: string): string {
  return `day/${date}/${runId}`;
}

/** The KV namespace, when the binding is configured. */
function store(env: Env): KVNamespace | undefined {
  return (env as { DAY_SNAPSHOTS?: KVNamespace }).DAY_SNAPSHOTS;
}

/** Writes the run's pool; it expires after two days (rebuilds read D1). */
export async function saveDaySnapshot(
  env: Env,
  date: string,
  runId: string,
  day: Candidate[],
): Promise<void> {
  const kv = store(env);
  if (!kv) return;
  await kv.put(keyOf(date, runId), JSON.stringify(day), { expirationTtl: 2 * 86_400 });
}

/** The run's pool, or undefined when there is no snapshot (not yet visible, expired, no binding). */
export async function loadDaySnapshot(
  env: Env,
  date: string,
  runId: string,
): Promise<Candidate[] | undefined> {
  const kv = store(env);
  if (!kv) return undefined;
  const text = await kv.get(keyOf(date, runId), "text");
  if (text === null) return undefined;
  const parsed = Snapshot.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}
