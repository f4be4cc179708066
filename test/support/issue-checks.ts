import { expect } from "vitest";
import type { Issue } from "../../src/issue";

/** What every issue a reader receives must have: 3–4 picks (at most one tool), six filled fields each, 1–2 talks. */
export function expectCompleteIssue(issue: Issue): void {
  expect(issue.items.length).toBeGreaterThanOrEqual(3);
  expect(issue.items.length).toBeLessThanOrEqual(4);
  expect(issue.items.filter((i) => i.kind === "tool").length).toBeLessThanOrEqual(1);
  for (const item of issue.items) {
    for (const f of [
      item.domain,
      item.timeCost,
      item.intuition,
      item.punch,
      item.significance,
      item.whyItMatches,
    ]) {
      expect(f.trim()).not.toBe("");
    }
  }
  expect(issue.videos.length).toBeGreaterThanOrEqual(1);
  expect(issue.videos.length).toBeLessThanOrEqual(2);
}
