/**
 * Realistic candidates for writer tests, built straight from the recorded arXiv RSS payload
 * (test/fixtures/arxiv_rss_multi_archive_2024-11-28.xml, one real day of announcements) with
 * fast-xml-parser, so these tests do not depend on the sources module.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { XMLParser } from "fast-xml-parser";
import type { Candidate } from "../../../src/candidate";
import type { ReaderProfile } from "../../../src/profile";
import type { WriteInput } from "../../../src/writeup/types";

const HF_FIXTURE = fileURLToPath(
  new URL("../../fixtures/hf_api_daily_papers_2024-10-25.json", import.meta.url),
);
const FIXTURE = fileURLToPath(
  new URL("../../fixtures/arxiv_rss_multi_archive_2024-11-28.xml", import.meta.url),
);

interface RssItem {
  title: string;
  link: string;
  description: string;
  category?: string | string[];
  "dc:creator"?: string;
  "arxiv:announce_type"?: string;
}

let cache: Candidate[] | undefined;

/** Every item of the recorded RSS day as a Candidate. */
export function rssCandidates(): Candidate[] {
  if (cache) return cache;
  const xml = readFileSync(FIXTURE, "utf8");
  const doc = new XMLParser({ ignoreAttributes: true, processEntities: true }).parse(xml) as {
    rss: { channel: { item: RssItem[] } };
  };
  cache = doc.rss.channel.item.map((item) => {
    const id = /abs\/(\d{4}\.\d{4,5})/.exec(item.link)?.[1] ?? item.link;
    const description = String(item.description);
    const summary = description.replace(/^[\s\S]*?Abstract:\s*/, "").trim();
    const categories = item.category === undefined ? [] : ([] as string[]).concat(item.category).map(String);
    return {
      id: `arxiv:${id}`,
      kind: "paper" as const,
      title: String(item.title).replace(/\s+/g, " ").trim(),
      summary,
      url: String(item.link),
      authors: String(item["dc:creator"] ?? "")
        .split(/,\s*/)
        .filter(Boolean),
      categories,
      aliases: [],
      sources: ["arxiv" as const],
      signals: { announceType: String(item["arxiv:announce_type"] ?? "new") },
    };
  });
  return cache;
}

/** A candidate by arXiv id (e.g. "2411.17866"); throws if the fixture lacks it. */
export function rssCandidate(arxivId: string): Candidate {
  const c = rssCandidates().find((x) => x.id === `arxiv:${arxivId}`);
  if (!c) throw new Error(`fixture has no arXiv ${arxivId}`);
  return c;
}

interface HfDailyPaper {
  paper: { id: string; title: string; summary: string; upvotes: number; authors: { name: string }[] };
  numComments: number;
}

/** The recorded Hugging Face daily papers (2024-10-25) as Candidates, with their upvotes. */
export function hfCandidates(): Candidate[] {
  const list = JSON.parse(readFileSync(HF_FIXTURE, "utf8")) as HfDailyPaper[];
  return list.map(({ paper, numComments }) => ({
    id: `arxiv:${paper.id}`,
    kind: "paper" as const,
    title: paper.title.replace(/\s+/g, " ").trim(),
    summary: paper.summary.replace(/\s+/g, " ").trim(),
    url: `https://arxiv.org/abs/${paper.id}`,
    authors: paper.authors.map((a) => a.name),
    categories: [],
    aliases: [`hf:${paper.id}`],
    sources: ["huggingface" as const],
    signals: { hfUpvotes: paper.upvotes, hfComments: numComments },
  }));
}

/** A Hugging Face daily paper by arXiv id. */
export function hfCandidate(arxivId: string): Candidate {
  const c = hfCandidates().find((x) => x.id === `arxiv:${arxivId}`);
  if (!c) throw new Error(`HF fixture has no ${arxivId}`);
  return c;
}

/** The reader of the example issues. */
export const demoReader: ReaderProfile = {
  id: "nakamoto",
  name: "Nakamoto",
  interests: [
    "optimal transport and Sinkhorn",
    "transformers and attention",
    "market microstructure and limit order books",
    "stochastic control",
    "flow matching and generative models",
    "reinforcement learning",
  ],
  lenses: ["variational principles", "duality", "information geometry"],
  references: [{ title: "Direct Preference Optimization" }],
  categories: ["cs.LG", "stat.ML", "q-fin.TR", "math.OC"],
  youtubeChannels: [],
  delivery: { channels: [], timezone: "UTC" },
};

/** A write input as the pipeline builds it. */
export function writeInput(candidate: Candidate, over: Partial<WriteInput> = {}): WriteInput {
  return {
    candidate,
    explanation: {
      interests: ["transformers and attention"],
      liked: ["Scaled-Dot-Product Attention as One-Sided Entropic Optimal Transport"],
      lenses: ["variational principles"],
      signals: [],
      text: "matches transformers and attention",
    },
    profile: demoReader,
    rules: [],
    tags: [],
    ...over,
  };
}

/** Real Hugging Face daily papers in the batch. */
export const HF_BATCH_IDS = ["2410.17243", "2410.16251", "2410.18533"];

/** Real arXiv RSS abstracts across ML, finance, systems and theory, used with HF_BATCH_IDS as the realistic batch. */
export const BATCH_IDS = [
  "2411.17866", // distributed sign momentum: O(1/sqrt T) in math
  "2411.17861", // PPO with delayed rewards: bound in math
  "2411.17728", // analytic continuation: $20\%$
  "2411.17712", // GenAI on the edge: tokens per second, 50\%
  "2411.17720", // MAS-Attention: attention on edge accelerators
  "2411.17783", // KACDP credit default: no number at all
  "2411.17900", // LoRA decision transformer for trading
  "2411.18154", // semiclassical CEV option pricing
  "2411.17838", // KASBA time-series clustering: orders of magnitude
  "2411.17723", // banking competition panel regression
];
