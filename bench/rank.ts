/**
 * `npm run bench:rank`: CPU time to score and select one reader's issue from the recorded
 * 1,504-item arXiv day (plus the other recorded payloads: Hugging Face, GitHub, YouTube, Hacker
 * News, Semantic Scholar), next to the CPU time to parse that arXiv day, measured side by side in
 * one run and reported as ratios to the parse time. Parsing uses the sources' own `parsePayload`.
 *
 * Ranking splits into the reader-independent corpus (`prepareCorpus`: once per day per isolate)
 * and the per-reader scoring + selection that reuses it; the all-in-one path (no corpus given)
 * does both for every reader.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Candidate, SourceName } from "../src/candidate";
import { demoFeedback, demoProfile, demoRules } from "../src/demo-profile";
import { mergeCandidates } from "../src/identity";
import { type Corpus, prepareCorpus, rankCandidatesSync, readerModelFromProfile } from "../src/scoring/index";
import { selectIssue } from "../src/select";
import { parsePayload } from "../src/sources/index";

const root = path.resolve(import.meta.dirname, "..");
const ARXIV_DAY = "test/fixtures/arxiv_rss_multi_archive_2024-11-28.xml";
const OTHERS: [string, SourceName][] = [
  ["test/fixtures/hf_api_daily_papers_2024-10-25.json", "huggingface"],
  ["test/fixtures/github_search_repositories_github3py_2017.json", "github"],
  ["test/fixtures/youtube_channel_rss_feed_2021.xml", "youtube"],
  ["test/fixtures/youtube_v3_search_list_keywords_2019.json", "youtube"],
  ["test/fixtures/hn_algolia_search_story_query_apple_2014.json", "hackernews"],
  ["test/fixtures/s2_graph_paper_batch_full_fields.json", "semanticscholar"],
  ["test/fixtures/arxiv_api_query_testing_10_entries.xml", "arxiv"],
];
/** Items a reader has already been sent, left out of that reader's pool (every 80th of the day). */
const SEEN_EVERY = 80;

function parse(source: SourceName, body: string): Candidate[] {
  const r = parsePayload(source, body);
  if (!r.ok) throw new Error(`${source}: ${r.error.message}`);
  return r.candidates;
}

/**
 * Median CPU milliseconds (user + system) of `runs` calls of `f`, after `warmup` untimed calls.
 * `setup` runs before each call, untimed, and hands `f` its input.
 */
function cpuMs<T>(setup: () => T, f: (input: T) => unknown, runs: number, warmup = 2): number {
  for (let i = 0; i < warmup; i++) f(setup());
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const input = setup();
    const start = process.cpuUsage();
    f(input);
    const d = process.cpuUsage(start);
    samples.push((d.user + d.system) / 1000);
  }
  return median(samples);
}

function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
}

function main(): void {
  const runs = Number(process.argv[2] ?? 9);
  const arxivXml = readFileSync(path.join(root, ARXIV_DAY), "utf8");
  const others = OTHERS.map(
    ([file, source]) => [readFileSync(path.join(root, file), "utf8"), source] as const,
  );
  const pool = mergeCandidates([
    ...parse("arxiv", arxivXml),
    ...others.flatMap(([body, source]) => parse(source, body)),
  ]);
  const model = readerModelFromProfile(demoProfile, demoRules, demoFeedback);
  const now = new Date("2024-11-28T12:00:00Z");
  const corpus = prepareCorpus(pool);
  const buildIssue = (candidates: readonly Candidate[], prepared?: Corpus) =>
    selectIssue(rankCandidatesSync(candidates, model, { now, ...(prepared ? { corpus: prepared } : {}) }), {
      rules: model.rules,
    });
  // In the Worker each reader's job reads the day's candidates afresh (new objects, checked against
  // the corpus by content) and drops what that reader has already seen.
  const rereadUnseen = () => structuredClone(pool).filter((_, i) => i % SEEN_EVERY !== 0);

  const measures = {
    parse: [] as number[],
    prepare: [] as number[],
    reader: [] as number[],
    readerReread: [] as number[],
    allInOne: [] as number[],
  };
  const none = () => undefined;
  // Interleave the measurements so that machine noise hits all of them alike.
  for (let round = 0; round < 3; round++) {
    measures.parse.push(cpuMs(none, () => parse("arxiv", arxivXml), runs));
    measures.prepare.push(cpuMs(none, () => prepareCorpus(pool), runs));
    measures.reader.push(cpuMs(none, () => buildIssue(pool, corpus), runs));
    measures.readerReread.push(cpuMs(rereadUnseen, (unseen) => buildIssue(unseen, corpus), runs));
    measures.allInOne.push(cpuMs(none, () => buildIssue(pool), runs));
  }
  const parseMs = median(measures.parse);
  const selection = buildIssue(pool, corpus);
  const allInOne = buildIssue(pool);
  const same =
    JSON.stringify(selection.research.map((s) => [s.candidate.id, s.score])) ===
    JSON.stringify(allInOne.research.map((s) => [s.candidate.id, s.score]));
  console.log(
    `pool: ${pool.length} candidates (arXiv day ${parse("arxiv", arxivXml).length} + ${others.length} other payloads)`,
  );
  console.log(
    `selected: ${selection.research.length} research, ${selection.videos.length} videos${selection.thin ? " (thin day)" : ""}; same picks with and without corpus: ${same ? "yes" : "NO"}`,
  );
  const rows: [string, number][] = [
    ["parse arXiv day (2.8 MB RSS)", parseMs],
    ["prepare corpus (once per day per isolate)", median(measures.prepare)],
    ["per reader: score + select, corpus reused", median(measures.reader)],
    [`  same, pool re-read and 1/${SEEN_EVERY} seen dropped`, median(measures.readerReread)],
    ["per reader: all-in-one (no corpus given)", median(measures.allInOne)],
  ];
  console.log(`${"".padEnd(52)}  ms CPU   / parse`);
  for (const [label, ms] of rows) {
    console.log(
      `${label.padEnd(52)} ${ms.toFixed(1).padStart(7)}   ${(ms / parseMs).toFixed(2).padStart(6)}`,
    );
  }
}

main();
