/**
 * Ingest throughput on one real arXiv day (1,504 announcements, 2.8 MB): our parse + normalize
 * (validation with positions, candidates, identity merge) against fast-xml-parser's raw parse
 * alone, measured side by side in one run (warm-up, interleaved repetitions, medians).
 *
 *   npm run bench:ingest [-- --reps 15]
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { mergeCandidates } from "../src/identity";
import { parseArxiv } from "../src/sources/arxiv";

const file = path.join(import.meta.dirname, "../test/fixtures/arxiv_rss_multi_archive_2024-11-28.xml");
const xml = readFileSync(file, "utf8");
const repsArg = process.argv.indexOf("--reps");
const reps = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 15;
const warmup = 3;

const rawParser = new XMLParser({ ignoreAttributes: false });

function rawParse(): number {
  const doc = rawParser.parse(xml) as { rss?: { channel?: { item?: unknown[] } } };
  return doc.rss?.channel?.item?.length ?? 0;
}

function parseOnly(): number {
  const result = parseArxiv(xml);
  if (!result.ok) throw new Error(result.error.message);
  return result.candidates.length;
}

function parseAndMerge(): number {
  const result = parseArxiv(xml);
  if (!result.ok) throw new Error(result.error.message);
  return mergeCandidates(result.candidates).length;
}

const cases = {
  "raw XML parse (fast-xml-parser)": rawParse,
  "parse + normalize": parseOnly,
  "parse + normalize + merge": parseAndMerge,
};
type CaseName = keyof typeof cases;
const times: Record<CaseName, number[]> = {
  "raw XML parse (fast-xml-parser)": [],
  "parse + normalize": [],
  "parse + normalize + merge": [],
};

let items = 0;
for (let i = 0; i < warmup + reps; i++) {
  // Interleaved, so drift (GC, thermal, other load) hits every case alike.
  for (const [name, run] of Object.entries(cases) as Array<[CaseName, () => number]>) {
    const start = performance.now();
    const n = run();
    const ms = performance.now() - start;
    if (n !== 1504) throw new Error(`${name}: expected 1504 items, got ${n}`);
    items = n;
    if (i >= warmup) times[name].push(ms);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

const baseline = median(times["raw XML parse (fast-xml-parser)"]);
console.log(
  `arXiv listing 2024-11-28: ${items} items, ${(xml.length / 1e6).toFixed(2)} MB, ${reps} reps after ${warmup} warm-up (Node ${process.version})`,
);
for (const name of Object.keys(cases) as CaseName[]) {
  const ms = median(times[name]);
  const perSecond = Math.round((items / ms) * 1000);
  console.log(
    `${name.padEnd(34)} median ${ms.toFixed(1).padStart(7)} ms  ${String(perSecond).padStart(7)} items/s  throughput ratio vs raw ${(baseline / ms).toFixed(2)}`,
  );
}
