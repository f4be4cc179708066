import { z } from "zod";
import { httpUrl } from "./http-url";

/** A calendar date, `YYYY-MM-DD`, that exists. */
export const IssueDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "date must be YYYY-MM-DD")
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, "not a calendar date");
export type IssueDate = z.infer<typeof IssueDate>;

/** The six write-up fields every research pick carries. */
export const Writeup = z.object({
  domain: z.string().min(1),
  timeCost: z.string().min(1),
  intuition: z.string().min(1),
  /** The key equation or quantified result; Markdown with `$…$`/`$$…$$` math allowed. */
  punch: z.string().min(1),
  significance: z.string().min(1),
  whyItMatches: z.string().min(1),
});
export type Writeup = z.infer<typeof Writeup>;

export const Discussion = z.object({
  title: z.string(),
  url: httpUrl,
  points: z.number().int().optional(),
  comments: z.number().int().optional(),
});
export type Discussion = z.infer<typeof Discussion>;

export const Video = z.object({
  candidateId: z.string(),
  title: z.string().min(1),
  url: httpUrl,
  /** Channel or venue, e.g. "Monte Carlo Seminar". */
  source: z.string(),
  durationSeconds: z.number().int().nonnegative().optional(),
  published: z.string().optional(),
  /** One line: why this talk, for this reader, today. */
  reason: z.string().min(1),
  kind: z.enum(["author-talk", "standalone"]),
  /** For an author talk: the pick it belongs to. */
  forItem: z.string().optional(),
});
export type Video = z.infer<typeof Video>;

/** A research pick: a paper or (at most one per issue) a tool. */
export const Item = Writeup.extend({
  candidateId: z.string(),
  kind: z.enum(["paper", "tool"]),
  title: z.string().min(1),
  url: httpUrl,
  authors: z.array(z.string()).default([]),
  /** Topic tags, e.g. "optimal-transport", "attention"; the page's GPU panel keys on them. */
  tags: z.array(z.string()).default([]),
  score: z.number(),
  discussion: Discussion.optional(),
});
export type Item = z.infer<typeof Item>;

/** A standing rule drawn from the reader's feedback. */
export const Rule = z.object({
  id: z.string(),
  text: z.string().min(1),
  /** What the rule constrains, e.g. "videos.min", "videos.authorTalks", "channels.identical", "topic.avoid". */
  constrains: z.string().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  since: z.string(),
  fromFeedback: z.string().optional(),
});
export type Rule = z.infer<typeof Rule>;

/** Where feedback came from: the web page, a mail's links, the Telegram bot, the command line. */
export const FeedbackChannel = z.enum(["web", "email", "telegram", "cli"]);
export type FeedbackChannel = z.infer<typeof FeedbackChannel>;

export const Feedback = z.object({
  id: z.string(),
  readerId: z.string(),
  at: z.string(),
  issueDate: z.string().optional(),
  itemId: z.string().optional(),
  kind: z.enum(["rating", "text"]),
  rating: z.enum(["up", "down"]).optional(),
  text: z.string().optional(),
  channel: FeedbackChannel.default("web"),
});
export type Feedback = z.infer<typeof Feedback>;

/** The canonical issue: every channel renders from this one object. */
export const Issue = z.object({
  readerId: z.string(),
  date: IssueDate,
  title: z.string(),
  summary: z.string(),
  countLine: z.string(),
  items: z.array(Item),
  videos: z.array(Video),
  notes: z.array(z.string()).default([]),
  feedback: z
    .object({
      received: z.array(z.string()).default([]),
      rules: z.array(Rule).default([]),
    })
    .default({ received: [], rules: [] }),
  generatedAt: z.string(),
  runId: z.string().optional(),
});
export type Issue = z.infer<typeof Issue>;
