/**
 * Identity keys of candidates, computed once per candidate object. Ranking and selection both need
 * every candidate's keys (novelty against the reader's references, one pick per work), and
 * canonicalizing ids and URLs is a large share of a reader's selection cost. Candidates are
 * immutable values once parsed, so a key list stays valid for as long as its object lives.
 */
import type { Candidate } from "../candidate";
import { identityKeys } from "../identity";

const known = new WeakMap<Candidate, readonly string[]>();

/** `identityKeys(c)`, remembered per candidate object. */
export function identityKeysOf(c: Candidate): readonly string[] {
  let keys = known.get(c);
  if (keys === undefined) {
    keys = identityKeys(c);
    known.set(c, keys);
  }
  return keys;
}

/** Records keys computed from a candidate with the same id, aliases, DOI and URL as `c`. */
export function rememberIdentityKeys(c: Candidate, keys: readonly string[]): void {
  known.set(c, keys);
}
