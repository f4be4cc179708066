/**
 * `npm run eval`: ranking quality of the default scorer against simple baselines, side by side, on
 * real candidates (the recorded 1,504-item arXiv day + the Hugging Face daily papers) labelled for
 * the demo reader by reading (bench/eval/labels.json: 0/1/2 with a one-line reason each).
 *
 * Metrics over the whole pool (unlabelled items count as not relevant): nDCG@10 (graded gains
 * 2^rel − 1), P@10, recall@10 and recall@50 (relevant = label ≥ 1), MAP, and the rank of the
 * first label-2 item.
 *
 * A second profile is a new reader far from the demo reader's field: three interest lines about
 * gravitational waves, dark matter in galaxies and cosmological constraints, nothing else (no
 * references, no feedback), labelled by reading the day's astro-ph and gr-qc abstracts
 * (bench/eval/labels-cosmology.json). The scorer was not tuned on it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Candidate } from "../src/candidate";
import { demoFeedback, demoProfile, demoRules } from "../src/demo-profile";
import { mergeCandidates } from "../src/identity";
import { ReaderProfile } from "../src/profile";
import { type ReaderModel, rankCandidatesSync, readerModelFromProfile } from "../src/scoring/index";
import { dot, type TermVector, termCounts, tokenize, unit } from "../src/scoring/terms";
import { parsePayload } from "../src/sources/index";

const root = path.resolve(import.meta.dirname, "..");
const NOW = new Date("2024-11-28T12:00:00Z");

const Labels = z.object({
  profile: ReaderProfile.optional(),
  labels: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      label: z.union([z.literal(0), z.literal(1), z.literal(2)]),
      why: z.string().min(3),
    }),
  ),
});

function loadPool(): Candidate[] {
  const files: [string, "arxiv" | "huggingface"][] = [
    ["test/fixtures/arxiv_rss_multi_archive_2024-11-28.xml", "arxiv"],
    ["test/fixtures/hf_api_daily_papers_2024-10-25.json", "huggingface"],
  ];
  const all: Candidate[] = [];
  for (const [file, source] of files) {
    const parsed = parsePayload(source, readFileSync(path.join(root, file), "utf8"));
    if (!parsed.ok) throw new Error(`${file}: ${parsed.error.message}`);
    all.push(...parsed.candidates);
  }
  return mergeCandidates(all);
}

interface Metrics {
  ndcg10: number;
  p10: number;
  recall10: number;
  recall50: number;
  map: number;
  firstStrong: number;
}

function evaluate(rankedIds: string[], labels: Map<string, number>): Metrics {
  const gain = (id: string) => 2 ** (labels.get(id) ?? 0) - 1;
  const dcg = (ids: string[]) => ids.slice(0, 10).reduce((s, id, i) => s + gain(id) / Math.log2(i + 2), 0);
  const ideal = [...labels.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  const relevant = new Set([...labels.entries()].filter(([, l]) => l >= 1).map(([id]) => id));
  const hits = (k: number) => rankedIds.slice(0, k).filter((id) => relevant.has(id)).length;
  let found = 0;
  let apSum = 0;
  rankedIds.forEach((id, i) => {
    if (relevant.has(id)) {
      found++;
      apSum += found / (i + 1);
    }
  });
  return {
    ndcg10: dcg(rankedIds) / dcg(ideal),
    p10: hits(10) / 10,
    recall10: hits(10) / relevant.size,
    recall50: hits(50) / relevant.size,
    map: apSum / relevant.size,
    firstStrong: rankedIds.findIndex((id) => labels.get(id) === 2) + 1,
  };
}

/** Baseline 1: how many of the interests' words a candidate contains (no weighting at all). */
function keywordOverlap(pool: Candidate[], model: ReaderModel): string[] {
  const words = new Set(model.profile.interests.flatMap((s) => tokenize(s)));
  return pool
    .map((c) => {
      const tokens = new Set(tokenize(`${c.title} ${c.summary}`));
      let n = 0;
      for (const w of words) if (tokens.has(w)) n++;
      return { id: c.id, s: n };
    })
    .sort((a, b) => b.s - a.s || a.id.localeCompare(b.id))
    .map((x) => x.id);
}

/** Baseline 2: plain TF-IDF cosine of each candidate with the interests (max over interests). */
function plainTfIdf(pool: Candidate[], model: ReaderModel): string[] {
  const docs = pool.map((c) => termCounts(`${c.title} ${c.summary}`));
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = (t: string) => Math.log((docs.length + 1) / ((df.get(t) ?? 0) + 1));
  const vec = (counts: Map<string, number>): TermVector => {
    const v: TermVector = new Map();
    for (const [t, n] of counts) v.set(t, (1 + Math.log(n)) * idf(t));
    return unit(v);
  };
  const queries = model.profile.interests.map((s) => vec(termCounts(s)));
  return pool
    .map((c, i) => {
      const d = vec(docs[i] ?? new Map());
      return { id: c.id, s: Math.max(...queries.map((q) => dot(d, q))) };
    })
    .sort((a, b) => b.s - a.s || a.id.localeCompare(b.id))
    .map((x) => x.id);
}

function fmt(x: number): string {
  return x.toFixed(3);
}

type Systems = [string, () => string[]][];

function report(labelFile: z.infer<typeof Labels>, pool: Candidate[], systems: Systems): void {
  const labels = new Map(labelFile.labels.map((l) => [l.id, l.label]));
  const poolIds = new Set(pool.map((c) => c.id));
  const missing = [...labels.keys()].filter((id) => !poolIds.has(id));
  if (missing.length > 0)
    throw new Error(`labels for ids not in the pool: ${missing.slice(0, 5).join(", ")}`);
  const counts = [0, 1, 2].map((l) => labelFile.labels.filter((x) => x.label === l).length);
  console.log(
    `pool: ${pool.length} candidates; labelled: ${labels.size} (${counts[2]} relevant, ${counts[1]} partial, ${counts[0]} not)\n`,
  );
  const header = ["system", "nDCG@10", "P@10", "R@10", "R@50", "MAP", "1st rel=2"];
  const rows = systems.map(([name, rank]) => {
    const m = evaluate(rank(), labels);
    return [
      name,
      fmt(m.ndcg10),
      fmt(m.p10),
      fmt(m.recall10),
      fmt(m.recall50),
      fmt(m.map),
      String(m.firstStrong),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

function readLabels(file: string): z.infer<typeof Labels> {
  return Labels.parse(JSON.parse(readFileSync(path.join(root, file), "utf8")));
}

function main(): void {
  const pool = loadPool();
  const full = readerModelFromProfile(demoProfile, demoRules, demoFeedback);
  const noFeedback = readerModelFromProfile(demoProfile, demoRules, []);
  const noReferences = readerModelFromProfile({ ...demoProfile, references: [] }, demoRules, []);
  report(readLabels("bench/eval/labels.json"), pool, [
    ["keyword overlap (baseline)", () => keywordOverlap(pool, full)],
    ["plain TF-IDF (baseline)", () => plainTfIdf(pool, full)],
    [
      "default, profile only",
      () => rankCandidatesSync(pool, noReferences, { now: NOW }).map((s) => s.candidate.id),
    ],
    [
      "default, + references",
      () => rankCandidatesSync(pool, noFeedback, { now: NOW }).map((s) => s.candidate.id),
    ],
    ["default (+ feedback)", () => rankCandidatesSync(pool, full, { now: NOW }).map((s) => s.candidate.id)],
  ]);

  const second = readLabels("bench/eval/labels-cosmology.json");
  if (!second.profile) throw new Error("labels-cosmology.json names no profile");
  const newReader = readerModelFromProfile(second.profile, [], []);
  console.log(
    `\nA new reader with three interest lines only (${second.profile.interests.map((i) => `“${i}”`).join(", ")})`,
  );
  report(second, pool, [
    ["keyword overlap (baseline)", () => keywordOverlap(pool, newReader)],
    ["plain TF-IDF (baseline)", () => plainTfIdf(pool, newReader)],
    ["default", () => rankCandidatesSync(pool, newReader, { now: NOW }).map((s) => s.candidate.id)],
  ]);
}

main();
