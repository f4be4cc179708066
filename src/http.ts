import type { SourceName } from "./candidate";
import type { SourceContext, SourceFailure } from "./sources/types";

/** How one call to an external API behaves: its budget in time and attempts, and its manners. */
export interface RequestOptions {
  source: SourceName;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** Per attempt, covering the response body too. */
  timeoutMs?: number;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** First backoff step; doubled per retry, with jitter. */
  baseDelayMs?: number;
  /** The longest we wait before one retry; a longer Retry-After means give up now, not stall the day. */
  maxDelayMs?: number;
  /** Minimum spacing between calls to the same host within one context (arXiv asks for 3 s). */
  minIntervalMs?: number;
  /** Non-2xx statuses whose body the caller wants to read as an answer (e.g. arXiv's 400 error feed). */
  acceptStatus?: number[];
  /** Jitter source; injectable so tests are deterministic. */
  random?: () => number;
}

export type HttpResult =
  | { ok: true; status: number; body: string; headers: Headers; attempts: number }
  | { ok: false; failure: SourceFailure; status?: number; body?: string; attempts: number };

type HttpContext = Pick<SourceContext, "fetch" | "sleep" | "now">;

const retryableStatus = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Per-context, per-host time before which the next call must not start. */
const nextSlot = new WeakMap<object, Map<string, number>>();

/**
 * One HTTP call with a timeout on every attempt, bounded retries with exponential backoff and
 * jitter, Retry-After honoured (429/503), and politeness spacing per host. Never throws: a
 * failure comes back as a SourceFailure ("http", "timeout" or "network").
 */
export async function request(ctx: HttpContext, url: string, options: RequestOptions): Promise<HttpResult> {
  const {
    source,
    timeoutMs = 15_000,
    maxAttempts = 3,
    baseDelayMs = 1_000,
    maxDelayMs = 30_000,
    minIntervalMs = 0,
    acceptStatus = [],
    random = Math.random,
  } = options;
  const host = hostOf(url);
  let last: HttpResult = {
    ok: false,
    failure: { source, kind: "network", message: "no attempt made" },
    attempts: 0,
  };

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    await waitForSlot(ctx, host, minIntervalMs);
    const outcome = await attemptOnce(ctx, url, options, timeoutMs);
    if (outcome.kind === "response") {
      const { status, body, headers } = outcome;
      if ((status >= 200 && status < 300) || acceptStatus.includes(status)) {
        return { ok: true, status, body, headers, attempts: attempt };
      }
      last = {
        ok: false,
        failure: { source, kind: "http", status, message: `HTTP ${status} from ${host}${excerpt(body)}` },
        status,
        body,
        attempts: attempt,
      };
      if (!retryableStatus.has(status)) return last;
      const retryAfter = retryAfterMs(headers.get("retry-after"), ctx.now());
      if (attempt === maxAttempts) return last;
      const delay = retryAfter ?? backoff(baseDelayMs, attempt, random);
      if (delay > maxDelayMs) {
        last.failure.message += ` (asked to wait ${Math.ceil(delay / 1000)} s; gave up)`;
        return last;
      }
      await ctx.sleep(delay);
      continue;
    }
    last = {
      ok: false,
      failure: { source, kind: outcome.kind, message: `${outcome.message} (${host})` },
      attempts: attempt,
    };
    if (attempt < maxAttempts) await ctx.sleep(Math.min(backoff(baseDelayMs, attempt, random), maxDelayMs));
  }
  if (!last.ok) last.failure.message += ` after ${last.attempts} attempts`;
  return last;
}

type Attempt =
  | { kind: "response"; status: number; body: string; headers: Headers }
  | { kind: "timeout" | "network"; message: string };

async function attemptOnce(
  ctx: HttpContext,
  url: string,
  options: RequestOptions,
  timeoutMs: number,
): Promise<Attempt> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const init: RequestInit = { method: options.method ?? "GET", signal };
    if (options.headers) init.headers = options.headers;
    if (options.body !== undefined) init.body = options.body;
    // Raced against the signal as well, so a fetch that ignores it still cannot hang the day.
    const response = await untilAborted(ctx.fetch(url, init), signal);
    const body = await untilAborted(response.text(), signal);
    return { kind: "response", status: response.status, body, headers: response.headers };
  } catch (err) {
    if (signal.aborted) return { kind: "timeout", message: `no answer within ${timeoutMs} ms` };
    return { kind: "network", message: err instanceof Error ? err.message : String(err) };
  }
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error("aborted"));
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

async function waitForSlot(ctx: HttpContext, host: string, minIntervalMs: number): Promise<void> {
  if (minIntervalMs <= 0) return;
  let hosts = nextSlot.get(ctx);
  if (!hosts) {
    hosts = new Map();
    nextSlot.set(ctx, hosts);
  }
  const now = ctx.now().getTime();
  const slot = hosts.get(host) ?? now;
  // Book the slot before waiting, so that concurrent callers queue up behind each other.
  const start = Math.max(now, slot);
  hosts.set(host, start + minIntervalMs);
  if (start > now) await ctx.sleep(start - now);
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries spread out. */
export function backoff(baseDelayMs: number, attempt: number, random: () => number): number {
  const step = baseDelayMs * 2 ** (attempt - 1);
  return Math.round(step / 2 + (step / 2) * random());
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function excerpt(body: string): string {
  const text = body.replace(/\s+/g, " ").trim();
  return text === "" ? "" : `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}
