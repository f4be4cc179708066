/**
 * What a person gives at sign-up (the web form, JSON, or a Telegram chat), validated into the
 * reader's profile: 1–10 interest statements, optional arXiv categories (checked against the real
 * taxonomy) and optional known papers (arXiv ids, DOIs, or a BibTeX export parsed by
 * `bibtex-parse`). Every failure names the field, so a 400 can say what to fix.
 */
import { entries as bibtexEntries } from "bibtex-parse";
import { z } from "zod";
import { isArxivCategory } from "./arxiv-categories";
import { canonicalId } from "./identity";
import type { ReaderProfile, ReferencePaper } from "./profile";

/** The largest BibTeX upload the form takes. */
export const BIBTEX_MAX_BYTES = 1024 * 1024;
export const INTERESTS_MIN = 1;
export const INTERESTS_MAX = 10;
/** At most this many known papers are kept (the scorer compares every candidate with each). */
export const KNOWN_PAPERS_MAX = 300;

/** A field-level problem with a sign-up. */
export interface SignupIssue {
  field: "email" | "interests" | "categories" | "papers" | "bibtex";
  message: string;
}

/** A valid sign-up's reader facts (the email is checked by the route). */
export interface ReaderInterests {
  /** Empty: the reader starts as a copy of the public reader's profile. */
  interests: string[];
  categories: string[];
  references: ReferencePaper[];
}

const Interest = z
  .string()
  .trim()
  .min(3, "each interest needs at least 3 characters")
  .max(300, "each interest is at most 300 characters");

/** A textarea (one per line) or a JSON array of strings, as a list of non-empty trimmed lines. */
function lines(raw: unknown, split: RegExp): string[] | undefined {
  if (raw === undefined || raw === null || raw === "") return [];
  if (typeof raw === "string")
    return raw
      .split(split)
      .map((s) => s.trim())
      .filter((s) => s !== "");
  if (Array.isArray(raw) && raw.every((x) => typeof x === "string"))
    return raw.map((s) => s.trim()).filter((s) => s !== "");
  return undefined;
}

/** Interests: 1–10 statements of 3–300 characters; `required` false allows none (copy of the public profile). */
export function parseInterests(raw: unknown, required: boolean): string[] | SignupIssue {
  const list = lines(raw, /\r?\n/);
  if (list === undefined) return { field: "interests", message: "give interests as text, one per line" };
  if (list.length === 0 && !required) return [];
  if (list.length < INTERESTS_MIN) return { field: "interests", message: "write at least one interest" };
  if (list.length > INTERESTS_MAX)
    return { field: "interests", message: `at most ${INTERESTS_MAX} interests (got ${list.length})` };
  for (const [i, line] of list.entries()) {
    const parsed = Interest.safeParse(line);
    if (!parsed.success)
      return {
        field: "interests",
        message: `line ${i + 1}: ${parsed.error.issues[0]?.message ?? "invalid"}`,
      };
  }
  return [...new Set(list)];
}

/** arXiv categories, comma, space or line separated; each must be a real category. */
export function parseCategories(raw: unknown): string[] | SignupIssue {
  const list = lines(raw, /[\s,]+/);
  if (list === undefined)
    return { field: "categories", message: "give categories as text, e.g. cs.LG, stat.ML" };
  if (list.length > 20) return { field: "categories", message: "at most 20 categories" };
  const unknown = list.filter((c) => !isArxivCategory(c));
  if (unknown.length > 0)
    return {
      field: "categories",
      message: `not arXiv categories: ${unknown.slice(0, 5).join(", ")} (see https://arxiv.org/category_taxonomy)`,
    };
  return [...new Set(list)];
}

/** Known papers given as arXiv ids or DOIs (one per line, or separated by spaces or commas). */
export function parsePaperIds(raw: unknown): ReferencePaper[] | SignupIssue {
  const list = lines(raw, /[\s,]+/);
  if (list === undefined)
    return { field: "papers", message: "give papers as arXiv ids or DOIs, one per line" };
  if (list.length > KNOWN_PAPERS_MAX)
    return { field: "papers", message: `at most ${KNOWN_PAPERS_MAX} papers` };
  const refs: ReferencePaper[] = [];
  for (const item of list) {
    const id = canonicalId(item);
    if (!id || !(id.startsWith("arxiv:") || id.startsWith("doi:")))
      return { field: "papers", message: `“${item.slice(0, 80)}” is neither an arXiv id nor a DOI` };
    refs.push({ id, title: id });
  }
  return refs;
}

function field(entry: Record<string, unknown>, name: string): string | undefined {
  const v = entry[name];
  if (typeof v === "number") return String(v);
  return typeof v === "string" && v.trim() !== "" ? v.replace(/\s+/g, " ").trim() : undefined;
}

/** The known papers of a BibTeX export: title, abstract and an arXiv id or DOI where the entry has one. */
export function parseBibtex(text: string): ReferencePaper[] | SignupIssue {
  if (new TextEncoder().encode(text).byteLength > BIBTEX_MAX_BYTES)
    return { field: "bibtex", message: "the BibTeX file is larger than 1 MiB" };
  if (text.trim() === "") return [];
  let parsed: ReturnType<typeof bibtexEntries>;
  try {
    parsed = bibtexEntries(text);
  } catch (err) {
    const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return { field: "bibtex", message: `not valid BibTeX: ${message?.slice(0, 200)}` };
  }
  const refs: ReferencePaper[] = [];
  for (const entry of parsed) {
    const title = field(entry, "TITLE");
    if (!title) continue;
    const eprint = field(entry, "EPRINT");
    const doi = field(entry, "DOI");
    const fromUrl = field(entry, "URL");
    const id =
      (eprint && canonicalId(eprint)) ||
      (doi && canonicalId(doi)) ||
      (fromUrl && canonicalId(fromUrl)) ||
      undefined;
    const summary = field(entry, "ABSTRACT");
    refs.push({
      title: title.slice(0, 500),
      ...(id ? { id } : {}),
      ...(summary ? { summary: summary.slice(0, 2000) } : {}),
    });
  }
  if (refs.length === 0) return { field: "bibtex", message: "no entry with a title in the BibTeX file" };
  if (refs.length > KNOWN_PAPERS_MAX)
    return { field: "bibtex", message: `at most ${KNOWN_PAPERS_MAX} entries` };
  return refs;
}

function isIssue(x: unknown): x is SignupIssue {
  return typeof x === "object" && x !== null && "field" in x && "message" in x && !Array.isArray(x);
}

/**
 * The reader facts of a sign-up or an edit (form fields or JSON): `interests`, `categories`,
 * `papers` and the BibTeX text. The first problem found is returned, naming its field.
 */
export function parseReaderInterests(
  raw: { interests?: unknown; categories?: unknown; papers?: unknown; bibtex?: string | undefined },
  opts: { interestsRequired: boolean },
): ReaderInterests | SignupIssue {
  const interests = parseInterests(raw.interests, opts.interestsRequired);
  if (isIssue(interests)) return interests;
  const categories = parseCategories(raw.categories);
  if (isIssue(categories)) return categories;
  const ids = parsePaperIds(raw.papers);
  if (isIssue(ids)) return ids;
  const bib = raw.bibtex ? parseBibtex(raw.bibtex) : [];
  if (isIssue(bib)) return bib;
  const seen = new Set<string>();
  const references = [...bib, ...ids].filter((r) => {
    const key = r.id ?? r.title.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (references.length > KNOWN_PAPERS_MAX)
    return { field: "papers", message: `at most ${KNOWN_PAPERS_MAX} known papers in all` };
  return { interests, categories, references };
}

export function isSignupIssue(x: ReaderInterests | SignupIssue): x is SignupIssue {
  return isIssue(x);
}

/**
 * The profile of a new reader: its own interests when given, otherwise a copy of the public
 * reader's (which then evolves with this reader's own feedback).
 */
export function profileForReader(
  readerId: string,
  given: ReaderInterests,
  publicProfile: ReaderProfile | null,
): ReaderProfile {
  const base: ReaderProfile =
    given.interests.length === 0 && publicProfile
      ? { ...structuredClone(publicProfile), delivery: { channels: [], timezone: "UTC" } }
      : {
          id: readerId,
          name: "Reader",
          interests: given.interests.length > 0 ? given.interests : ["machine learning research"],
          lenses: [],
          references: [],
          categories: [],
          youtubeChannels: [],
          delivery: { channels: [], timezone: "UTC" },
        };
  return {
    ...base,
    id: readerId,
    name: "Reader",
    categories: given.categories.length > 0 ? given.categories : base.categories,
    references: [...base.references, ...given.references],
  };
}
