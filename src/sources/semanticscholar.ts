import { z } from "zod";
import type { Candidate, Signals } from "../candidate";
import { request } from "../http";
import { encodeUrlPart, isHttpUrl } from "../http-url";
import { canonicalId, identityKeys, mergeSignals } from "../identity";
import { parseFailure, reportFrom } from "./report";
import { errorAt, type ParseError, type ParseResult, parseJson } from "./result";
import { collapseWhitespace, count, isoDate } from "./text";
import type { SourceContext, SourceFailure, SourceReport } from "./types";

/** The batch endpoint takes at most 500 ids per call. */
export const s2BatchLimit = 500;

const s2Author = z
  .object({ authorId: z.string().nullish(), name: z.string().nullish(), hIndex: z.number().nullish() })
  .loose();

const s2Paper = z
  .object({
    paperId: z.string(),
    title: z.string().nullish(),
    abstract: z.string().nullish(),
    url: z.string().nullish(),
    externalIds: z.record(z.string(), z.union([z.string(), z.number()]).nullish()).nullish(),
    citationCount: z.number().nullish(),
    influentialCitationCount: z.number().nullish(),
    tldr: z.object({ text: z.string().nullish() }).loose().nullish(),
    authors: z.array(s2Author).nullish(),
    fieldsOfStudy: z.array(z.string()).nullish(),
    publicationDate: z.string().nullish(),
    year: z.number().nullish(),
    journal: z.object({ name: z.string().nullish() }).loose().nullish(),
  })
  .loose();
type S2Paper = z.infer<typeof s2Paper>;

/**
 * Parses a Semantic Scholar payload: a paper batch (array, `null` for unknown ids), a search page
 * (`{total, data}`), recommendations (`{recommendedPapers}`), or a paper's authors (no candidates;
 * the note gives the largest h-index). `{error}` documents are errors.
 */
export function parseSemanticScholar(body: string): ParseResult {
  const json = parseJson("semanticscholar", body);
  if (!json.ok) return json;
  const value = json.value;
  let papers: unknown[];
  if (Array.isArray(value)) papers = value;
  else if (typeof value === "object" && value !== null) {
    const doc = value as Record<string, unknown>;
    if (typeof doc.error === "string" || typeof doc.message === "string") {
      const message = String(doc.error ?? doc.message);
      return {
        ok: false,
        error: errorAt(
          "semanticscholar",
          body,
          `"${doc.error !== undefined ? "error" : "message"}"`,
          `Semantic Scholar API error: ${message}`,
        ),
      };
    }
    if (Array.isArray(doc.recommendedPapers)) papers = doc.recommendedPapers;
    else if (
      Array.isArray(doc.data) &&
      doc.data.every((d) => typeof d === "object" && d !== null && "authorId" in d)
    ) {
      const hIndex = maxHIndex(doc.data);
      return {
        ok: true,
        candidates: [],
        note: `${doc.data.length} authors${hIndex !== undefined ? `; largest h-index ${hIndex}` : ""}`,
      };
    } else if (Array.isArray(doc.data)) papers = doc.data;
    else if ("total" in doc) papers = [];
    else if ("paperId" in doc) papers = [doc];
    else
      return {
        ok: false,
        error: errorAt("semanticscholar", body, "{", "not a Semantic Scholar paper payload"),
      };
  } else {
    return { ok: false, error: errorAt("semanticscholar", body, "", "not a Semantic Scholar paper payload") };
  }
  const candidates: Candidate[] = [];
  const dropped: ParseError[] = [];
  for (const [index, raw] of papers.entries()) {
    if (raw === null) continue; // an id S2 does not know
    const paper = s2Paper.safeParse(raw);
    if (!paper.success) {
      const issue = paper.error.issues[0];
      return {
        ok: false,
        error: {
          source: "semanticscholar",
          message: `paper ${index}: ${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "unexpected shape"}`,
        },
      };
    }
    const { url, ...rest } = paper.data;
    if (typeof url === "string" && !isHttpUrl(url)) {
      // The paper stays (its ids are good); its link falls back to the S2 page.
      dropped.push({
        source: "semanticscholar",
        message: `paper ${index}: url is not an http(s) URL (${JSON.stringify(url.slice(0, 80))}); field dropped`,
      });
    }
    const candidate = fromS2Paper(typeof url === "string" && isHttpUrl(url) ? { ...rest, url } : rest);
    if (candidate) candidates.push(candidate);
  }
  return {
    ok: true,
    candidates,
    quiet: candidates.length === 0,
    ...(dropped.length > 0 ? { dropped } : {}),
  };
}

function maxHIndex(authors: unknown[]): number | undefined {
  let best: number | undefined;
  for (const a of authors) {
    const parsed = s2Author.safeParse(a);
    const h = parsed.success ? count(parsed.data.hIndex) : undefined;
    if (h !== undefined && (best === undefined || h > best)) best = h;
  }
  return best;
}

function s2Signals(p: S2Paper): Signals {
  const signals: Signals = {};
  const citations = count(p.citationCount);
  if (citations !== undefined) signals.citations = citations;
  const influential = count(p.influentialCitationCount);
  if (influential !== undefined) signals.influentialCitations = influential;
  const tldr = p.tldr?.text;
  if (tldr) signals.tldr = collapseWhitespace(tldr);
  const hIndex = maxHIndex(p.authors ?? []);
  if (hIndex !== undefined) signals.maxAuthorHIndex = hIndex;
  if (p.journal?.name) signals.journalRef = p.journal.name;
  return signals;
}

function fromS2Paper(p: S2Paper): Candidate | undefined {
  const title = collapseWhitespace(p.title ?? "");
  if (title === "") return undefined;
  const ext = p.externalIds ?? {};
  const arxiv = typeof ext.ArXiv === "string" ? canonicalId(`arxiv:${ext.ArXiv}`) : undefined;
  const doi = typeof ext.DOI === "string" ? canonicalId(`doi:${ext.DOI}`) : undefined;
  const s2 = `s2:${p.paperId.toLowerCase()}`;
  const id = arxiv ?? doi ?? s2;
  const aliases = [...new Set([arxiv, doi, s2].filter((a): a is string => a !== undefined && a !== id))];
  const candidate: Candidate = {
    id,
    kind: "paper",
    title,
    summary: collapseWhitespace(p.abstract ?? ""),
    url: p.url ?? `https://www.semanticscholar.org/paper/${encodeUrlPart(p.paperId)}`,
    authors: (p.authors ?? []).map((a) => collapseWhitespace(a.name ?? "")).filter((a) => a !== ""),
    categories: p.fieldsOfStudy ?? [],
    aliases,
    sources: ["semanticscholar"],
    signals: s2Signals(p),
  };
  const published = isoDate(p.publicationDate ?? undefined);
  if (published !== undefined) candidate.published = published;
  if (typeof ext.DOI === "string") candidate.doi = ext.DOI;
  return candidate;
}

/** The id Semantic Scholar understands for a canonical id (`ARXIV:…`, `DOI:…`, a paper id). */
export function s2IdFor(canonical: string): string | undefined {
  if (canonical.startsWith("arxiv:")) return `ARXIV:${canonical.slice(6)}`;
  if (canonical.startsWith("doi:")) return `DOI:${canonical.slice(4)}`;
  if (canonical.startsWith("s2:")) return canonical.slice(3);
  return undefined;
}

function s2Headers(ctx: SourceContext): Record<string, string> {
  const headers: Record<string, string> = {
    "user-agent": ctx.config.userAgent,
    "content-type": "application/json",
  };
  if (ctx.config.s2ApiKey) headers["x-api-key"] = ctx.config.s2ApiKey;
  return headers;
}

/** Without a key requests share a global pool that often answers 429: back off longer. */
function s2Retry(ctx: SourceContext) {
  return ctx.config.s2ApiKey
    ? { minIntervalMs: 1_000, baseDelayMs: 1_000, maxAttempts: 3 }
    : { minIntervalMs: 1_000, baseDelayMs: 2_000, maxAttempts: 4 };
}

// Nested author fields are documented for single papers; should the batch endpoint refuse them
// (HTTP 400), the batch is asked again without them rather than losing every other signal.
const batchFields =
  "externalIds,title,citationCount,influentialCitationCount,tldr,authors.name,authors.hIndex";
const batchFieldsWithoutAuthors = "externalIds,title,citationCount,influentialCitationCount,tldr";

/**
 * Adds Semantic Scholar's citations, influential citations, TLDR and the authors' largest
 * h-index to the papers among `candidates` (batches of 500). Results are matched by identity, not
 * position, so an answer about other papers never lands on the wrong candidate. A failure leaves
 * the candidates as they were and is returned for the report.
 */
export async function enrichWithSemanticScholar(
  ctx: SourceContext,
  candidates: Candidate[],
): Promise<{ candidates: Candidate[]; report: SourceReport }> {
  const byKey = new Map<string, number>();
  const ids: string[] = [];
  candidates.forEach((c, i) => {
    if (c.kind !== "paper") return;
    for (const key of identityKeys(c)) byKey.set(key, i);
    const s2 = s2IdFor(canonicalId(c.id) ?? c.id);
    if (s2) ids.push(s2);
  });
  const failures: SourceFailure[] = [];
  const out = [...candidates];
  let matched = 0;
  for (let start = 0; start < ids.length; start += s2BatchLimit) {
    const chunk = ids.slice(start, start + s2BatchLimit);
    const post = (fields: string) =>
      request(ctx, `${ctx.config.s2ApiUrl}/graph/v1/paper/batch?fields=${fields}`, {
        source: "semanticscholar",
        method: "POST",
        headers: s2Headers(ctx),
        body: JSON.stringify({ ids: chunk }),
        timeoutMs: 30_000,
        ...s2Retry(ctx),
      });
    let response = await post(batchFields);
    if (!response.ok && response.status === 400) response = await post(batchFieldsWithoutAuthors);
    if (!response.ok) {
      failures.push(response.failure);
      break; // S2 is down or rate-limiting: the remaining batches would fare no better.
    }
    const result = parseSemanticScholar(response.body);
    if (!result.ok) {
      failures.push(parseFailure(result.error, response.status));
      break;
    }
    for (const found of result.candidates) {
      const index = identityKeys(found)
        .map((k) => byKey.get(k))
        .find((i) => i !== undefined);
      const target = index === undefined ? undefined : out[index];
      if (index === undefined || target === undefined) continue;
      matched++;
      out[index] = {
        ...target,
        aliases: [
          ...new Set([...target.aliases, ...[found.id, ...found.aliases].filter((a) => a !== target.id)]),
        ],
        sources: [...new Set([...target.sources, "semanticscholar" as const])],
        signals: mergeSignals([target.signals, found.signals]),
        doi: target.doi ?? found.doi,
      };
      if (out[index]?.doi === undefined) delete out[index]?.doi;
    }
  }
  return {
    candidates: out,
    report: {
      source: "semanticscholar",
      candidates: [],
      failures,
      quiet: failures.length === 0 && matched === 0,
    },
  };
}

/** Papers Semantic Scholar recommends from the reader's liked papers (canonical ids). */
export async function fetchRecommendations(
  ctx: SourceContext,
  likedIds: string[],
  limit = 50,
): Promise<SourceReport> {
  const positive = likedIds.map((id) => s2IdFor(canonicalId(id) ?? id)).filter((id): id is string => !!id);
  if (positive.length === 0) return { source: "semanticscholar", candidates: [], failures: [], quiet: true };
  const fields =
    "title,abstract,url,externalIds,authors,citationCount,influentialCitationCount,publicationDate";
  const response = await request(
    ctx,
    `${ctx.config.s2ApiUrl}/recommendations/v1/papers/?fields=${fields}&limit=${limit}`,
    {
      source: "semanticscholar",
      method: "POST",
      headers: s2Headers(ctx),
      body: JSON.stringify({ positivePaperIds: positive.slice(0, 100), negativePaperIds: [] }),
      ...s2Retry(ctx),
    },
  );
  return reportFrom("semanticscholar", response, parseSemanticScholar);
}

/** The largest h-index among a paper's authors (`/graph/v1/paper/{id}/authors`), or undefined. */
export async function fetchMaxAuthorHIndex(
  ctx: SourceContext,
  candidateId: string,
): Promise<number | undefined> {
  const s2 = s2IdFor(candidateId);
  if (!s2) return undefined;
  const response = await request(
    ctx,
    `${ctx.config.s2ApiUrl}/graph/v1/paper/${encodeURIComponent(s2)}/authors?fields=name,hIndex&limit=100`,
    { source: "semanticscholar", headers: s2Headers(ctx), ...s2Retry(ctx) },
  );
  if (!response.ok) return undefined;
  const json = parseJson("semanticscholar", response.body);
  if (!json.ok || typeof json.value !== "object" || json.value === null) return undefined;
  const data = (json.value as { data?: unknown }).data;
  return Array.isArray(data) ? maxHIndex(data) : undefined;
}
