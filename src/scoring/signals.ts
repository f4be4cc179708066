/**
 * Signals beyond text: community attention (HF upvotes, HN points), scholarly weight (citations,
 * author h-index), recency, a tool's stars and recent activity, a talk's length. Each adds a small,
 * bounded bonus; none can lift an off-topic item (the caller gates the bonus by relevance).
 */
import type { Candidate } from "../candidate";

export interface SignalAssessment {
  bonus: number;
  /** Readable reasons, e.g. "42 upvotes on Hugging Face". */
  reasons: string[];
}

const DAY_MS = 86_400_000;

function logScale(x: number, full: number): number {
  return Math.min(1, Math.log1p(Math.max(0, x)) / Math.log1p(full));
}

function ageDays(iso: string | undefined, now: Date): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : (now.getTime() - t) / DAY_MS;
}

function compact(n: number): string {
  return n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

/** The signal bonus of `c` at `now`, with the reasons worth telling the reader. */
export function assessSignals(c: Candidate, now: Date): SignalAssessment {
  const s = c.signals;
  let bonus = 0;
  const reasons: string[] = [];
  if (s.hfUpvotes !== undefined && s.hfUpvotes > 0) {
    bonus += 0.06 * logScale(s.hfUpvotes, 100);
    reasons.push(`${s.hfUpvotes} upvotes on Hugging Face`);
  }
  if (s.citations !== undefined && s.citations > 0) {
    bonus += 0.03 * logScale(s.citations, 500);
    reasons.push(`cited ${compact(s.citations)} times`);
  }
  if (s.maxAuthorHIndex !== undefined && s.maxAuthorHIndex >= 20) {
    bonus += 0.02 * Math.min(1, s.maxAuthorHIndex / 60);
    reasons.push(`an author with h-index ${s.maxAuthorHIndex}`);
  }
  if (s.hnPoints !== undefined && s.hnPoints >= 20) {
    bonus += 0.02 * logScale(s.hnPoints, 500);
    reasons.push(`${s.hnPoints} points on Hacker News`);
  }
  if (c.kind === "tool") {
    if (s.stars !== undefined) {
      bonus += 0.05 * logScale(s.stars, 5000);
      if (s.stars > 0) reasons.push(`${compact(s.stars)} GitHub stars`);
    }
    const pushed = ageDays(s.pushedAt, now);
    if (pushed !== undefined) {
      if (pushed <= 30) {
        bonus += 0.03;
        reasons.push("active this month");
      } else if (pushed > 365) {
        bonus -= 0.04;
        reasons.push("no commits for over a year");
      }
    }
  } else if (c.kind === "video") {
    const minutes = s.durationSeconds !== undefined ? s.durationSeconds / 60 : undefined;
    if (minutes !== undefined) {
      // A talk the reader can watch in one sitting; shorts and day-long streams are worse picks.
      if (minutes >= 15 && minutes <= 120) bonus += 0.02;
      else if (minutes < 5) bonus -= 0.04;
      reasons.push(`${Math.round(minutes)} min talk`);
    }
  } else {
    const age = ageDays(c.published ?? c.updated, now);
    if (age !== undefined) {
      if (age <= 3) {
        bonus += 0.03;
        reasons.push(age < 1.5 ? "announced today" : "announced this week");
      } else if (age <= 14) bonus += 0.015;
      else if (age > 365) bonus -= 0.03;
    }
  }
  return { bonus, reasons };
}
