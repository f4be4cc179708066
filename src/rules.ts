/**
 * Standing rules drawn from the reader's free-text feedback. Deterministic pattern matching over
 * the phrasings readers actually use ("should include 1-2 videos per day", "search author talks
 * for each paper", "Telegram/email diverged"): a rule is only made when the text says so plainly,
 * and the rule keeps the sentence it came from.
 */
import type { Rule } from "./issue";
import { TOPICS } from "./scoring/taxonomy";

const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, a: 1, an: 1, single: 1 };

function toNumber(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = NUMBER_WORDS[s.toLowerCase()] ?? Number.parseInt(s, 10);
  return Number.isFinite(n) ? n : undefined;
}

/** Sentences (and list items) of a feedback text. */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?;])\s+|\n+|\(\d+\)\s*/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** A short id, stable for the same feedback and constraint. */
function ruleId(feedbackId: string, constrains: string, params: Rule["params"]): string {
  const key = `${feedbackId}|${constrains}|${JSON.stringify(params)}`;
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return `rule-${(h >>> 0).toString(36)}`;
}

const NUM = "(\\d+|one|two|three|four|a|an|single)";
const VIDEO = "(?:youtube\\s+)?(?:videos?|talks?|lectures?)";

interface Draft {
  constrains: string;
  params: Rule["params"];
  text: string;
}

function videoRule(s: string): Draft | undefined {
  const lower = s.toLowerCase();
  if (!new RegExp(`\\b${VIDEO}\\b|youtube`).test(lower)) return undefined;
  if (/\bauthor/.test(lower)) return undefined;
  if (
    /\b(no|stop|skip|without|fewer|less|drop)\b.*\b(videos?|talks?|youtube)\b/.test(lower) &&
    !/missing/.test(lower)
  ) {
    return { constrains: "videos.max", params: { max: 0 }, text: "No videos." };
  }
  const range = new RegExp(`\\b${NUM}\\s*(?:-|–|—|to|or)\\s*${NUM}\\b`).exec(lower);
  if (range) {
    const min = toNumber(range[1]);
    const max = toNumber(range[2]);
    if (min !== undefined && max !== undefined && min <= max && max <= 5) {
      return {
        constrains: "videos.min",
        params: { min, max },
        text: `Videos are a mandatory component: ${min}–${max} per day.`,
      };
    }
  }
  const atLeast = new RegExp(`\\bat least\\s+${NUM}\\s+${VIDEO}`).exec(lower);
  const exact = new RegExp(
    `\\b(?:include|add|give|want|send|recommend)\\w*\\s+(?:me\\s+)?${NUM}\\s+${VIDEO}`,
  ).exec(lower);
  const count = toNumber(atLeast?.[1] ?? exact?.[1]);
  if (count !== undefined && count >= 1 && count <= 5) {
    return {
      constrains: "videos.min",
      params: { min: count, max: Math.max(count, 2) },
      text: `Include ${atLeast ? "at least " : ""}${count} video${count > 1 ? "s" : ""} per day.`,
    };
  }
  if (
    /\b(mandatory|must|always|should|missing|every day|each day|daily|per day|required|want more)\b/.test(
      lower,
    )
  ) {
    return {
      constrains: "videos.min",
      params: { min: 1, max: 2 },
      text: "Videos are a mandatory component: 1–2 per day.",
    };
  }
  return undefined;
}

function authorTalkRule(s: string): Draft | undefined {
  const lower = s.toLowerCase();
  if (!/\bauthor(?:s|'s)?\b/.test(lower) || !/\b(talks?|videos?|presentations?|lectures?)\b/.test(lower))
    return undefined;
  if (/\b(no|stop|skip|don'?t)\b/.test(lower)) return undefined;
  return {
    constrains: "videos.authorTalks",
    params: { enabled: true },
    text: "Search author talks for each recommended paper and link them.",
  };
}

function channelsRule(s: string): Draft | undefined {
  const lower = s.toLowerCase();
  const namesChannels =
    /\b(telegram|email|e-mail|channels?)\b/.test(lower) &&
    /(telegram|channels|both|email\/telegram|telegram\/email)/.test(lower);
  if (!namesChannels) return undefined;
  if (!/\b(identical|same|diverg\w*|differ\w*|match|consistent|mismatch\w*)\b/.test(lower)) return undefined;
  return {
    constrains: "channels.identical",
    params: { enabled: true },
    text: "Both delivery channels must push identical content.",
  };
}

function topicLabelIn(lower: string): { slug: string; label: string } | undefined {
  for (const t of TOPICS) {
    if (t.patterns.test(lower) || lower.includes(t.label) || lower.includes(t.slug.replace(/-/g, " "))) {
      return { slug: t.slug, label: t.label };
    }
  }
  return undefined;
}

function topicRule(s: string): Draft | undefined {
  const lower = s.toLowerCase();
  const less = /\b(no more|fewer|less|stop sending|avoid|not interested in|too many|enough)\b/.test(lower);
  const more = /\b(more (?:on|about)?|keep (?:sending|them coming)|love|want more)\b/.test(lower);
  if (!less && !more) return undefined;
  const topic = topicLabelIn(lower);
  if (!topic) return undefined;
  if (less)
    return {
      constrains: "topic.avoid",
      params: { topic: topic.slug },
      text: `Fewer items on ${topic.label}.`,
    };
  return { constrains: "topic.prefer", params: { topic: topic.slug }, text: `More on ${topic.label}.` };
}

function toolRule(s: string): Draft | undefined {
  const lower = s.toLowerCase();
  if (!/\b(tools?|repos?|repositories|github)\b/.test(lower)) return undefined;
  if (/\b(no|skip|stop|without|don'?t want)\b/.test(lower)) {
    return { constrains: "tools.max", params: { max: 0 }, text: "No tools or repositories." };
  }
  return undefined;
}

function researchCountRule(s: string): Draft | undefined {
  const lower = s.toLowerCase();
  const m = new RegExp(
    `\\b(?:only|at most|max(?:imum)?|no more than|just)\\s+${NUM}\\s+(?:papers|research items|items|picks)`,
  ).exec(lower);
  const n = toNumber(m?.[1]);
  if (n === undefined || n < 1 || n > 6) return undefined;
  return { constrains: "research.max", params: { max: n }, text: `At most ${n} research items per issue.` };
}

/**
 * Rules stated in a free-text feedback note. `now` dates them; `feedbackId` is kept on each rule
 * (and makes its id stable, so recording the same note twice yields the same rules).
 */
export function rulesFromFeedback(text: string, now: Date, feedbackId: string): Rule[] {
  const since = now.toISOString().slice(0, 10);
  const drafts: Draft[] = [];
  for (const s of sentences(text)) {
    for (const make of [authorTalkRule, videoRule, channelsRule, toolRule, researchCountRule, topicRule]) {
      const d = make(s);
      if (d) drafts.push(d);
    }
  }
  const seen = new Set<string>();
  const rules: Rule[] = [];
  for (const d of drafts) {
    const key = `${d.constrains}|${JSON.stringify(d.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rules.push({
      id: ruleId(feedbackId, d.constrains, d.params),
      text: d.text,
      constrains: d.constrains,
      params: d.params,
      since,
      fromFeedback: feedbackId,
    });
  }
  return rules;
}

/** Whether two rules constrain the same thing the same way (for de-duplicating standing rules). */
export function sameRule(
  a: Pick<Rule, "constrains" | "params">,
  b: Pick<Rule, "constrains" | "params">,
): boolean {
  if (a.constrains !== b.constrains) return false;
  const ka = Object.keys(a.params).sort();
  const kb = Object.keys(b.params).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a.params[k] === b.params[k]);
}

/** Whether `rule` supersedes `older` (a newer rule on the same single-valued constraint). */
export function supersedes(
  rule: Pick<Rule, "constrains">,
  older: Pick<Rule, "constrains" | "params">,
): boolean {
  const singleValued = new Set([
    "videos.min",
    "videos.max",
    "tools.max",
    "research.max",
    "videos.authorTalks",
  ]);
  return singleValued.has(rule.constrains) && rule.constrains === older.constrains;
}
