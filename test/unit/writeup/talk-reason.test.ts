import { describe, expect, it } from "vitest";
import { demoProfile } from "../../../src/demo-profile";
import { talkLibraryCandidates } from "../../../src/sources/talks";
import { talkReason } from "../../../src/writeup/talk-reason";
import { rssCandidates } from "./real-candidates";

const talks = talkLibraryCandidates();
const picks = rssCandidates();

describe("the line beside a talk", () => {
  it("says what every library talk covers in words that end at a clause, not mid-phrase, when one fits", () => {
    let clauseEnded = 0;
    for (const talk of talks) {
      const line = talkReason(talk, { picks, profile: demoProfile });
      // the part after the talk's name and before "Why it fits" / the theme, i.e. what it covers
      const covers = line.split(/: (.*)/s)[1] ?? line;
      expect(covers.length).toBeGreaterThan(20);
      const longFirstSentence = (talk.summary.split(/(?<=[.!?])\s+/)[0] ?? "").split(/\s+/).length > 24;
      if (longFirstSentence && !covers.includes("…")) clauseEnded++;
    }
    // the library's long descriptions all have a clause boundary within reach
    expect(clauseEnded).toBeGreaterThan(0);
  });

  it("shortens the MIT flow-matching lecture at its colon instead of cutting a phrase in half", () => {
    const lecture = talks.find((t) => t.url.includes("KxWkA3KBdRI"));
    expect(lecture).toBeDefined();
    if (!lecture) return;
    const line = talkReason(lecture, { picks, profile: demoProfile });
    expect(line).toContain(
      "first lecture of MIT's course on flow and diffusion models, built from first principles",
    );
    expect(line).not.toContain("ordinary and…");
  });
});
