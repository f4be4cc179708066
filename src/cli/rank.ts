/**
 * `npm run feed -- rank --profile <profile.json|demo> <payload files…>`: parses recorded payloads,
 * scores every candidate for the reader, and prints them best first as JSON lines
 * `{id, title, score, relevance, kind, tags, explanation}`.
 *
 * Options: `--limit N` (print the top N), `--now ISO` (the ranking instant; recency is judged
 * against it), `--state export.json` (a reader's exported state: its profile, rules and feedback
 * replace `--profile`), `--select` (print the selected issue instead of the ranking).
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { demoFeedback, demoRules } from "../demo-profile";
import { Feedback, Rule } from "../issue";
import { ReaderProfile } from "../profile";
import {
  type RatedFeedback,
  type ReaderModel,
  rankCandidatesSync,
  readerModelFromProfile,
} from "../scoring/index";
import { selectIssue } from "../select";
import { cliArgs } from "./args";
import { loadPayloadFiles, reportLoad } from "./payloads";
import { loadProfile } from "./profile";

const ExportedState = z.object({
  profile: ReaderProfile,
  rules: z.array(Rule).default([]),
  feedback: z
    .array(Feedback.extend({ item: z.object({ title: z.string(), summary: z.string() }).optional() }))
    .default([]),
});

async function loadModel(
  profileSpec: string | undefined,
  stateFile: string | undefined,
): Promise<ReaderModel> {
  if (stateFile) {
    const parsed = ExportedState.safeParse(JSON.parse(await readFile(stateFile, "utf8")));
    if (!parsed.success)
      throw new Error(`${stateFile}: not a reader export:\n${z.prettifyError(parsed.error)}`);
    return readerModelFromProfile(
      parsed.data.profile,
      parsed.data.rules,
      parsed.data.feedback as RatedFeedback[],
    );
  }
  const profile = await loadProfile(profileSpec);
  // The demo reader comes with the rules and ratings its example issues recorded.
  return !profileSpec || profileSpec === "demo"
    ? readerModelFromProfile(profile, demoRules, demoFeedback)
    : readerModelFromProfile(profile);
}

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = cliArgs(args, {
    profile: { type: "string" },
    state: { type: "string" },
    limit: { type: "string" },
    now: { type: "string" },
    select: { type: "boolean" },
  });
  if (positionals.length === 0) {
    process.stderr.write(
      "usage: rank --profile <profile.json|demo> [--limit N] [--now ISO] [--select] <payload files…>\n",
    );
    return 2;
  }
  const limit = values.limit === undefined ? Number.POSITIVE_INFINITY : Number(values.limit);
  if (!Number.isInteger(limit) && limit !== Number.POSITIVE_INFINITY) {
    process.stderr.write(`--limit: expected a whole number, got “${values.limit}”\n`);
    return 2;
  }
  const now = values.now ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime())) {
    process.stderr.write(`--now: not a date: “${values.now}”\n`);
    return 2;
  }
  const model = await loadModel(values.profile, values.state);
  const loaded = await loadPayloadFiles(positionals);
  const outcome = reportLoad(loaded);
  if (outcome.stop) return outcome.code;
  const { candidates } = loaded;
  const ranked = rankCandidatesSync(candidates, model, { now });
  if (values.select) {
    const selection = selectIssue(ranked, { rules: model.rules });
    const brief = (s: (typeof ranked)[number]) => ({
      id: s.candidate.id,
      title: s.candidate.title,
      kind: s.candidate.kind,
      score: s.score,
      relevance: s.relevance,
      tags: s.tags,
      explanation: s.explanation.text,
    });
    process.stdout.write(
      `${JSON.stringify(
        { ...selection, research: selection.research.map(brief), videos: selection.videos.map(brief) },
        null,
        2,
      )}\n`,
    );
    return outcome.code;
  }
  const lines: string[] = [];
  for (const s of ranked.slice(0, limit)) {
    lines.push(
      JSON.stringify({
        id: s.candidate.id,
        title: s.candidate.title,
        score: s.score,
        relevance: s.relevance,
        kind: s.candidate.kind,
        tags: s.tags,
        explanation: s.explanation,
      }),
    );
  }
  if (lines.length > 0) process.stdout.write(`${lines.join("\n")}\n`);
  return outcome.code;
}
