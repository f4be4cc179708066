/**
 * Lenses are ways of thinking the reader likes ("duality", "physics-style perturbation"). A lens
 * matches a candidate when the candidate's text shows the cues of that way of thinking.
 */
import { normalizeText, tokenize } from "./terms";

interface LensCues {
  /** Recognizes the lens statement (what the reader wrote). */
  lens: RegExp;
  /** Recognizes the lens in a candidate's text. */
  cues: RegExp;
}

const KNOWN_LENSES: readonly LensCues[] = [
  {
    lens: /dual/,
    cues: /\b(dual(?:ity)?|legendre|fenchel|convex conjugate|lagrangian|saddle[- ]point|primal-dual|min-?max)\b/,
  },
  {
    lens: /variational/,
    cues: /\b(variational|energy functional|free energy|evidence lower bound|elbo|least action|gradient flow|jko|minimi[sz]ing movement)/,
  },
  {
    lens: /information[- ]geometr/,
    cues: /\b(information geometr|fisher information|fisher-rao|natural gradient|kl divergence|kullback|bregman|mirror descent|exponential famil)/,
  },
  {
    lens: /first[- ]principles?|derivation/,
    cues: /\b(closed[- ]form|we derive|derivation|from first principles|theorem|we prove|exact (?:solution|characteri[sz]ation|expression)|analytic(?:al)? (?:solution|expression|formula))/,
  },
  {
    lens: /perturbation|physics/,
    cues: /\b(perturbati|cumulant|asymptotic expansion|series expansion|statistical (?:mechanics|physics)|renormali[sz]|phase transition|large deviation|non-?equilibrium|thermodynamic)/,
  },
];

/** How many lenses have known cues; their indices are what `knownLensIndex` returns. */
export const KNOWN_LENS_COUNT = KNOWN_LENSES.length;

/** Index of the known lens a lens statement names, or -1 when it is not one of them. */
export function knownLensIndex(lens: string): number {
  const lensNorm = normalizeText(lens);
  return KNOWN_LENSES.findIndex((k) => k.lens.test(lensNorm));
}

/** Whether normalized text shows the cues of known lens `index`. */
export function showsKnownLens(index: number, normalized: string): boolean {
  return KNOWN_LENSES[index]?.cues.test(normalized) ?? false;
}

/** The distinctive words (5+ letters, stemmed) that an unknown lens needs to see, all of them. */
export function unknownLensWords(lens: string): string[] {
  return tokenize(lens).filter((w) => w.length >= 5);
}
