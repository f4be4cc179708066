import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { upsertCandidates } from "../../d1/candidates";
import { getIssue } from "../../d1/issues";
import { ensureReader } from "../../d1/readers";
import { type Config, parseConfig } from "../../src/config";
import { demoProfile } from "../../src/demo-profile";
import type { Issue } from "../../src/issue";
import { parsePayload } from "../../src/sources";
import { buildReaderIssue } from "../../workers/pipeline";

const DAY = "2024-11-29";
/** Where the picks' e-prints are asked for in this test; every request is answered with a recorded real e-print. */
const EPRINT_BASE = "https://eprint.test/e-print";
/** The recorded e-print that stands in for every pick's source (arXiv:1803.07574, see test/fixtures/MANIFEST.md). */
const RECORDED = "https://arxiv.org/e-print/1803.07574";

const original = globalThis.fetch;
let eprintRequests: string[] = [];

/** The Worker's configuration with sources that call out (answered by the replay outbound) and read e-prints at EPRINT_BASE. */
function liveConfig(): Config {
  return parseConfig({
    ...env,
    SOURCE_MODE: "live",
    ARXIV_EPRINT_URL: EPRINT_BASE,
    ARXIV_HTML_URL: "https://eprint.test/html",
  });
}

async function seedDay(): Promise<number> {
  const res = await original("https://rss.arxiv.org/rss/cs.LG");
  const body = await res.text();
  const parsed = parsePayload("arxiv", body);
  if (!parsed.ok) throw new Error(parsed.error.message);
  await upsertCandidates(env.DB, parsed.candidates, DAY);
  return parsed.candidates.length;
}

function interceptEprints(): void {
  eprintRequests = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith(EPRINT_BASE)) {
      eprintRequests.push(url.slice(EPRINT_BASE.length + 1));
      return original(RECORDED);
    }
    return original(input, init);
  });
}

/** Builds `readerId`'s issue of DAY with the live source config (e-prints fetched) and reads it back. */
async function buildIssue(readerId: string, now: Date): Promise<Issue> {
  await buildReaderIssue(env, liveConfig(), { type: "build", readerId, date: DAY, runId: "paper-test" }, now);
  const issue = await getIssue(env.DB, readerId, DAY);
  if (!issue) throw new Error("no issue built");
  return issue;
}

/** The arXiv ids of the issue's paper picks, as the e-print URLs name them. */
function arxivIdsOfPapers(issue: Issue): string[] {
  return issue.items.filter((i) => i.kind === "paper").map((i) => i.candidateId.replace(/^arxiv:/, ""));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("reading the picks' LaTeX sources", { timeout: 60_000 }, () => {
  it("fetches the e-print of the picks only, caches it per paper and quotes the paper's own equation", async () => {
    const now = new Date(`${DAY}T06:00:00Z`);
    const day = await seedDay();
    await ensureReader(env.DB, "demo", "Public reader", now);
    interceptEprints();

    const issue = await buildIssue("demo", now);
    const paperIds = arxivIdsOfPapers(issue);

    // only the picks, each once — not the day's 1,500 candidates
    expect(day).toBeGreaterThan(1000);
    expect(paperIds.length).toBeGreaterThanOrEqual(3);
    expect([...eprintRequests].sort()).toEqual([...paperIds].sort());

    // cached per paper, for every other reader
    const rows = await env.DB.prepare("SELECT arxiv_id, source, bytes_in, bytes_out FROM paper_sources").all<{
      arxiv_id: string;
      source: string;
      bytes_in: number;
      bytes_out: number;
    }>();
    expect(rows.results.map((r) => r.arxiv_id).sort()).toEqual([...paperIds].sort());
    for (const r of rows.results) {
      expect(r.source).toBe("eprint");
      expect(r.bytes_out).toBeGreaterThan(r.bytes_in);
    }

    // the Concrete punch is the paper's own central equation, with the sentence that introduces it
    for (const item of issue.items.filter((i) => i.kind === "paper")) {
      expect(item.punch).toContain("The direct model for water propagation through a channel");
      expect(item.punch).toContain("\\textbf{x} \\ast \\textbf{k}");
    }
    expect(issue.notes.join(" ")).not.toMatch(/Only the abstract was available/);
  });

  it("reuses the cached source for a second reader with the same picks: no e-print is fetched again", async () => {
    const now = new Date(`${DAY}T06:00:00Z`);
    await ensureReader(env.DB, "second", "Second reader", now);
    await env.READER_STATE.getByName("second").setProfile(demoProfile);
    const cached = await env.DB.prepare("SELECT arxiv_id FROM paper_sources").all<{ arxiv_id: string }>();
    const cachedIds = new Set(cached.results.map((r) => r.arxiv_id));
    interceptEprints();
    const issue = await buildIssue("second", now);
    const repeated = arxivIdsOfPapers(issue).filter((id) => cachedIds.has(id));
    expect(repeated.length).toBeGreaterThan(0);
    for (const id of repeated) expect(eprintRequests).not.toContain(id);
  });
});
