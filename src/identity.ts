import { type Candidate, type Signals, SourceName } from "./candidate";

/**
 * Canonical identity of works across sources and versions.
 *
 * One canonical id per work: `arxiv:2602.03067` (no version), `arxiv:astro-ph/0601001`,
 * `doi:10.x/…` (lowercased), `github:owner/repo` (lowercased), `youtube:VIDEOID`, `hn:ID`,
 * `s2:PAPERID`. arXiv's own DOIs (`10.48550/arXiv.2602.03067`) and Hugging Face paper pages are
 * the arXiv id; a journal DOI stays a DOI and is kept as an alias of the arXiv id.
 */

const newArxiv = /^(\d{4}\.\d{4,5})(v\d+)?$/;
// Old-style ids: archive (optionally with a subject class, which is not part of the id) / YYMMNNN.
const oldArxiv = /^([a-z][a-z-]*)(?:\.[a-z]{2})?\/(\d{7})(v\d+)?$/i;
const doiPattern = /^10\.\d{4,9}\/\S+$/;
const arxivDoi = /^10\.48550\/arxiv\.(.+)$/i;
const s2PaperId = /^[0-9a-f]{40}$/i;
const youtubeVideoId = /^[A-Za-z0-9_-]{11}$/;

/** The versionless arXiv id in `raw` (`2602.03067v2` → `2602.03067`), or undefined. */
export function arxivId(raw: string): string | undefined {
  const s = raw.trim();
  const m = newArxiv.exec(s);
  if (m?.[1] !== undefined) return m[1];
  const o = oldArxiv.exec(s);
  if (o?.[1] !== undefined && o[2] !== undefined) return `${o[1].toLowerCase()}/${o[2]}`;
  return undefined;
}

/**
 * The canonical id of any identifier or URL we meet (arXiv ids with or without version or
 * `arXiv:` prefix, arXiv/HF/DOI/GitHub/YouTube/HN/S2 URLs, DOIs, canonical ids themselves),
 * or undefined when it names nothing we know.
 */
export function canonicalId(raw: string): string | undefined {
  const s = raw.trim();
  if (s === "") return undefined;
  if (/^https?:\/\//i.test(s) || /^(www\.)?[a-z0-9.-]+\.(org|com|co|be)\//i.test(s)) return canonicalUrl(s);

  const colon = s.indexOf(":");
  if (colon > 0) {
    const scheme = s.slice(0, colon).toLowerCase();
    const rest = s.slice(colon + 1).trim();
    switch (scheme) {
      case "arxiv":
      case "hf": {
        const id = arxivId(rest);
        return id === undefined ? undefined : `arxiv:${id}`;
      }
      case "doi":
        return canonicalDoi(rest);
      case "github": {
        const repo = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(rest);
        return repo ? `github:${repo[1]}/${repo[2]}`.toLowerCase().replace(/\.git$/, "") : undefined;
      }
      case "youtube":
        return youtubeVideoId.test(rest) ? `youtube:${rest}` : undefined;
      case "yt":
        return rest.startsWith("video:") && youtubeVideoId.test(rest.slice(6))
          ? `youtube:${rest.slice(6)}`
          : undefined;
      case "hn":
        return /^\d+$/.test(rest) ? `hn:${rest}` : undefined;
      case "s2":
        return rest !== "" && !/\s/.test(rest) ? `s2:${rest.toLowerCase()}` : undefined;
      case "oai": {
        // RSS guids: oai:arXiv.org:2411.17700v1
        const m = /^arxiv\.org:(.+)$/i.exec(rest);
        return m?.[1] !== undefined ? canonicalId(`arxiv:${m[1]}`) : undefined;
      }
      default:
        return undefined;
    }
  }
  const arxiv = arxivId(s);
  if (arxiv !== undefined) return `arxiv:${arxiv}`;
  if (doiPattern.test(s)) return canonicalDoi(s);
  if (s2PaperId.test(s)) return `s2:${s.toLowerCase()}`;
  return undefined;
}

function canonicalDoi(raw: string): string | undefined {
  const doi = raw
    .trim()
    .replace(/^https?:\/\/(dx\.)?doi\.org\//i, "")
    .toLowerCase();
  if (!doiPattern.test(doi)) return undefined;
  const arxiv = arxivDoi.exec(doi);
  if (arxiv?.[1] !== undefined) {
    const id = arxivId(arxiv[1]);
    if (id !== undefined) return `arxiv:${id}`;
  }
  return `doi:${doi}`;
}

const arxivUrl = /^https?:\/\/(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/([^?#]+?)(?:\.pdf)?\/?$/i;

function canonicalUrl(raw: string): string | undefined {
  // Fast path for the commonest URL by far (1,500 a day), without building a URL object.
  const arxiv = arxivUrl.exec(raw);
  if (arxiv?.[1] !== undefined) return canonicalId(`arxiv:${arxiv[1]}`);
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    return undefined;
  }
  const host = url.hostname.toLowerCase().replace(/^(www|export|m)\./, "");
  const parts = url.pathname.split("/").filter((p) => p !== "");
  const decoded = parts.map((p) => decodeURIComponent(p));
  switch (host) {
    case "arxiv.org": {
      // /abs/ID, /pdf/ID(.pdf), /html/ID — old-style ids span two path segments.
      if (!["abs", "pdf", "html", "format"].includes(decoded[0] ?? "")) return undefined;
      const id = decoded
        .slice(1)
        .join("/")
        .replace(/\.pdf$/i, "");
      return canonicalId(`arxiv:${id}`);
    }
    case "huggingface.co":
      return decoded[0] === "papers" && decoded[1] !== undefined
        ? canonicalId(`arxiv:${decoded[1]}`)
        : undefined;
    case "doi.org":
    case "dx.doi.org":
      return canonicalDoi(decoded.join("/"));
    case "github.com":
      return decoded.length >= 2 ? canonicalId(`github:${decoded[0]}/${decoded[1]}`) : undefined;
    case "api.github.com":
      return decoded[0] === "repos" && decoded.length >= 3
        ? canonicalId(`github:${decoded[1]}/${decoded[2]}`)
        : undefined;
    case "youtube.com": {
      const v = url.searchParams.get("v");
      if (decoded[0] === "watch" && v) return canonicalId(`youtube:${v}`);
      if (["embed", "shorts", "v", "live"].includes(decoded[0] ?? "") && decoded[1] !== undefined) {
        return canonicalId(`youtube:${decoded[1]}`);
      }
      return undefined;
    }
    case "youtu.be":
      return decoded[0] !== undefined ? canonicalId(`youtube:${decoded[0]}`) : undefined;
    case "news.ycombinator.com": {
      const id = url.searchParams.get("id");
      return decoded[0] === "item" && id ? canonicalId(`hn:${id}`) : undefined;
    }
    case "semanticscholar.org":
    case "api.semanticscholar.org": {
      const last = decoded.at(-1);
      return decoded.includes("paper") && last !== undefined && s2PaperId.test(last)
        ? `s2:${last.toLowerCase()}`
        : undefined;
    }
    default:
      return undefined;
  }
}

/** Every canonical key under which `c` may have been seen: its id, aliases, DOI and URL. */
export function identityKeys(c: Candidate): string[] {
  const keys = new Set<string>();
  const add = (raw: string | undefined) => {
    if (raw === undefined) return;
    const key = canonicalId(raw);
    if (key !== undefined) keys.add(key);
  };
  add(c.id);
  for (const alias of c.aliases) add(alias);
  if (c.doi !== undefined) add(`doi:${c.doi}`);
  add(c.url);
  // An id we cannot canonicalize is still an identity (a source-specific key).
  if (!keys.has(c.id)) keys.add(c.id);
  return [...keys];
}

/** Lowercase, diacritics and punctuation removed, whitespace collapsed: the form titles are compared in. */
export function normalizeTitle(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** Titles at least this similar (token Jaccard on normalized titles) are the same work. */
export const titleSimilarityThreshold = 0.9;

const idPriority = ["arxiv:", "doi:", "github:", "youtube:", "s2:", "hn:"];
/** The sources in the order `SourceName` lists them, which is their priority as a merge's base. */
const sourcePriority: readonly SourceName[] = SourceName.options;

function idRank(id: string): number {
  const i = idPriority.findIndex((p) => id.startsWith(p));
  return i < 0 ? idPriority.length : i;
}

function sourceRank(c: Candidate): number {
  return Math.min(...c.sources.map((s) => sourcePriority.indexOf(s)));
}

/**
 * Merges candidates that are the same work: shared canonical keys (ids, aliases, DOIs, URLs) or
 * near-identical titles (papers only; token Jaccard ≥ 0.9, never across two different arXiv ids).
 * A merged candidate keeps every source's signals (the larger number where both have one), the
 * union of aliases, sources and categories, and the longest summary. Order follows first sight.
 */
export function mergeCandidates(list: Candidate[]): Candidate[] {
  const parent = list.map((_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] ?? r;
    let j = i;
    while (parent[j] !== r) {
      const next = parent[j] ?? r;
      parent[j] = r;
      j = next;
    }
    return r;
  };
  const keysOf = list.map((c) => identityKeys(c));
  // The arXiv ids each group holds, so that titles never fuse two different preprints.
  const arxivOf = keysOf.map((keys) => new Set(keys.filter((k) => k.startsWith("arxiv:"))));
  const union = (a: number, b: number, guarded: boolean): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    const sa = arxivOf[ra] ?? new Set<string>();
    const sb = arxivOf[rb] ?? new Set<string>();
    if (guarded && sa.size > 0 && sb.size > 0 && ![...sa].some((k) => sb.has(k))) return;
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    parent[drop] = keep;
    arxivOf[keep] = new Set([...sa, ...sb]);
  };

  const byKey = new Map<string, number>();
  keysOf.forEach((keys, i) => {
    for (const key of keys) {
      const seen = byKey.get(key);
      if (seen === undefined) byKey.set(key, i);
      else union(seen, i, false);
    }
  });

  for (const [a, b] of similarTitlePairs(list)) union(a, b, true);

  const groups = new Map<number, Candidate[]>();
  list.forEach((c, i) => {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(c);
    else groups.set(root, [c]);
  });
  return [...groups.values()].map((group) => (group.length === 1 && group[0] ? group[0] : mergeGroup(group)));
}

/**
 * Index pairs of papers whose normalized titles have token Jaccard ≥ the threshold. Prefix
 * filtering keeps this near-linear: two sets that similar must share one of their rarest tokens.
 */
function similarTitlePairs(list: Candidate[]): Array<[number, number]> {
  const tokenSets: Array<Set<string> | undefined> = list.map((c) =>
    c.kind === "paper"
      ? new Set(
          normalizeTitle(c.title)
            .split(" ")
            .filter((t) => t !== ""),
        )
      : undefined,
  );
  const frequency = new Map<string, number>();
  for (const set of tokenSets) if (set) for (const t of set) frequency.set(t, (frequency.get(t) ?? 0) + 1);

  const index = new Map<string, number[]>();
  const pairs: Array<[number, number]> = [];
  const t = titleSimilarityThreshold;
  tokenSets.forEach((set, i) => {
    if (!set || set.size === 0) return;
    const ordered = [...set].sort(
      (x, y) => (frequency.get(x) ?? 0) - (frequency.get(y) ?? 0) || (x < y ? -1 : 1),
    );
    const prefix = ordered.length - Math.ceil(t * ordered.length) + 1;
    const seen = new Set<number>();
    for (const token of ordered.slice(0, prefix)) {
      for (const j of index.get(token) ?? []) {
        if (seen.has(j)) continue;
        seen.add(j);
        const other = tokenSets[j];
        if (other && titleJaccard(set, other) >= t) pairs.push([j, i]);
      }
      const bucket = index.get(token);
      if (bucket) bucket.push(i);
      else index.set(token, [i]);
    }
  });
  return pairs;
}

function titleJaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

function mergeGroup(group: Candidate[]): Candidate {
  const ordered = [...group].sort((a, b) => idRank(a.id) - idRank(b.id) || sourceRank(a) - sourceRank(b));
  const primary = ordered[0] ?? group[0];
  if (primary === undefined) throw new Error("mergeGroup needs at least one candidate");
  const allIds = new Set<string>();
  for (const c of ordered) {
    allIds.add(c.id);
    for (const a of c.aliases) allIds.add(a);
  }
  allIds.delete(primary.id);

  const times = (key: "published" | "updated") =>
    ordered
      .map((c) => c[key])
      .filter((v): v is string => v !== undefined && !Number.isNaN(Date.parse(v)))
      .sort((a, b) => Date.parse(a) - Date.parse(b));
  const published = times("published")[0];
  const updated = times("updated").at(-1);
  const dois = ordered.map((c) => c.doi).filter((d): d is string => d !== undefined);
  const doi = dois.find((d) => !arxivDoi.test(d)) ?? dois[0];
  const longest = (values: string[]) => values.reduce((best, v) => (v.length > best.length ? v : best), "");

  const merged: Candidate = {
    id: primary.id,
    kind: primary.kind,
    title: primary.title,
    summary: longest(ordered.map((c) => c.summary)),
    url: primary.url,
    authors:
      primary.authors.length > 0
        ? primary.authors
        : (ordered.find((c) => c.authors.length > 0)?.authors ?? []),
    categories: [...new Set(ordered.flatMap((c) => c.categories))],
    aliases: [...allIds],
    sources: [...new Set(ordered.flatMap((c) => c.sources))],
    signals: mergeSignals(ordered.map((c) => c.signals)),
  };
  if (published !== undefined) merged.published = published;
  if (updated !== undefined) merged.updated = updated;
  if (doi !== undefined) merged.doi = doi;
  return merged;
}

/** Numbers: the largest; strings: the first present (best source first); lists: the union. */
export function mergeSignals(list: Signals[]): Signals {
  const out: Record<string, unknown> = {};
  for (const signals of list) {
    for (const [key, value] of Object.entries(signals)) {
      if (value === undefined) continue;
      const current = out[key];
      if (current === undefined) out[key] = Array.isArray(value) ? [...value] : value;
      else if (typeof value === "number" && typeof current === "number") out[key] = Math.max(current, value);
      else if (Array.isArray(value) && Array.isArray(current))
        out[key] = [...new Set([...current, ...value])];
    }
  }
  return out as Signals;
}
