/** The Significance field: the outcome or implication sentence not used yet, the code link and outside signals. */
import type { Candidate } from "../candidate";
import { GENERIC_BACKGROUND, type Sentence } from "./abstract";
import { type Analysis, best, leansBack, type Plan } from "./plan";
import type { Punch } from "./punch";
import { quantitiesIn } from "./quantities";
import { boldQuantities, clauseCut, reportVoice, tidy, truncateWords, upperFirst, words } from "./rewrite";
import type { MatchExplanation } from "./types";
import { interestHits, shortInterest } from "./why-it-matches";

function signalBits(c: Candidate): string[] {
  const sig = c.signals;
  const bits: string[] = [];
  if (sig.hfUpvotes) bits.push(`${sig.hfUpvotes} upvotes on Hugging Face daily papers`);
  if (sig.citations)
    bits.push(
      `${sig.citations} citations${sig.influentialCitations ? ` (${sig.influentialCitations} influential)` : ""}`,
    );
  if (sig.maxAuthorHIndex && sig.maxAuthorHIndex >= 20)
    bits.push(`senior author h-index ${sig.maxAuthorHIndex}`);
  if (sig.hnPoints && sig.hnPoints >= 20) bits.push(`${sig.hnPoints} points on Hacker News`);
  if (sig.journalRef) bits.push(`published: ${sig.journalRef}`);
  return bits;
}

function codeLinkOf(text: string): string | undefined {
  return /https?:\/\/(?:github\.com|gitlab\.com|huggingface\.co)\/[^\s)\]}>,]+/
    .exec(text)?.[0]
    ?.replace(/[.]$/, "");
}

type Contribution = "speed" | "theory" | "benchmark" | "accuracy" | "interpretability" | "empirical";

function contributionOf(a: Analysis): Contribution {
  const t = a.plainAll;
  if (
    /\b(speed-?ups?|faster|latency|throughput|memory|energy|run ?time)\b/i.test(t) &&
    /\d|orders? of magnitude/.test(t)
  )
    return "speed";
  if (
    /\b(prove|theorem|closed[- ]form|(upper|lower|error|regret|generalization|performance) bound|bounded|convergence|derive)\b/i.test(
      t,
    )
  )
    return "theory";
  if (
    /\b(we|they) (propose|introduce|present|construct|build|release)[^.]{0,80}\b(benchmark|dataset|suite)\b/i.test(
      t,
    ) ||
    /Bench\b/.test(a.title)
  ) {
    return "benchmark";
  }
  if (/\b(interpretab|explainab|SHAP|transparen)/i.test(t)) return "interpretability";
  if (/\b(outperform|state[- ]of[- ]the[- ]art|SOTA|improv|accura)/i.test(t)) return "accuracy";
  return "empirical";
}

export const TOPIC_PHRASE: { pattern: RegExp; phrase: string }[] = [
  { pattern: /\bsinkhorn|optimal transport|wasserstein/i, phrase: "optimal transport" },
  { pattern: /\border[- ]book|microstructure|order[- ]flow|market[- ]mak/i, phrase: "order-book modeling" },
  { pattern: /\bflow matching|diffusion model|generative model/i, phrase: "generative modeling" },
  { pattern: /\bstochastic control|\bHJB\b|optimal control/i, phrase: "stochastic control" },
  {
    pattern: /\bsign momentum|\boptimi[sz]ers?\b|\bdistributed training|\bfederated/i,
    phrase: "distributed optimization",
  },
  { pattern: /\battention\b|\btransformers?\b/i, phrase: "attention" },
  {
    pattern: /\breinforcement learning|\bpolicy (gradient|optimi)|\bRL\b/i,
    phrase: "reinforcement learning",
  },
  { pattern: /\bcluster(ing|s)?\b/i, phrase: "clustering" },
  { pattern: /\btime[- ]series|\bforecast/i, phrase: "time-series modeling" },
  { pattern: /\boption pricing|\bvolatility\b|\bderivatives? pricing/i, phrase: "derivatives pricing" },
  { pattern: /\bcredit (risk|default)/i, phrase: "credit risk" },
  { pattern: /\btrading\b|\bportfolio/i, phrase: "trading" },
  { pattern: /\bLLMs?\b|language models?/i, phrase: "LLMs" },
  { pattern: /\bcontrastive|\bself-supervised|\bCLIP\b/i, phrase: "contrastive training" },
  { pattern: /\bbank(s|ing)?\b|interest rates?/i, phrase: "banking and rates" },
];

/** One sentence on what kind of result this is and what that buys the reader. */
function stakes(contribution: Contribution, topic: string | undefined): string {
  switch (contribution) {
    case "speed":
      return topic
        ? `Cost is the story: at this price, ${topic} can move from an offline experiment into the loop.`
        : "Cost is the story: at this price, the method can move from an offline experiment into the loop.";
    case "theory":
      return `A statement you can lean on: ${topic ? `for ${topic}, ` : ""}it replaces "works in practice" with a derivation, a rate or a bound.`;
    case "benchmark":
      return `A new yardstick${topic ? ` for ${topic}` : ""}: results on it will be quoted, so it is worth knowing what it measures and what it leaves out.`;
    case "interpretability":
      return `It connects what the model learns${topic ? ` in ${topic}` : ""} to mechanisms you can check, which is what makes a result portable.`;
    case "accuracy":
      return `If the gain holds outside the authors' own benchmarks, it is a new baseline${topic ? ` for ${topic}` : ""}.`;
    case "empirical":
      return `Evidence, not a method: read it for what it says${topic ? ` about ${topic}` : ""} and how the measurement was set up.`;
  }
}

/** Sentences that only say where the code is: the link is given separately. */
const CODE_AVAILABILITY =
  /github|gitlab|available at|code (is|will be)|publicly available|open[- ]sourced? at|will be released/i;

function topicPhrase(a: Analysis): string | undefined {
  let bestPhrase: string | undefined;
  let bestScore = 0;
  for (const t of TOPIC_PHRASE) {
    const hits =
      (a.plainAll.match(new RegExp(t.pattern.source, "gi")) ?? []).length + (t.pattern.test(a.title) ? 3 : 0);
    if (hits > bestScore) {
      bestScore = hits;
      bestPhrase = t.phrase;
    }
  }
  return bestPhrase;
}

/** What a result makes possible ("enables", "allows", "could have applications in"). */
const IMPLICATION =
  /\b(?:enabl\w*|allow\w*|opens? (?:up|the door|a path|new)|pav\w* the way|(?:will|would|can|may|could) help|contribut\w* to|applications? (?:in|to|for)|could (?:have|be|enable|help|serve|benefit|inform)|implications?|makes? it possible|can be (?:used|applied|deployed|extended)|useful (?:for|in)|practical|suggests? that|offer\w* (?:a|an|new|promising)|provid\w* (?:a |an )?(?:practical|new|principled|effective|simple|scalable|unified|efficient)|without (?:sacrificing|affecting|retraining|requiring|invoking|any|loss|compromising)|can (?:extend|scale|handle|run|reach|match|serve))\b/i;
/** A claim the paper makes about its own outcome. */
const RESULT_VERB =
  /\b(?:show(?:s|ed)?|finds? that|found that|(?:we|they) find|enhanc\w*|prove[sd]?|establish(?:es)?|reveal\w*|demonstrat\w*|outperform\w*|achiev\w*|improv\w*|reduc\w*|yield\w*|obtain\w*|surpass\w*|exceed\w*|recover\w*|turns? out|successfully|results? in|(?:is|are) observed that|perform\w* (?:competitively|comparably|on par|better|favorably)|(?:is|are) associated with)\b/i;
const BASELINE =
  /\b(?:compared (?:to|with)|relative to|versus|vs\.?|over|than|baselines?|state[- ]of[- ]the[- ]art|SOTA)\b/i;
/** Sentences that describe the gap, not the result. */
const PROBLEM_TALK =
  /^(?:however|despite|though|although|yet)\b|\bfall(?:s)? short\b|\bstruggl\w*|\bremains? (?:unclear|challenging|an open|difficult|elusive|limited)/i;
/** Weaker signs of the gap: they count only when the sentence claims nothing. */
const GAP_TALK =
  /\b(?:however|remains? (?:unclear|open|unknown|unsolved|largely)|lack\w*|(?:previous|existing|prior) (?:methods|work|approaches|studies))\b/i;

/** How well a sentence says what changes if the result holds; below 2.5, not worth quoting. */
function significanceScore(s: Sentence, total: number): number {
  if (CODE_AVAILABILITY.test(s.plain) || words(s.plain) < 6) return Number.NEGATIVE_INFINITY;
  const headline = quantitiesIn(s.plain).some((q) => q.weight >= 3);
  const implication = IMPLICATION.test(s.plain);
  const claim = RESULT_VERB.test(s.plain);
  let score = 0;
  if (implication) score += 3;
  if (headline) score += 3;
  if (claim) score += 2;
  if ((headline || claim) && BASELINE.test(s.plain)) score += 1;
  score += total <= 1 ? 0 : s.index / (total - 1);
  if (PROBLEM_TALK.test(s.plain) && !headline && !implication) score -= 3;
  else if (GAP_TALK.test(s.plain) && !claim && !implication) score -= 3;
  // the opening sentence sets the scene; background any reader has is not an outcome
  if (s.index === 0 && !implication) score -= 2.5;
  if (GENERIC_BACKGROUND.test(s.plain)) score -= 3;
  // "The former could…", "This is to be contrasted…": meaningless without the sentence before
  if (/^(?:the former|the latter|this is|these are|such)\b/i.test(s.plain)) score -= 3;
  else if (
    leansBack(s) &&
    !/^(?:it|this|these) (?:\w+ )?(?:enabl|allow|open|make|provid|offer)/i.test(s.plain)
  )
    score -= 1;
  // a method description is Intuition material
  if (/^[\w$-]+ (?:is|are) (?:an?|the) /i.test(s.plain) && !headline && !implication) score -= 2;
  if (/^(?:we|they) (?:propose|introduce|present|develop|design)\b/i.test(s.plain) && !headline) score -= 2;
  return score;
}

/** Lower-cases a leading function word ("The", "They", "Further") after a colon; names stay as they are. */
function lowerLeadingWord(s: string): string {
  const m = /^([A-Z][a-z]+)\b/.exec(s);
  if (!m?.[1]) return s;
  return /^(The|This|These|They|Their|It|Its|A|An|In|On|By|With|Using|For|Compared|Across|Under|When|Further|Experiments|Results|Our|Both|All|Such|Unlike|Although|While)$/.test(
    m[1],
  )
    ? `${m[1].toLowerCase()}${s.slice(m[1].length)}`
    : s;
}

/** The reader's interest the scorer named, when the paper's own text is about it. */
function interestLead(explanation: MatchExplanation, a: Analysis): string | undefined {
  const named = explanation.interests.filter((i) => i.trim().length > 0);
  const hit = interestHits({ interests: named }, a.plainAll)[0];
  return hit ? shortInterest(hit) : undefined;
}

export function significanceOf(
  c: Candidate,
  a: Analysis,
  p: Plan,
  punch: Punch,
  explanation: MatchExplanation,
  withStock = true,
): string | undefined {
  const used = new Set<number>([...p.intuition.map((s) => s.index), ...punch.used]);
  const total = a.sentences.length;
  const ranked = a.sentences
    .filter((s) => !used.has(s.index))
    .map((s) => ({ s, score: significanceScore(s, total) }))
    .filter((x) => x.score >= 2.5)
    .sort((x, y) => y.score - x.score || x.s.index - y.s.index);
  const chosen: Sentence[] = [];
  const first = ranked[0]?.s;
  if (first) {
    chosen.push(first);
    // a second sentence of the other kind: the figure next to the implication, or the reverse
    const firstIsImplication = IMPLICATION.test(first.plain);
    const second = ranked.find(
      (x) =>
        x.s !== first &&
        IMPLICATION.test(x.s.plain) !== firstIsImplication &&
        words(first.plain) + words(x.s.plain) <= 70,
    )?.s;
    if (second) chosen.push(second);
  } else {
    // nothing that reads as an outcome: the best remaining result-role sentence, if any
    const fallback = best(
      a.sentences,
      "result",
      used,
      (s) =>
        s.scores.result >= 1.5 &&
        s.index > 0 &&
        !CODE_AVAILABILITY.test(s.plain) &&
        !PROBLEM_TALK.test(s.plain) &&
        !leansBack(s),
    );
    if (fallback) chosen.push(fallback);
  }
  chosen.sort((x, y) => x.index - y.index);
  const quoted = chosen.map((s) => {
    const text = boldQuantities(reportVoice(tidy(s.text)));
    return clauseCut(text, 55) ?? truncateWords(text, 60);
  });
  const parts: string[] = [];
  if (quoted.length === 0) {
    if (!withStock) return undefined;
    parts.push(stakes(contributionOf(a), topicPhrase(a)));
  } else {
    const interest = interestLead(explanation, a);
    const [head, ...rest] = quoted;
    parts.push(
      interest && head ? `For your work on ${interest}: ${lowerLeadingWord(head)}` : (head ?? ""),
      ...rest,
    );
  }
  // code and outside signals share one closing sentence, so the field stays at three sentences
  const extras: string[] = [];
  const code = codeLinkOf(c.summary);
  if (code && !punch.text.includes(code)) extras.push(`open-source implementation: ${code}`);
  const signals = signalBits(c);
  if (signals.length > 0) extras.push(`signals: ${signals.join(", ")}`);
  if (extras.length > 0) parts.push(`${upperFirst(extras.join("; "))}.`);
  return parts.join(" ");
}
