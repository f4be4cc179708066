import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import type { Candidate } from "../candidate";
import { utcDate } from "../clock";
import { demoFeedback, demoRules } from "../demo-profile";
import { mergeCandidates } from "../identity";
import { IssueDate } from "../issue";
import { arxivIdOf, memoryPaperCache, type PaperContext, readEprint, readPaper } from "../paper";
import { composeIssue } from "../pipeline";
import { readerModelFromProfile } from "../scoring";
import { findAuthorTalks, findDiscussion, gatherDaily } from "../sources";
import { talkLibraryCandidates } from "../sources/talks";
import type { SourceContext } from "../sources/types";
import { deterministicWriter } from "../writeup/deterministic";
import { cliArgs } from "./args";
import { loadPayloadFiles, reportLoad } from "./payloads";
import { loadProfile } from "./profile";
import { arxivIdOfEprintFile } from "./read";
import { replayContext } from "./replay";

const USAGE =
  "usage: feed build [--date YYYY-MM-DD] [--profile demo|<profile.json>] [payload files…] [eprint_<arXiv id>.tar.gz|.gz …]";

/**
 * The paper lookup of a build: e-print files given on the command line answer for their picks; every other
 * pick is read through the source context (the recorded e-prints in replay), once per pick.
 */
function paperLookup(ctx: SourceContext, eprintFiles: Map<string, string>) {
  const cache = memoryPaperCache();
  const deps = {
    fetch: ctx.fetch,
    eprintUrl: ctx.config.arxivEprintUrl,
    htmlUrl: ctx.config.arxivHtmlUrl,
    cache,
    userAgent: ctx.config.userAgent,
    clock: () => performance.now(),
  };
  return async (pick: Candidate): Promise<PaperContext | undefined> => {
    const id = arxivIdOf(pick);
    const file = id ? eprintFiles.get(id) : undefined;
    if (id && file) {
      const bytes = new Uint8Array(await readFile(file));
      const paper = await readEprint(id, bytes, { clock: deps.clock }).catch((err: Error) => {
        console.error(`${file}: ${err.message}; ${pick.title} is written from its abstract`);
        return undefined;
      });
      if (paper) return paper;
    }
    return readPaper(pick, deps);
  };
}

/**
 * `feed build`: one issue as canonical JSON, from the given payload files or, with none, from a
 * replay of every recorded source — the same domain code the Worker runs. E-print files among the
 * inputs (named by arXiv id) are read for the picks they match.
 */
export async function main(args: string[]): Promise<number> {
  const { values, positionals } = cliArgs(args, { date: { type: "string" }, profile: { type: "string" } });
  const now = new Date();
  const date = IssueDate.safeParse(values.date ?? utcDate(now));
  if (!date.success) {
    console.error(`${USAGE}\n--date: ${date.error.issues[0]?.message}`);
    return 2;
  }
  const profile = await loadProfile(values.profile);
  const isDemo = !values.profile || values.profile === "demo";
  const rules = isDemo ? demoRules : [];
  const ctx = replayContext(now);
  const eprintFiles = new Map<string, string>();
  const payloadFiles: string[] = [];
  for (const file of positionals) {
    const id = arxivIdOfEprintFile(file);
    if (id) eprintFiles.set(id, file);
    else payloadFiles.push(file);
  }
  let pool: Candidate[];
  let failures: Parameters<typeof composeIssue>[0]["failures"] = [];
  let quiet: Parameters<typeof composeIssue>[0]["quiet"] = [];
  let exitCode = 0;
  if (payloadFiles.length > 0) {
    const loaded = await loadPayloadFiles(payloadFiles);
    const outcome = reportLoad(loaded);
    if (outcome.stop) return outcome.code;
    exitCode = outcome.code;
    // The curated talk library backfills the mandatory daily video on every build path, as gatherDaily does.
    pool = mergeCandidates([...loaded.candidates, ...talkLibraryCandidates()]);
  } else {
    const gathered = await gatherDaily(ctx, {
      date: date.data,
      categories: profile.categories,
      interests: profile.interests,
      youtubeChannels: profile.youtubeChannels,
    });
    pool = gathered.candidates;
    failures = gathered.reports.flatMap((r) => r.failures);
    quiet = gathered.reports.filter((r) => r.quiet).map((r) => r.source);
  }
  const { issue } = await composeIssue({
    readerId: profile.id,
    date: date.data,
    now,
    pool,
    model: readerModelFromProfile(profile, rules, isDemo ? demoFeedback : []),
    profile,
    rules,
    feedback: isDemo ? demoFeedback : [],
    failures,
    quiet,
    writer: deterministicWriter,
    lookups: {
      authorTalks: (c) => findAuthorTalks(ctx, c),
      discussion: (c) => findDiscussion(ctx, c),
      paper: paperLookup(ctx, eprintFiles),
    },
  });
  process.stdout.write(`${JSON.stringify(issue, null, 2)}\n`);
  return exitCode;
}
