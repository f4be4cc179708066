/**
 * Every public endpoint, fuzzed in the Workers runtime with fast-check: paths, query strings, bodies of
 * every content type, headers, and tokens forged, truncated, replayed, expired and minted for another
 * purpose. For each generated request: no 5xx; a JSON error has the one error shape with a request id;
 * a rejected request (4xx) stores nothing (D1 row counts before and after); an HTML answer holds no
 * script, event handler or non-http(s) link that the input put there (parse5).
 *
 * Counts per endpoint are printed as one `FUZZ_REPORT` line; `npm run bench:fuzz` turns it into a table.
 * The seed is fixed so a failure reproduces; FUZZ_SEED in bench:fuzz's environment varies it.
 */
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertIssue } from "../../d1/issues";
import { ensureReader } from "../../d1/readers";
import { Issue } from "../../src/issue";
import { signToken } from "../../src/tokens";
import example from "../fixtures/issue-2026-02-13.json";
import type { FuzzTally } from "../support/fuzz-tally";
import { inspectHtml, isSafeHtml } from "../support/html-safety";

const SITE = "https://feed.example";
const SECRET = "test-token-secret";
const RUNS = 1000;
const SEED = Number((env as unknown as Record<string, unknown>).FUZZ_SEED ?? 20261130);
/** A JSON error must carry `{error:{code,message,requestId}}`. */
const REQUIRE_REQUEST_ID = true;

// --- what hostile input looks like ---

const ATTACKS = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  "javascript:alert(1)",
  "</title><script>alert(1)</script>",
  "<a href=javascript:alert(1)>x</a>",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
  "{{7*7}}${7*7}",
  "' OR 1=1 --",
  '"; DROP TABLE subscriptions; --',
  "../../../etc/passwd",
  "%00%0d%0aSet-Cookie:x=1",
  "\u0000\u0001\u001f",
  "\ud800",
  "🦄‮‭",
  "A".repeat(3000),
  "]]><!--",
  "&lt;script&gt;",
  "a@b.c",
  "x@example.org<script>",
  "2026-02-13",
];

/** Fragments whose verbatim presence in an HTML answer means the input was reflected unescaped. */
const MARKUP = ATTACKS.filter((a) => /[<>"']/.test(a) && a !== "&lt;script&gt;");

const attack = fc.constantFrom(...ATTACKS);
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: attack },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 10 }), attack, fc.string({ maxLength: 10 }))
      .map((p) => p.join("")),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
);
/** Header values must be printable ASCII (the Headers class rejects the rest before we see it). */
const headerText = fc.oneof(
  fc.string({ unit: "grapheme-ascii", maxLength: 60 }),
  attack.map((a) => a.replace(/[^\x20-\x7e]/g, "")),
);

// --- tokens ---

const PURPOSES = ["confirm", "unsubscribe", "feedback", "feedback-text", "rules", "me", "admin"];
const PAYLOADS: Record<string, string | number>[] = [
  { s: "sub-does-not-exist" },
  { r: "demo", d: "2026-02-13", i: "arxiv:2602.03067", v: "up" },
  { r: "demo", d: "2026-02-13" },
  { r: "demo" },
  { r: "<script>", d: "2026-99-99", i: "x", v: "sideways" },
  { s: "<img src=x onerror=alert(1)>" },
  {},
];

/** Tokens that must never work: wrong secret, expired, other purposes, then mangled further by `token`. */
async function tokenPool(): Promise<string[]> {
  const now = new Date();
  const expired = new Date(now.getTime() - 500 * 86_400_000);
  const pool: string[] = [];
  for (const purpose of PURPOSES) {
    for (const payload of PAYLOADS) {
      pool.push(await signToken("not-the-secret-at-all", purpose, payload, 3600, now));
      pool.push(await signToken(SECRET, purpose, payload, 60, expired));
      // Right secret and purpose, but naming nothing that exists, or shaped for another purpose. A
      // valid "me" token for the public reader would be a real key (it may delete the reader): it
      // names a reader that does not exist instead.
      const named = purpose === "me" && payload.r === "demo" ? { ...payload, r: "fuzz-nobody" } : payload;
      pool.push(await signToken(SECRET, purpose, named, 3600, now));
    }
  }
  return pool;
}

function tokenArb(pool: string[]): fc.Arbitrary<string> {
  const real = fc.constantFrom(...pool);
  return fc.oneof(
    real,
    // truncated
    fc.tuple(real, fc.nat()).map(([t, n]) => t.slice(0, n % Math.max(1, t.length))),
    // one character changed
    fc.tuple(real, fc.nat(), fc.constantFrom("A", "-", "_", ".", "=", "%")).map(([t, n, c]) => {
      const i = n % Math.max(1, t.length);
      return `${t.slice(0, i)}${c}${t.slice(i + 1)}`;
    }),
    // payload of one, signature of another
    fc.tuple(real, real).map(([a, b]) => `${a.split(".")[0]}.${b.split(".")[1] ?? ""}`),
    fc.tuple(real, text).map(([t, junk]) => `${t}.${junk}`),
    fc.base64String({ maxLength: 120 }).map((s) => s.replace(/\+/g, "-").replace(/\//g, "_")),
    text,
  );
}

// --- bodies of every content type ---

interface Body {
  contentType?: string;
  body?: string | Uint8Array<ArrayBuffer>;
}

function multipart(fields: [string, string][], boundary: string): string {
  return `${fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("")}--${boundary}--\r\n`;
}

function bodyArb(fieldNames: string[], tokens: fc.Arbitrary<string>): fc.Arbitrary<Body> {
  const key = fc.oneof(fc.constantFrom(...fieldNames), text);
  const value = fc.oneof(text, tokens);
  const fields = fc.array(fc.tuple(key, value), { maxLength: 5 });
  return fc.oneof(
    fields.map((f) => ({
      contentType: "application/x-www-form-urlencoded",
      body: new URLSearchParams(f).toString(),
    })),
    fields.map((f) => ({ contentType: "application/json", body: JSON.stringify(Object.fromEntries(f)) })),
    fc.jsonValue({ maxDepth: 3 }).map((v) => ({ contentType: "application/json", body: JSON.stringify(v) })),
    fc.tuple(fields, fc.constantFrom("b0undary", "----x", "a'b\"c")).map(([f, b]) => ({
      contentType: `multipart/form-data; boundary=${b}`,
      body: multipart(f, b),
    })),
    // Declared one way, sent another; missing boundaries; no type at all.
    fc
      .tuple(
        fc.constantFrom(
          "application/json",
          "application/x-www-form-urlencoded",
          "multipart/form-data",
          "multipart/form-data; boundary=",
          "text/plain",
          "application/xml",
          "application/octet-stream",
          "text/html; charset=utf-7",
        ),
        fc.oneof(text, fc.constantFrom("{bad", "[", '{"email":', "%%%", "a=%ZZ&b", "--x\r\n")),
      )
      .map(([contentType, body]) => ({ contentType, body })),
    fc.uint8Array({ maxLength: 200 }).map((b) => ({ body: new Uint8Array(b) })),
    headerText.map((contentType) => ({ contentType, body: "x=1" })),
    fc.constant({}),
    fc.constant({ contentType: "text/plain", body: "x".repeat(20_000) }),
  );
}

// --- one request, judged ---

interface Spec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Body;
}

interface Tally extends FuzzTally {
  examples: string[];
}

const report: Record<string, Tally> = {};

let countSql = "";
let excluded: string[] = [];

/**
 * Row counts of every D1 table that holds what users send. Rate-limit counters are left out: they
 * must count rejected requests too, or a flood of bad ones would go unthrottled. So is the rendered
 * page cache (a successful GET fills it).
 */
async function prepareCounts(): Promise<void> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
  ).all<{ name: string }>();
  const tables = results.map((r) => r.name);
  excluded = tables.filter((t) => /attempt|rate|limit|issue_pages/.test(t));
  // One row of scalar subqueries: D1 caps compound SELECTs at a few terms.
  countSql = `SELECT ${tables
    .filter((t) => !excluded.includes(t))
    .map((t) => `(SELECT COUNT(*) FROM "${t}") AS "${t}"`)
    .join(", ")}`;
}

async function counts(): Promise<string> {
  const row = await env.DB.prepare(countSql).first<Record<string, number>>();
  return JSON.stringify(row);
}

function toRequest(spec: Spec): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(spec.headers)) headers.set(k, v);
  if (spec.body?.contentType !== undefined) headers.set("content-type", spec.body.contentType);
  const hasBody = spec.method !== "GET" && spec.method !== "HEAD" && spec.body?.body !== undefined;
  return new Request(`${SITE}${spec.path}`, {
    method: spec.method,
    headers,
    ...(hasBody ? { body: spec.body?.body } : {}),
  });
}

function describeSpec(spec: Spec): string {
  const body =
    typeof spec.body?.body === "string" ? spec.body.body.slice(0, 80) : spec.body?.body ? "<bytes>" : "";
  return `${spec.method} ${spec.path.slice(0, 120)} ${JSON.stringify(spec.headers).slice(0, 120)} ${spec.body?.contentType ?? ""} ${JSON.stringify(body)}`;
}

function errorShapeOk(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return false;
  const e = error as Record<string, unknown>;
  return (
    typeof e.code === "string" &&
    typeof e.message === "string" &&
    (!REQUIRE_REQUEST_ID || (typeof e.requestId === "string" && e.requestId.length > 0))
  );
}

async function judge(name: string, spec: Spec, before: string): Promise<string> {
  const tally = report[name];
  if (!tally) throw new Error(`no tally for ${name}`);
  const note = (what: string) => {
    if (tally.examples.length < 5) tally.examples.push(`${what}: ${describeSpec(spec)}`);
  };
  tally.sent++;
  let request: Request;
  try {
    request = toRequest(spec);
  } catch {
    // The platform refused to build it (a header value it forbids): nothing reaches us.
    tally.sent--;
    return before;
  }
  const res = await exports.default.fetch(request);
  const status = res.status;
  const bucket = status >= 500 ? "5xx" : status >= 400 ? "4xx" : status >= 300 ? "3xx" : "2xx";
  tally[bucket]++;
  if (status >= 500) note(`status ${status}`);
  const type = res.headers.get("content-type") ?? "";
  const body = await res.text();
  // A HEAD answer has the headers of the GET and no body to check.
  if (status >= 400 && type.includes("json") && spec.method !== "HEAD") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    if (!errorShapeOk(parsed)) {
      tally.badErrorShape++;
      note(`error shape ${body.slice(0, 120)}`);
    }
  }
  if (type.includes("html") || (!type.includes("json") && /<script/i.test(body))) {
    const found = inspectHtml(body, { document: true, allowStyle: true });
    if (!isSafeHtml(found) || MARKUP.some((m) => body.includes(m))) {
      tally.reflected++;
      note(`reflected ${JSON.stringify({ ...found, tags: undefined })}`);
    }
  }
  const after = await counts();
  if (status >= 400 && after !== before) {
    tally.storedOnReject++;
    note(`stored ${before} → ${after}`);
  }
  return after;
}

async function fuzz(name: string, arb: fc.Arbitrary<Spec>): Promise<void> {
  report[name] = {
    sent: 0,
    "2xx": 0,
    "3xx": 0,
    "4xx": 0,
    "5xx": 0,
    storedOnReject: 0,
    reflected: 0,
    badErrorShape: 0,
    examples: [],
  };
  let before = await counts();
  for (const spec of fc.sample(arb, { numRuns: RUNS, seed: SEED })) before = await judge(name, spec, before);
  const t = report[name];
  expect(t?.sent ?? 0).toBeGreaterThanOrEqual(RUNS * 0.95);
  expect({
    "5xx": t?.["5xx"],
    storedOnReject: t?.storedOnReject,
    reflected: t?.reflected,
    badErrorShape: t?.badErrorShape,
    examples: t?.examples,
  }).toEqual({
    "5xx": 0,
    storedOnReject: 0,
    reflected: 0,
    badErrorShape: 0,
    examples: [],
  });
}

// --- the endpoints ---

/** encodeURIComponent throws on a lone surrogate; the browser would send U+FFFD for it. */
function encodeSegment(s: string): string {
  return encodeURIComponent(
    s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"),
  );
}

const seg = fc.oneof(text, attack).map(encodeSegment);
const rawSeg = fc.string({ unit: "grapheme-ascii", maxLength: 30 }).map((s) => s.replace(/[#?/\\]/g, ""));
const query = fc
  .array(fc.tuple(fc.oneof(text, fc.constantFrom("via", "token", "id", "date", "cursor")), text), {
    maxLength: 4,
  })
  .map((q) => (q.length > 0 ? `?${new URLSearchParams(q).toString()}` : ""));
const commonHeaders = fc.record(
  {
    accept: fc.constantFrom(
      "application/json",
      "text/html",
      "*/*",
      "application/json, text/html",
      "x/<script>",
    ),
    "cf-connecting-ip": fc.constantFrom("203.0.113.7", "2001:db8::1", "2001:db8::2", "not-an-ip", "<script>"),
    "if-none-match": headerText,
    "accept-language": headerText,
    cookie: headerText,
    "x-forwarded-for": headerText,
  },
  { requiredKeys: [] },
);

let pool: string[] = [];

beforeAll(async () => {
  await ensureReader(env.DB, "demo", "Demo", new Date());
  await insertIssue(env.DB, Issue.parse(example));
  await prepareCounts();
  pool = await tokenPool();
});

afterAll(() => {
  const rows = Object.fromEntries(Object.entries(report).map(([k, v]) => [k, { ...v, examples: undefined }]));
  console.log(`FUZZ_REPORT ${JSON.stringify({ seed: SEED, runs: RUNS, excluded, endpoints: rows })}`);
});

describe("fuzzing every public endpoint (no 5xx, one error shape, nothing stored on reject, nothing reflected)", {
  timeout: 120_000,
}, () => {
  it("GET any path with any query and headers", async () => {
    const prefixes = [
      "",
      "issues/",
      "feedback/",
      "feedback/text/",
      "feedback/rules/",
      "unsubscribe/",
      "subscribe/confirm/",
      "dev/mail/",
      "admin/",
      "telegram/",
      "katex/",
      "gpu/",
      "me/",
      "r/",
    ];
    await fuzz(
      "GET any path",
      fc
        .record({
          prefix: fc.constantFrom(...prefixes),
          a: fc.oneof(seg, rawSeg),
          b: fc.option(seg),
          q: query,
          headers: commonHeaders,
        })
        .map(({ prefix, a, b, q, headers }) => ({
          method: "GET",
          path: `/${prefix}${a}${b ? `/${b}` : ""}${q}`,
          headers,
        })),
    );
  });

  it("any method on every route", async () => {
    const routes = [
      "/",
      "/issues",
      "/issues/2026-02-13",
      "/feed.xml",
      "/healthz",
      "/subscribe",
      "/telegram/webhook",
      "/admin/run",
      "/feedback/text",
      "/dev/mail",
    ];
    await fuzz(
      "other methods",
      fc
        .record({
          method: fc.constantFrom("PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND"),
          path: fc.constantFrom(...routes),
          headers: commonHeaders,
          body: bodyArb(["email"], text),
        })
        .map((s) => s),
    );
  });

  it("GET /issues/:slug with hostile dates, extensions and conditional headers", async () => {
    await fuzz(
      "GET /issues/:slug",
      fc
        .record({
          date: fc.oneof(
            seg,
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
            fc.constantFrom("2026-02-13", "2026-02-30", "0000-00-00"),
          ),
          ext: fc.constantFrom("", ".md", ".json", ".html", ".xml", ".md.json", "%2ejson"),
          q: query,
          headers: commonHeaders,
        })
        .map(({ date, ext, q, headers }) => ({ method: "GET", path: `/issues/${date}${ext}${q}`, headers })),
    );
  });

  it("POST /subscribe with bodies of every content type", async () => {
    await fuzz(
      "POST /subscribe",
      fc
        .record({ headers: commonHeaders, body: bodyArb(["email", "website"], text) })
        .map(({ headers, body }) => ({ method: "POST", path: "/subscribe", headers, body })),
    );
  });

  it("GET /subscribe/confirm/:token with forged, truncated, expired and cross-purpose tokens", async () => {
    await fuzz(
      "GET /subscribe/confirm/:token",
      fc.record({ token: tokenArb(pool), headers: commonHeaders }).map(({ token, headers }) => ({
        method: "GET",
        path: `/subscribe/confirm/${encodeSegment(token)}`,
        headers,
      })),
    );
  });

  it("GET and POST /unsubscribe/:token with bad tokens", async () => {
    await fuzz(
      "/unsubscribe/:token",
      fc
        .record({
          method: fc.constantFrom("GET", "POST"),
          token: tokenArb(pool),
          headers: commonHeaders,
          body: fc.oneof(
            fc.constant<Body>({
              contentType: "application/x-www-form-urlencoded",
              body: "List-Unsubscribe=One-Click",
            }),
            bodyArb(["List-Unsubscribe"], text),
          ),
        })
        .map(({ method, token, headers, body }) => ({
          method,
          path: `/unsubscribe/${encodeSegment(token)}`,
          headers,
          body,
        })),
    );
  });

  it("GET and POST /feedback/:token (votes) with bad tokens", async () => {
    await fuzz(
      "/feedback/:token",
      fc
        .record({
          method: fc.constantFrom("GET", "POST"),
          token: tokenArb(pool),
          q: query,
          headers: commonHeaders,
          body: bodyArb(["vote", "token"], text),
        })
        .map(({ method, token, q, headers, body }) => ({
          method,
          path: `/feedback/${encodeSegment(token)}${q}`,
          headers,
          body,
        })),
    );
  });

  it("GET /feedback/text/:token and POST /feedback/text", async () => {
    const tokens = tokenArb(pool);
    await fuzz(
      "/feedback/text",
      fc.oneof(
        fc.record({ token: tokens, headers: commonHeaders }).map(({ token, headers }) => ({
          method: "GET",
          path: `/feedback/text/${encodeSegment(token)}`,
          headers,
        })),
        fc
          .record({ headers: commonHeaders, body: bodyArb(["token", "text"], tokens) })
          .map(({ headers, body }) => ({ method: "POST", path: "/feedback/text", headers, body })),
      ),
    );
  });

  it("GET and POST /feedback/rules/:token", async () => {
    await fuzz(
      "/feedback/rules/:token",
      fc
        .record({
          method: fc.constantFrom("GET", "POST"),
          token: tokenArb(pool),
          headers: commonHeaders,
          body: bodyArb(["rule"], text),
        })
        .map(({ method, token, headers, body }) => ({
          method,
          path: `/feedback/rules/${encodeSegment(token)}`,
          headers,
          body,
        })),
    );
  });

  it("GET and POST /me/:token (the reader's own page) with bad tokens", async () => {
    await fuzz(
      "/me/:token",
      fc
        .record({
          method: fc.constantFrom("GET", "POST"),
          token: tokenArb(pool),
          action: fc.constantFrom("", "/export", "/rules", "/pause", "/profile", "/delete", "/x"),
          headers: commonHeaders,
          body: bodyArb(["interests", "rule", "paused", "confirm", "name"], text),
        })
        .map(({ method, token, action, headers, body }) => ({
          method,
          path: `/me/${encodeSegment(token)}${action}`,
          headers,
          body,
        })),
    );
  });

  it("GET /r/:slug (private issues) with unguessed and hostile slugs", async () => {
    await fuzz(
      "GET /r/:slug",
      fc
        .record({
          slug: fc.oneof(seg, rawSeg),
          rest: fc.constantFrom(
            "",
            "/feed.xml",
            "/issues/2026-02-13",
            "/issues/2026-02-13.md",
            "/issues/x.json",
          ),
          q: query,
          headers: commonHeaders,
        })
        .map(({ slug, rest, q, headers }) => ({ method: "GET", path: `/r/${slug}${rest}${q}`, headers })),
    );
  });

  it("POST /telegram/webhook with forged secrets and malformed updates", async () => {
    const secret = "test_webhook_secret";
    const forged = fc.oneof(
      headerText,
      fc.constantFrom(secret.slice(0, -1), secret.toUpperCase(), `${secret} `, `${secret}x`, ""),
    );
    await fuzz(
      "POST /telegram/webhook",
      fc.oneof(
        fc
          .record({ s: forged, body: bodyArb(["update_id", "message"], text), headers: commonHeaders })
          .map(({ s, body, headers }) => ({
            method: "POST",
            path: "/telegram/webhook",
            headers: { ...headers, "x-telegram-bot-api-secret-token": s },
            body,
          })),
        // The right secret with a body that is not an update at all.
        fc
          .record({
            body: fc.constantFrom("{bad", "[]", "42", "null", '"x"', "<script>"),
            headers: commonHeaders,
          })
          .map(({ body, headers }) => ({
            method: "POST",
            path: "/telegram/webhook",
            headers: { ...headers, "x-telegram-bot-api-secret-token": secret },
            body: { contentType: "application/json", body },
          })),
      ),
    );
  });

  it("POST /admin/run and GET /admin/runs with forged credentials", async () => {
    const admin = "test-admin-token-0123456789abcdef";
    const auth = fc.oneof(
      headerText,
      headerText.map((t) => `Bearer ${t}`),
      fc.constantFrom(
        `Bearer ${admin.slice(0, -1)}`,
        `Bearer ${admin.toUpperCase()}`,
        `Basic ${btoa(`admin:${admin}`)}`,
        "Bearer",
        "dev-admin",
        `Bearer ${admin}${admin}`,
      ),
    );
    await fuzz(
      "/admin",
      fc
        .record({
          method: fc.constantFrom("GET", "POST"),
          path: fc.constantFrom("/admin/run", "/admin/runs", "/admin/"),
          a: auth,
          headers: commonHeaders,
          body: bodyArb(["date", "readers"], text),
        })
        .map(({ method, path, a, headers, body }) => ({
          method,
          path,
          headers: { ...headers, authorization: a },
          body,
        })),
    );
  });
});
