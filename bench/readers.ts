/**
 * `npm run bench:readers`: the cost of a morning at 1,000 and 10,000 readers on the recorded day,
 * each figure as a ratio to parsing the day (the arXiv listing + Hugging Face daily papers, parsed,
 * normalized and merged). Readers are new subscribers whose three interests are real text (arXiv
 * category names and recorded paper titles, test/support/reader-interests.ts).
 *
 * Per reader it runs what a build job runs in the Worker after the day's pool is in the isolate:
 * the seen-set check over every identity key of the day (as ReaderState.filterUnseen does), the
 * reader model, scoring on the shared prepared corpus, selection, the write-ups through the shared
 * write-up store (only "Why it matches" per reader) and issue assembly. CPU is measured
 * (process.cpuUsage); writer calls are counted; D1 rows are counted from the statements the
 * Worker's build job issues (workers/pipeline.ts), not metered by D1.
 *
 *   npm run bench:readers [-- --readers 1000,10000]
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { Candidate } from "../src/candidate";
import { canonicalId, identityKeys, mergeCandidates } from "../src/identity";
import { composeIssue } from "../src/pipeline";
import { prepareCorpus, readerModelFromProfile } from "../src/scoring/index";
import { profileForReader } from "../src/signup";
import { parsePayload } from "../src/sources/index";
import { deterministicWriter } from "../src/writeup/deterministic";
import { memoryWriteupStore, type SharedWriterStats, sharedWriter } from "../src/writeup/shared";
import { readerInterests } from "../test/support/reader-interests";

const root = path.resolve(import.meta.dirname, "..");
const DATE = "2024-11-28";
const NOW = new Date(`${DATE}T06:00:00Z`);
const arg = process.argv.indexOf("--readers");
const counts = (arg > 0 ? (process.argv[arg + 1] ?? "") : "1000,10000").split(",").map(Number);

const payloads: [string, "arxiv" | "huggingface"][] = [
  ["test/fixtures/arxiv_rss_multi_archive_2024-11-28.xml", "arxiv"],
  ["test/fixtures/hf_api_daily_papers_2024-10-25.json", "huggingface"],
];
const texts = payloads.map(
  ([file, source]) => [readFileSync(path.join(root, file), "utf8"), source] as const,
);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function parseDay(): Candidate[] {
  const all: Candidate[] = [];
  for (const [body, source] of texts) {
    const parsed = parsePayload(source, body);
    if (!parsed.ok) throw new Error(parsed.error.message);
    all.push(...parsed.candidates);
  }
  return mergeCandidates(all);
}

/** Median CPU of `reps` runs of `run`, after one warm-up. */
function medianCpu<T>(run: () => T, reps = 7): { ms: number; value: T } {
  let value = run();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = cpuMs();
    value = run();
    times.push(cpuMs() - start);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] ?? 0, value };
}

const parse = medianCpu(parseDay);
const day = parse.value;
const corpusCost = medianCpu(() => prepareCorpus(day), 3);
const corpus = corpusCost.value;
const snapshotText = JSON.stringify(day);
// As workers/snapshot.ts reads it: JSON, then validated.
const snapshotCost = medianCpu(() => z.array(Candidate).parse(JSON.parse(snapshotText)), 5);
const keys = day.map((c) => identityKeys(c));
const titles = (JSON.parse(texts[1]?.[0] ?? "[]") as { paper: { title: string } }[]).map(
  (d) => d.paper.title,
);

const ratio = (ms: number) => (ms / parse.ms).toFixed(3);
console.log(
  `day: ${day.length} candidates; parsing it: ${parse.ms.toFixed(0)} ms CPU (= 1.000); preparing the corpus once: ${corpusCost.ms.toFixed(0)} ms (${ratio(corpusCost.ms)}); reading the snapshot (${(snapshotText.length / 1e6).toFixed(1)} MB JSON) once per isolate: ${snapshotCost.ms.toFixed(0)} ms (${ratio(snapshotCost.ms)})\n`,
);

interface Row {
  readers: number;
  cpuPerReader: number;
  d1ReadPerReader: number;
  d1ReadWithoutSnapshot: number;
  d1WrittenPerReader: number;
  writerCallsPerReader: number;
  writerCalls: number;
  distinctPicks: number;
  picks: number;
  morning: number;
}

async function morning(readers: number): Promise<Row> {
  const store = memoryWriteupStore();
  const stats: SharedWriterStats = { written: 0, reused: 0 };
  const writer = sharedWriter(deterministicWriter, store, DATE, stats);
  const lookups = new Set<string>();
  let reads = 0;
  let written = 0;
  let picks = 0;
  const distinct = new Set<string>();
  const start = cpuMs();
  for (let i = 0; i < readers; i++) {
    const id = `r${i.toString(16).padStart(32, "0")}`;
    const profile = profileForReader(
      id,
      { interests: readerInterests(i, titles), categories: [], references: [] },
      null,
    );
    // ReaderState.filterUnseen: every key canonicalized and looked up in the reader's seen set.
    const seen = new Set<string>();
    const unseen = keys.map((ks) => !ks.some((k) => seen.has(canonicalId(k) ?? k)));
    const pool = day.filter((_, d) => unseen[d]);
    const composed = await composeIssue({
      readerId: id,
      date: DATE,
      now: NOW,
      pool,
      corpus,
      model: readerModelFromProfile(profile, [], []),
      profile,
      rules: [],
      feedback: [],
      failures: [],
      quiet: [],
      writer,
      lookups: { authorTalks: async () => [], discussion: async () => undefined },
    });
    const items = composed.issue.items.length;
    picks += items;
    for (const item of composed.issue.items) distinct.add(item.candidateId);
    // Reads: existing-issue check, previous issue, the run's row, then per pick its shared write-up
    // and its look-ups (D1 rows; the pool itself comes from the snapshot).
    reads += 3 + 2 * items;
    // Writes: the issue, its items and videos, the gather hints (2), the run counter, and the
    // write-ups and look-ups this job was the first to make.
    const newLookups = composed.issue.items.filter((it) => !lookups.has(it.candidateId)).length;
    for (const it of composed.issue.items) lookups.add(it.candidateId);
    written += 1 + items + composed.issue.videos.length + 2 + 1 + newLookups;
  }
  const cpu = cpuMs() - start;
  written += stats.written;
  return {
    readers,
    cpuPerReader: cpu / readers,
    d1ReadPerReader: reads / readers,
    d1ReadWithoutSnapshot: reads / readers + day.length,
    d1WrittenPerReader: written / readers,
    writerCallsPerReader: stats.written / readers,
    writerCalls: stats.written,
    distinctPicks: distinct.size,
    picks,
    morning: parse.ms + corpusCost.ms + snapshotCost.ms + cpu,
  };
}

const rows: Row[] = [];
for (const n of counts) rows.push(await morning(n));

console.log(
  "readers  CPU/reader (×parse)   D1 rows read/reader  (no snapshot)  D1 rows written/reader  writer calls/reader (total = distinct picks)  morning CPU (×parse)",
);
for (const r of rows) {
  console.log(
    `${String(r.readers).padStart(7)}  ${r.cpuPerReader.toFixed(1).padStart(6)} ms (${ratio(r.cpuPerReader)})  ${r.d1ReadPerReader.toFixed(1).padStart(19)}  ${r.d1ReadWithoutSnapshot.toFixed(0).padStart(13)}  ${r.d1WrittenPerReader.toFixed(1).padStart(22)}  ${r.writerCallsPerReader.toFixed(4).padStart(19)} (${r.writerCalls} = ${r.distinctPicks} of ${r.picks} picks)  ${(r.morning / 1000).toFixed(1).padStart(7)} s (${ratio(r.morning)})`,
  );
}
const worst = Math.max(...rows.map((r) => r.cpuPerReader / parse.ms));
console.log(
  `\nmarginal reader: ${worst.toFixed(3)}× parsing the day (goal ≤ 0.2×): ${worst <= 0.2 ? "met" : "NOT met"}; writer calls = distinct picks: ${rows.every((r) => r.writerCalls === r.distinctPicks) ? "yes" : "no"}`,
);
console.log(
  "D1 writes per reader do not include delivery (one ledger row per subscription, as before); the DO's own SQLite work is in neither column.",
);
