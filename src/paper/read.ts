/**
 * Reading a pick's paper: the LaTeX e-print first, arXiv's HTML rendering when there is no usable source,
 * the abstract alone when neither answers. Runs once per distinct pick and day; `PaperCache` keeps the
 * result per candidate so that every reader's issue reuses it.
 */
import type { Candidate } from "../candidate";
import { EprintError, type UnpackOptions, unpackEprint } from "./archive";
import { extractPaper } from "./extract";
import { readArxivHtml } from "./html";
import { assembleDocument } from "./latex";
import { PaperContext } from "./types";

/** Where reading results are kept per candidate (D1 in the Worker, memory in the CLI and tests). */
export interface PaperCache {
  get(arxivId: string): Promise<PaperContext | undefined>;
  put(arxivId: string, paper: PaperContext): Promise<void>;
}

export interface PaperDeps {
  fetch: typeof fetch;
  /** Base of the e-print URLs, e.g. https://arxiv.org/e-print (ARXIV_EPRINT_URL). */
  eprintUrl: string;
  /** Base of the HTML renderings, e.g. https://arxiv.org/html (ARXIV_HTML_URL); none: no HTML fallback. */
  htmlUrl?: string;
  cache?: PaperCache;
  userAgent?: string;
  /** Monotonic milliseconds, for the cost record (performance.now where there is one). */
  clock?: () => number;
  limits?: UnpackOptions;
  /** Give up on a download after this long (default 20 s); the write-up then falls back. */
  timeoutMs?: number;
}

/** The arXiv id of a candidate (`arxiv:2411.18268` or an `arxiv:` alias), without version. */
export function arxivIdOf(c: Pick<Candidate, "id" | "aliases">): string | undefined {
  for (const id of [c.id, ...c.aliases]) {
    const m = /^arxiv:(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?$/i.exec(id);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/** Reads an e-print's bytes into a paper context. Throws `EprintError` on a bad archive. */
export async function readEprint(
  arxivId: string,
  body: ReadableStream<Uint8Array> | Uint8Array | ArrayBuffer,
  opts: { limits?: UnpackOptions; clock?: () => number } = {},
): Promise<PaperContext> {
  const clock = opts.clock ?? (() => Date.now());
  const t0 = clock();
  const unpacked = await unpackEprint(body, opts.limits);
  const doc = assembleDocument(unpacked.files);
  const extracted = extractPaper(doc);
  return {
    arxivId,
    source: "eprint",
    mainFile: doc.mainFile,
    inputs: doc.inputs,
    macros: doc.macros,
    ...(extracted.abstract ? { abstract: extracted.abstract } : {}),
    equations: extracted.equations,
    ...(extracted.central !== undefined ? { central: extracted.central } : {}),
    theorems: extracted.theorems,
    contributions: extracted.contributions,
    figures: extracted.figures,
    cost: {
      bytesIn: unpacked.bytesIn,
      bytesOut: unpacked.bytesOut,
      cpuMs: Math.round((clock() - t0) * 10) / 10,
    },
  };
}

function abstractOnly(arxivId: string, reason: string): PaperContext {
  return {
    arxivId,
    source: "abstract",
    fallbackReason: reason,
    inputs: [],
    macros: {},
    equations: [],
    theorems: [],
    contributions: [],
    figures: [],
  };
}

/**
 * The paper behind a pick, from the cache or read now (and then cached). Never throws: a missing or bad
 * source falls back to the HTML rendering, then to the abstract, with the reason recorded. Undefined for
 * candidates that are not arXiv papers.
 */
export async function readPaper(candidate: Candidate, deps: PaperDeps): Promise<PaperContext | undefined> {
  if (candidate.kind !== "paper") return undefined;
  const arxivId = arxivIdOf(candidate);
  if (!arxivId) return undefined;
  const cached = await deps.cache?.get(arxivId).catch(() => undefined);
  if (cached) return cached;
  const headers = deps.userAgent ? { "user-agent": deps.userAgent } : undefined;
  const signal = AbortSignal.timeout(deps.timeoutMs ?? 20_000);
  let reason: string;
  try {
    const res = await deps.fetch(`${deps.eprintUrl}/${arxivId}`, { signal, ...(headers ? { headers } : {}) });
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      reason = `no e-print (HTTP ${res.status})`;
    } else {
      const paper = await readEprint(arxivId, res.body, {
        ...(deps.limits ? { limits: deps.limits } : {}),
        ...(deps.clock ? { clock: deps.clock } : {}),
      });
      await deps.cache?.put(arxivId, paper).catch(() => {});
      return paper;
    }
  } catch (err) {
    reason = err instanceof EprintError ? err.message : `e-print unreadable: ${String(err)}`;
  }
  if (deps.htmlUrl) {
    const html = await readArxivHtml(arxivId, deps.htmlUrl, deps.fetch, headers).catch(() => undefined);
    if (html) {
      const paper = { ...html, fallbackReason: reason };
      await deps.cache?.put(arxivId, paper).catch(() => {});
      return paper;
    }
    reason = `${reason}; no HTML rendering`;
  }
  const paper = abstractOnly(arxivId, reason);
  await deps.cache?.put(arxivId, paper).catch(() => {});
  return paper;
}

/** A cache in memory, for the CLI and tests. */
export function memoryPaperCache(): PaperCache & { size(): number } {
  const map = new Map<string, string>();
  return {
    async get(id) {
      const hit = map.get(id);
      return hit ? PaperContext.parse(JSON.parse(hit)) : undefined;
    },
    async put(id, paper) {
      map.set(id, JSON.stringify(paper));
    },
    size: () => map.size,
  };
}
