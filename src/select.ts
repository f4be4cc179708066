/**
 * Picks one issue from ranked candidates: 3–4 research items (at most one tool), 1–2 standalone
 * videos, diverse across the reader's interests, with the standing rules enforced and nothing the
 * reader has already been sent. A thin pool yields a short issue with a note, never weak padding.
 */
import type { Candidate } from "./candidate";
import type { Rule } from "./issue";
import { identityKeysOf } from "./scoring/identity-keys";
import { MIN_RELEVANCE, type ScoredCandidate } from "./scoring/index";
import { tokenize } from "./scoring/terms";

export interface Selection {
  research: ScoredCandidate[];
  /** Standalone talks (author talks for the picks are searched separately when `wants.authorTalks`). */
  videos: ScoredCandidate[];
  /** Reader-facing notes about the selection (thin pool, missing videos). */
  notes: string[];
  /** True when fewer research items than the usual minimum cleared the relevance bar. */
  thin: boolean;
  wants: { authorTalks: boolean; minVideos: number; maxVideos: number };
}

export interface SelectOptions {
  rules: Rule[];
  isSeen?: (c: Candidate) => boolean;
  maxResearch?: number;
  /** Relevance a research item must reach (default `MIN_RELEVANCE`). */
  minRelevance?: number;
}

const MIN_RESEARCH = 3;
const DEFAULT_MAX_RESEARCH = 4;

interface Constraints {
  maxResearch: number;
  maxTools: number;
  minVideos: number;
  maxVideos: number;
  authorTalks: boolean;
  avoid: Set<string>;
}

/** Applies the rules in the order they were made; a later rule on the same constraint wins. */
function constraintsFrom(rules: readonly Rule[], maxResearch: number | undefined): Constraints {
  const c: Constraints = {
    maxResearch: maxResearch ?? DEFAULT_MAX_RESEARCH,
    maxTools: 1,
    minVideos: 1,
    maxVideos: 2,
    authorTalks: false,
    avoid: new Set(),
  };
  const num = (v: unknown): number | undefined =>
    typeof v === "number" && Number.isFinite(v) ? v : undefined;
  for (const r of [...rules].sort((a, b) => a.since.localeCompare(b.since))) {
    switch (r.constrains) {
      case "videos.min": {
        const min = num(r.params.min);
        if (min !== undefined) {
          c.minVideos = Math.max(0, Math.min(5, Math.round(min)));
          c.maxVideos = Math.max(c.minVideos, num(r.params.max) ?? Math.max(c.minVideos, 2));
        }
        break;
      }
      case "videos.max": {
        const max = num(r.params.max);
        if (max !== undefined) {
          c.maxVideos = Math.max(0, Math.round(max));
          c.minVideos = Math.min(c.minVideos, c.maxVideos);
        }
        break;
      }
      case "videos.authorTalks":
        c.authorTalks = r.params.enabled !== false;
        break;
      case "tools.max": {
        const max = num(r.params.max);
        if (max !== undefined) c.maxTools = Math.max(0, Math.min(1, Math.round(max)));
        break;
      }
      case "research.max": {
        const max = num(r.params.max);
        if (max !== undefined && maxResearch === undefined) c.maxResearch = Math.max(1, Math.round(max));
        break;
      }
      case "topic.avoid":
        if (typeof r.params.topic === "string") c.avoid.add(r.params.topic);
        break;
    }
  }
  return c;
}

/** Words that characterize an item, for redundancy between picks. */
function profileWords(s: ScoredCandidate): Set<string> {
  return new Set(tokenize(`${s.candidate.title} ${s.candidate.title} ${s.candidate.summary.slice(0, 600)}`));
}

function jaccard<T>(a: Set<T>, b: Set<T>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

function redundancy(a: ScoredCandidate, aw: Set<string>, b: ScoredCandidate, bw: Set<string>): number {
  return 0.5 * jaccard(new Set(a.tags), new Set(b.tags)) + 1.5 * jaccard(aw, bw);
}

/**
 * Maximal marginal relevance with an interest-cluster penalty: the first pick per interest comes
 * before a second one from the same interest unless that second one is much stronger.
 */
function diversify(
  pool: ScoredCandidate[],
  limit: number,
  accept: (s: ScoredCandidate, chosen: readonly ScoredCandidate[]) => boolean,
): ScoredCandidate[] {
  const words = new Map(pool.map((s) => [s, profileWords(s)] as const));
  const chosen: ScoredCandidate[] = [];
  const clusterCount = new Map<string, number>();
  const remaining = pool.slice();
  while (chosen.length < limit && remaining.length > 0) {
    let best: ScoredCandidate | undefined;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (const s of remaining) {
      if (!accept(s, chosen)) continue;
      const sw = words.get(s) ?? new Set<string>();
      let maxSim = 0;
      for (const t of chosen) maxSim = Math.max(maxSim, redundancy(s, sw, t, words.get(t) ?? new Set()));
      const inCluster = s.cluster ? (clusterCount.get(s.cluster) ?? 0) : 0;
      const value = s.score - 0.2 * maxSim - 0.12 * inCluster;
      if (value > bestValue) {
        bestValue = value;
        best = s;
      }
    }
    if (!best) break;
    chosen.push(best);
    remaining.splice(remaining.indexOf(best), 1);
    if (best.cluster) clusterCount.set(best.cluster, (clusterCount.get(best.cluster) ?? 0) + 1);
  }
  return chosen;
}

/** Chooses the day's research items and standalone videos from `ranked` (best first). */
export function selectIssue(ranked: readonly ScoredCandidate[], opts: SelectOptions): Selection {
  const k = constraintsFrom(opts.rules, opts.maxResearch);
  const minRelevance = opts.minRelevance ?? MIN_RELEVANCE;
  const usedKeys = new Set<string>();
  const eligible: ScoredCandidate[] = [];
  for (const s of ranked) {
    if (opts.isSeen?.(s.candidate)) continue;
    if (s.tags.some((t) => k.avoid.has(t))) continue;
    const keys = identityKeysOf(s.candidate);
    // The same work arriving twice in one pool (say, arXiv and Hugging Face unmerged) is one candidate.
    if (keys.some((key) => usedKeys.has(key))) continue;
    for (const key of keys) usedKeys.add(key);
    eligible.push(s);
  }

  const researchPool = eligible.filter(
    (s) => (s.candidate.kind === "paper" || s.candidate.kind === "tool") && s.relevance >= minRelevance,
  );
  const researchPicked = diversify(
    researchPool,
    k.maxResearch,
    (s, chosen) =>
      s.candidate.kind !== "tool" || chosen.filter((x) => x.candidate.kind === "tool").length < k.maxTools,
  );
  researchPicked.sort((a, b) => b.score - a.score);

  const videos = selectVideos(eligible, researchPicked, k, minRelevance);
  const notes: string[] = [];
  const thin = researchPicked.length < Math.min(MIN_RESEARCH, k.maxResearch);
  if (thin) {
    const n = researchPicked.length;
    notes.push(
      n === 0
        ? "Thin day: nothing in today's pool was relevant enough to recommend, so this issue carries no research picks rather than weak ones."
        : `Thin day: only ${n} research item${n > 1 ? "s" : ""} cleared the relevance bar today; the rest of the pool was too far from your interests to pad with.`,
    );
  }
  // A shortfall of talks is noted by the issue's assembly, which alone knows whether author talks filled it.
  return {
    research: researchPicked,
    videos,
    notes,
    thin,
    wants: { authorTalks: k.authorTalks, minVideos: k.minVideos, maxVideos: k.maxVideos },
  };
}

/**
 * Standalone talks: relevant to the reader, and better when they match one of today's picks. When
 * a rule makes videos mandatory, the bar is lowered (to half) before the issue goes without.
 */
function selectVideos(
  eligible: readonly ScoredCandidate[],
  picks: readonly ScoredCandidate[],
  k: Constraints,
  minRelevance: number,
): ScoredCandidate[] {
  if (k.maxVideos === 0) return [];
  const pickTags = new Set(picks.flatMap((p) => p.tags));
  const pickClusters = new Set(picks.map((p) => p.cluster).filter((c): c is string => !!c));
  const talks = eligible
    .filter((s) => s.candidate.kind === "video")
    .map((s) => {
      // A talk that matches a pick (same topic or interest) is worth more: it deepens today's reading.
      const matchesPick =
        s.tags.some((t) => pickTags.has(t)) || (s.cluster !== undefined && pickClusters.has(s.cluster));
      return { s, value: s.score + (matchesPick ? 0.08 : 0) };
    })
    .sort((a, b) => b.value - a.value);
  const strong = talks.filter((t) => t.s.relevance >= minRelevance);
  const chosen = diversify(
    strong.map((t) => t.s),
    k.maxVideos,
    () => true,
  );
  if (chosen.length < k.minVideos) {
    const fallback = talks.filter((t) => t.s.relevance >= minRelevance / 2 && !chosen.includes(t.s));
    for (const t of fallback) {
      if (chosen.length >= k.minVideos) break;
      chosen.push(t.s);
    }
  }
  return chosen;
}
