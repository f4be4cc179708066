import type { Candidate } from "../candidate";
import type { Rule, Writeup } from "../issue";
import type { PaperContext } from "../paper/types";
import type { ReaderProfile } from "../profile";

/** Why the scorer picked a candidate for this reader; the writer turns it into "Why it matches". */
export interface MatchExplanation {
  /** Reader interests the candidate hit, in the profile's own words. */
  interests: string[];
  /** Titles of items the reader liked (or reference papers) the candidate resembles. */
  liked: string[];
  /** Reader lenses the candidate exercises ("variational principles", "duality"…). */
  lenses: string[];
  /** Outside signals worth naming ("84 HF upvotes", "author h-index 60"…). */
  signals: string[];
  /** The scorer's one-line summary. */
  text: string;
}

/** Everything a writer needs to write one research pick for one reader. */
export interface WriteInput {
  candidate: Candidate;
  explanation: MatchExplanation;
  profile: ReaderProfile;
  rules: Rule[];
  /** Topic tags of the pick ("optimal-transport", "attention"…). */
  tags: string[];
  /** What was read from the paper's source (equations, theorems, contributions, figures), when it was. */
  paper?: PaperContext;
}

/** Writes the six write-up fields of a pick, and one-line reasons for talks. */
export interface Writer {
  readonly name: string;
  writeItem(input: WriteInput): Promise<Writeup>;
  videoReason(video: Candidate, context: { picks: Candidate[]; profile: ReaderProfile }): string;
}
