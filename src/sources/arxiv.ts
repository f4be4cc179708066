import type { Candidate, Signals } from "../candidate";
import { request } from "../http";
import { encodeUrlPart } from "../http-url";
import { arxivId } from "../identity";
import { attr, child, children, parseXml, text, texts, type XmlNode } from "../xml";
import { reportFrom } from "./report";
import { errorAt, type ParseResult } from "./result";
import { collapseWhitespace, isoDate } from "./text";
import type { SourceContext, SourceReport } from "./types";

/** arXiv asks for at most one request every three seconds. */
export const arxivMinIntervalMs = 3_000;

/**
 * Parses an arXiv payload: the daily listing RSS (`rss.arxiv.org/rss/<cats>`) or the query API
 * Atom feed (current or legacy 2016 format), told apart by their root element.
 */
export function parseArxiv(body: string): ParseResult {
  const parsed = parseXml("arxiv", body);
  if (!parsed.ok) return parsed;
  const { doc } = parsed;
  if (child(doc, "rss")) return parseArxivListing(body, doc);
  if (child(doc, "feed")) return parseArxivApi(body, doc);
  return {
    ok: false,
    error: errorAt("arxiv", body, "<", "neither an arXiv RSS listing (<rss>) nor an API feed (<feed>)"),
  };
}

/** The daily listing: `<item>`s with `arxiv:announce_type` new / cross / replace / replace-cross. */
function parseArxivListing(body: string, doc: XmlNode): ParseResult {
  const channel = child(child(doc, "rss"), "channel");
  if (!channel)
    return { ok: false, error: errorAt("arxiv", body, "<rss", "RSS document without a <channel>") };
  const title = text(channel, "title") ?? "";
  if (/^feed error/i.test(title)) {
    // e.g. "Bad archive 'astroph'. Valid archive names are: …"
    const description = collapseWhitespace(text(channel, "description") ?? title);
    return {
      ok: false,
      error: errorAt("arxiv", body, "<description>", `arXiv listing error: ${description}`),
    };
  }
  const items = children(channel, "item");
  if (items.length === 0) {
    const skipDays = texts(child(channel, "skipDays"), "day");
    const built = text(channel, "lastBuildDate");
    return {
      ok: true,
      candidates: [],
      quiet: true,
      note: `arXiv announced nothing in this listing${built ? ` (built ${built})` : ""}; no announcements on ${
        skipDays.length > 0 ? skipDays.join(" and ") : "weekends"
      } or holidays`,
    };
  }
  const candidates: Candidate[] = [];
  for (const item of items) {
    const candidate = listingItem(item);
    if (candidate) candidates.push(candidate);
  }
  return { ok: true, candidates };
}

function listingItem(item: unknown): Candidate | undefined {
  const guid = text(item, "guid") ?? "";
  const link = text(item, "link") ?? "";
  // guid "oai:arXiv.org:2411.17700v1" carries the version; the link does not.
  const versioned = guid.replace(/^oai:arXiv\.org:/i, "");
  const id = arxivId(versioned) ?? arxivId(link.replace(/^https?:\/\/(www\.)?arxiv\.org\/abs\//, ""));
  const title = collapseWhitespace(text(item, "title") ?? "");
  if (id === undefined || title === "") return undefined;
  const description = text(item, "description") ?? "";
  const abstractAt = description.indexOf("Abstract:");
  const summary = collapseWhitespace(abstractAt >= 0 ? description.slice(abstractAt + 9) : description);
  const signals: Signals = {};
  const announceType = text(item, "announce_type") ?? /Announce Type:\s*([a-z-]+)/.exec(description)?.[1];
  if (announceType) signals.announceType = announceType;
  const journalRef = text(item, "journal_reference");
  if (journalRef) signals.journalRef = collapseWhitespace(journalRef);
  const doi = text(item, "DOI");
  return paper({
    id,
    versioned: arxivId(versioned) !== undefined && /v\d+$/.test(versioned) ? versioned : undefined,
    title,
    summary,
    authors: splitCreators(texts(item, "creator")),
    categories: texts(item, "category"),
    published: isoDate(text(item, "pubDate")),
    updated: undefined,
    doi,
    signals,
  });
}

/** `dc:creator` is one comma-separated string per item ("A, B and C"). */
function splitCreators(creators: string[]): string[] {
  return creators
    .flatMap((c) => c.split(/,\s*(?:and\s+)?|\s+and\s+/))
    .map((a) => collapseWhitespace(a))
    .filter((a) => a !== "");
}

/** The query API's Atom feed; an entry whose id is under `/api/errors` is the API saying no. */
function parseArxivApi(body: string, doc: XmlNode): ParseResult {
  const feed = child(doc, "feed");
  const entries = children(feed, "entry");
  const candidates: Candidate[] = [];
  for (const entry of entries) {
    const rawId = text(entry, "id") ?? "";
    if (rawId.includes("/api/errors")) {
      const message = collapseWhitespace(text(entry, "summary") ?? text(entry, "title") ?? "unknown error");
      return { ok: false, error: errorAt("arxiv", body, "/api/errors", `arXiv API error: ${message}`) };
    }
    const versioned = rawId.replace(/^https?:\/\/(www\.|export\.)?arxiv\.org\/abs\//, "");
    const id = arxivId(versioned);
    const title = collapseWhitespace(text(entry, "title") ?? "");
    if (id === undefined || title === "") continue;
    const signals: Signals = {};
    const comment = text(entry, "comment");
    if (comment) {
      signals.comment = collapseWhitespace(comment);
      const pages = /(\d+)\s*pages/i.exec(comment)?.[1];
      if (pages !== undefined) signals.pages = Number(pages);
    }
    const journalRef = text(entry, "journal_ref");
    if (journalRef) signals.journalRef = collapseWhitespace(journalRef);
    const primary = attr(child(entry, "primary_category"), "term");
    const categories = children(entry, "category")
      .map((c) => attr(c, "term"))
      .filter((t): t is string => t !== undefined);
    candidates.push(
      paper({
        id,
        versioned: /v\d+$/.test(versioned) ? versioned : undefined,
        title,
        summary: collapseWhitespace(text(entry, "summary") ?? ""),
        authors: children(entry, "author")
          .map((a) => collapseWhitespace(text(a, "name") ?? ""))
          .filter((a) => a !== ""),
        categories: [...new Set([...(primary ? [primary] : []), ...categories])],
        published: isoDate(text(entry, "published")),
        updated: isoDate(text(entry, "updated")),
        doi: text(entry, "doi"),
        signals,
      }),
    );
  }
  return { ok: true, candidates };
}

interface PaperFields {
  id: string;
  versioned: string | undefined;
  title: string;
  summary: string;
  authors: string[];
  categories: string[];
  published: string | undefined;
  updated: string | undefined;
  doi: string | undefined;
  signals: Signals;
}

function paper(f: PaperFields): Candidate {
  const aliases = [`doi:10.48550/arxiv.${f.id}`];
  if (f.versioned !== undefined) aliases.unshift(`arxiv:${f.versioned}`);
  const doi = f.doi?.trim();
  if (doi) aliases.push(`doi:${doi.toLowerCase()}`);
  const candidate: Candidate = {
    id: `arxiv:${f.id}`,
    kind: "paper",
    title: f.title,
    summary: f.summary,
    url: `https://arxiv.org/abs/${encodeUrlPart(f.id, { keepSlashes: true })}`,
    authors: f.authors,
    categories: f.categories,
    aliases,
    sources: ["arxiv"],
    signals: f.signals,
  };
  if (f.published !== undefined) candidate.published = f.published;
  if (f.updated !== undefined) candidate.updated = f.updated;
  if (doi) candidate.doi = doi;
  return candidate;
}

/**
 * Today's listing for `categories`, in one combined request (`<rss>/cs.LG+stat.ML`). An empty
 * channel is a quiet day (weekend, holiday), not a failure.
 */
export async function fetchArxivListing(ctx: SourceContext, categories: string[]): Promise<SourceReport> {
  const cats = categories.length > 0 ? categories : ctx.config.arxivCategories;
  const url = `${ctx.config.arxivRssUrl.replace(/\/+$/, "")}/${cats.map(encodeURIComponent).join("+")}`;
  const response = await request(ctx, url, {
    source: "arxiv",
    headers: { "user-agent": ctx.config.userAgent, accept: "application/rss+xml, application/xml" },
    minIntervalMs: arxivMinIntervalMs,
    baseDelayMs: arxivMinIntervalMs,
    timeoutMs: 30_000,
  });
  return reportFrom("arxiv", response, parseArxiv);
}

/**
 * Papers by id from the query API (`id_list`), at most 2,000 a call; spaced 3 s apart per arXiv's
 * rules. Used to look up liked or referenced papers the listing does not carry.
 */
export async function fetchArxivByIds(ctx: SourceContext, ids: string[]): Promise<SourceReport> {
  const clean = [
    ...new Set(ids.map((i) => arxivId(i.replace(/^arxiv:/i, ""))).filter((i): i is string => !!i)),
  ];
  if (clean.length === 0) return { source: "arxiv", candidates: [], failures: [], quiet: true };
  const params = new URLSearchParams({ id_list: clean.join(","), max_results: String(clean.length) });
  const response = await request(ctx, `${ctx.config.arxivApiUrl}?${params}`, {
    source: "arxiv",
    headers: { "user-agent": ctx.config.userAgent },
    minIntervalMs: arxivMinIntervalMs,
    baseDelayMs: arxivMinIntervalMs,
    // The API answers a bad id with HTTP 400 and an Atom error entry worth reading.
    acceptStatus: [400],
    timeoutMs: 30_000,
  });
  return reportFrom("arxiv", response, parseArxiv);
}
