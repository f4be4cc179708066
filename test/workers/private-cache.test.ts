/**
 * A subscriber's private issue pages (`/r/<slug>/…`) use the archive's render-once store: the
 * typeset content is stored on the first request and wrapped from then on, with only the reader's
 * vote links signed per request. Issues and the feed answer with a strong ETag and 304, and say
 * `private` so that no shared cache keeps them.
 */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { insertIssue } from "../../d1/issues";
import { createReader } from "../../d1/readers";
import { Issue } from "../../src/issue";
import example from "../fixtures/issue-2026-02-13.json";

const site = "https://feed.example";
const get = (path: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(`${site}${path}`, { headers }));

let readerId = "";
let base = "";

async function storedRows(): Promise<{ date: string; variant: string; html: string; created_at: string }[]> {
  const { results } = await env.DB.prepare(
    "SELECT date, variant, html, created_at FROM issue_pages WHERE reader_id = ? ORDER BY date",
  )
    .bind(readerId)
    .all<{ date: string; variant: string; html: string; created_at: string }>();
  return results;
}

const dayOf = (date: string) =>
  Issue.parse({
    ...example,
    readerId,
    date,
    title: `Daily Feed - ${date}`,
    generatedAt: `${date}T11:00:00.000Z`,
  });

beforeAll(async () => {
  const reader = await createReader(env.DB, { name: "Reader", now: new Date() });
  readerId = reader.id;
  base = `/r/${reader.feedSlug}`;
  await insertIssue(env.DB, dayOf("2026-04-01"));
  await insertIssue(env.DB, dayOf("2026-04-02"));
});

describe("a private issue is rendered once", () => {
  it("stores the typeset content on the first request and serves it from then on", async () => {
    expect(await storedRows()).toEqual([]);
    const first = await (await get(`${base}/issues/2026-04-01`)).text();
    const [row] = await storedRows();
    expect(row?.date).toBe("2026-04-01");
    expect(row?.variant).toMatch(/^web\d+v:/);
    expect(row?.html).toContain('class="katex');
    // The stored content holds slots, the page the reader's own vote links.
    expect(row?.html).toContain("<!--votes:0-->");
    expect(first).not.toContain("<!--votes:");
    expect(first).toContain(`${site}/feedback/`);
    expect(first).toContain('class="katex');

    const second = await (await get(`${base}/issues/2026-04-01`)).text();
    expect(second).toBe(first);
    expect((await storedRows())[0]?.created_at).toBe(row?.created_at);

    // Proof that the stored bytes are what is served: change them, and the page shows them, with
    // the vote links still filled in.
    await env.DB.prepare("UPDATE issue_pages SET html = ? WHERE reader_id = ? AND date = ?")
      .bind('<div class="issue-content">stored-marker<!--votes:0--></div>', readerId, "2026-04-01")
      .run();
    const again = await (await get(`${base}/issues/2026-04-01`)).text();
    expect(again).toContain("stored-marker");
    expect(again).not.toContain('class="katex');
    expect(again).toContain(`${site}/feedback/`);
  });

  it("keeps the public archive's stored pages apart from the reader's", async () => {
    await get(`${base}/issues/2026-04-02`);
    const { results } = await env.DB.prepare("SELECT reader_id FROM issue_pages WHERE date = ?")
      .bind("2026-04-02")
      .all<{ reader_id: string }>();
    expect(results.map((r) => r.reader_id)).toEqual([readerId]);
  });
});

describe("conditional requests on private pages", () => {
  it.each(["/issues/2026-04-02", "/issues/2026-04-02.md", "/issues/2026-04-02.json", "/feed.xml"])(
    "answers %s with a strong ETag, private caching, noindex, and 304 when the client has it",
    async (path) => {
      const res = await get(`${base}${path}`);
      expect(res.status).toBe(200);
      const etag = res.headers.get("etag");
      expect(etag).toMatch(/^"[\w-]{22}"$/);
      expect(res.headers.get("cache-control")).toBe("private, no-cache");
      expect(res.headers.get("x-robots-tag")).toContain("noindex");
      const body = await res.text();
      if (path === "/issues/2026-04-02") expect(body).toMatch(/<meta name="robots" content="noindex/);

      const again = await get(`${base}${path}`, { "if-none-match": etag ?? "" });
      expect(again.status).toBe(304);
      expect(again.headers.get("etag")).toBe(etag);
      expect(again.headers.get("cache-control")).toBe("private, no-cache");
      expect(await again.text()).toBe("");
      const other = await get(`${base}${path}`, { "if-none-match": '"something-else"' });
      expect(other.status).toBe(200);
      expect(await other.text()).toBe(body);
    },
  );

  it("changes the newest page's and the feed's ETag when the next issue is built", async () => {
    const before = await Promise.all([`${base}/issues/2026-04-02`, `${base}/feed.xml`].map((p) => get(p)));
    await insertIssue(env.DB, dayOf("2026-04-03"));
    const after = await Promise.all([`${base}/issues/2026-04-02`, `${base}/feed.xml`].map((p) => get(p)));
    after.forEach((r, i) => {
      expect(r.headers.get("etag")).not.toBe(before[i]?.headers.get("etag"));
    });
    expect(await after[0]?.text()).toContain(`href="${base}/issues/2026-04-03"`);
  });

  it("answers an unknown slug or date with a plain 404 that nothing keeps", async () => {
    for (const path of [`/r/${"0".repeat(32)}/issues/2026-04-01`, `${base}/issues/2026-05-01`]) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.headers.get("etag")).toBeNull();
      expect(res.headers.get("cache-control")).toBe("private, no-store");
    }
  });
});
