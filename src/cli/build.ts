import type { Candidate } from "../candidate";
import { utcDate } from "../clock";
import { demoFeedback, demoRules } from "../demo-profile";
import { IssueDate } from "../issue";
import { composeIssue } from "../pipeline";
import { readerModelFromProfile } from "../scoring";
import { findAuthorTalks, findDiscussion, gatherDaily } from "../sources";
import { deterministicWriter } from "../writeup/deterministic";
import { cliArgs } from "./args";
import { loadPayloadFiles } from "./payloads";
import { loadProfile } from "./profile";
import { replayContext } from "./replay";

const USAGE = "usage: feed build [--date YYYY-MM-DD] [--profile demo|<profile.json>] [payload files…]";

/**
 * `feed build`: one issue as canonical JSON, from the given payload files or, with none, from a
 * replay of every recorded source — the same domain code the Worker runs.
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
  let pool: Candidate[];
  let failures: Parameters<typeof composeIssue>[0]["failures"] = [];
  let quiet: Parameters<typeof composeIssue>[0]["quiet"] = [];
  if (positionals.length > 0) {
    const loaded = await loadPayloadFiles(positionals);
    for (const e of loaded.errors) console.error(e);
    pool = loaded.candidates;
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
    lookups: { authorTalks: (c) => findAuthorTalks(ctx, c), discussion: (c) => findDiscussion(ctx, c) },
  });
  process.stdout.write(`${JSON.stringify(issue, null, 2)}\n`);
  return 0;
}
