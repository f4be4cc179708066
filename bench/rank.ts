/**
 * `npm run bench:rank`: CPU time to score and select one reader's issue from the recorded
 * 1,504-item arXiv day (plus the other recorded payloads: Hugging Face, GitHub, YouTube, Hacker
 * News, Semantic Scholar), next to the CPU time to parse that arXiv day, measured side by side in
 * one run and reported as a ratio. Parsing uses the sources' own `parsePayload`.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Candidate, SourceName } from "../src/candidate";
import { demoFeedback, demoProfile, demoRules } from "../src/demo-profile";
import { mergeCandidates } from "../src/identity";
import { rankCandidatesSync, readerModelFromProfile } from "../src/scoring/index";
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

function parse(source: SourceName, body: string): Candidate[] {
  const r = parsePayload(source, body);
  if (!r.ok) throw new Error(`${source}: ${r.error.message}`);
  return r.candidates;
}

/** Median CPU milliseconds (user + system) of `runs` calls of `f`, after `warmup` untimed calls. */
function cpuMs(f: () => unknown, runs: number, warmup = 2): number {
  for (let i = 0; i < warmup; i++) f();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    f();
    const d = process.cpuUsage(start);
    samples.push((d.user + d.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
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
  const buildIssue = () => selectIssue(rankCandidatesSync(pool, model, { now }), { rules: model.rules });

  // Interleave the two measurements so that machine noise hits both alike.
  const parseSamples: number[] = [];
  const rankSamples: number[] = [];
  for (let round = 0; round < 3; round++) {
    parseSamples.push(cpuMs(() => parse("arxiv", arxivXml), runs));
    rankSamples.push(cpuMs(buildIssue, runs));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const parseMs = median(parseSamples);
  const rankMs = median(rankSamples);
  const selection = buildIssue();
  console.log(
    `pool: ${pool.length} candidates (arXiv day ${parse("arxiv", arxivXml).length} + ${others.length} other payloads)`,
  );
  console.log(
    `selected: ${selection.research.length} research, ${selection.videos.length} videos${selection.thin ? " (thin day)" : ""}`,
  );
  console.log(`parse arXiv day (2.8 MB RSS):     ${parseMs.toFixed(1)} ms CPU`);
  console.log(`score + select one reader's issue: ${rankMs.toFixed(1)} ms CPU`);
  console.log(`ratio score+select / parse:        ${(rankMs / parseMs).toFixed(2)}`);
}

main();
