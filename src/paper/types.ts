import { z } from "zod";

/** A displayed equation of the paper, macros expanded, with what the text says around it. */
export const PaperEquation = z.object({
  tex: z.string(),
  labels: z.array(z.string()),
  section: z.string(),
  /** The sentence that introduces it (prose before the display), Markdown with `$…$` math. */
  before: z.string(),
  /** The sentence that follows it ("where …"), if any. */
  after: z.string(),
  /** How often the paper refers to it (`\eqref`, `\ref`, `\cref` of its labels). */
  references: z.number().int(),
  /** Whether the introduction, the contribution list or the abstract refers to it. */
  citedEarly: z.boolean(),
  /** Position among the displayed equations, from 0. */
  index: z.number().int(),
});
export type PaperEquation = z.infer<typeof PaperEquation>;

export const PaperTheorem = z.object({
  kind: z.string(),
  label: z.string().optional(),
  title: z.string().optional(),
  statement: z.string(),
});
export type PaperTheorem = z.infer<typeof PaperTheorem>;

/** A headline number with its baseline, from a sentence of the experiments or results. */
export const PaperFigure = z.object({
  value: z.string(),
  baseline: z.string().optional(),
  sentence: z.string(),
  section: z.string(),
});
export type PaperFigure = z.infer<typeof PaperFigure>;

/** What the writer knows about a paper beyond its abstract; cached per candidate. */
export const PaperContext = z.object({
  arxivId: z.string(),
  /** Where it came from: the LaTeX e-print, arXiv's HTML rendering, or nothing but the abstract. */
  source: z.enum(["eprint", "html", "abstract"]),
  /** Why a richer source was not available (shown in the notes when only the abstract was). */
  fallbackReason: z.string().optional(),
  mainFile: z.string().optional(),
  inputs: z.array(z.string()).default([]),
  macros: z.record(
    z.string(),
    z.object({ params: z.number(), body: z.string(), optional: z.string().optional() }),
  ),
  abstract: z.string().optional(),
  equations: z.array(PaperEquation),
  /** Index into `equations` of the paper's central equation (see `centralEquation`). */
  central: z.number().int().optional(),
  theorems: z.array(PaperTheorem),
  contributions: z.array(z.string()),
  figures: z.array(PaperFigure),
  /** Cost of fetching and reading, for the bench and the run log. */
  cost: z.object({ bytesIn: z.number(), bytesOut: z.number(), cpuMs: z.number() }).optional(),
});
export type PaperContext = z.infer<typeof PaperContext>;
