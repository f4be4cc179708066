import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { insertIssue } from "../../d1/issues";
import { ensureReader } from "../../d1/readers";
import { Issue } from "../../src/issue";
import example from "../fixtures/issue-2026-02-13.json";

const site = "https://feed.example";
const get = (path: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(`${site}${path}`, { headers }));

const dayOf = (date: string) =>
  Issue.parse({ ...example, date, title: `Daily Feed - ${date}`, generatedAt: `${date}T11:00:00.000Z` });

async function storedPages(): Promise<{ date: string; html: string; created_at: string }[]> {
  const { results } = await env.DB.prepare(
    "SELECT date, html, created_at FROM issue_pages ORDER BY date",
  ).all<{ date: string; html: string; created_at: string }>();
  return results;
}

beforeAll(async () => {
  await ensureReader(env.DB, "demo", "Demo", new Date());
  await insertIssue(env.DB, dayOf("2026-03-01"));
  await insertIssue(env.DB, dayOf("2026-03-02"));
});

describe("an issue is rendered once", () => {
  it("stores the typeset content on the first request and serves it from then on", async () => {
    expect(await storedPages()).toEqual([]);
    const first = await (await get("/issues/2026-03-01")).text();
    const [row] = await storedPages();
    expect(row?.date).toBe("2026-03-01");
    expect(row?.html).toContain('class="katex');
    expect(first).toContain(row?.html ?? "missing");
    await get("/issues/2026-03-01");
    expect((await storedPages())[0]?.created_at).toBe(row?.created_at);

    // Proof that the stored bytes are what is served: change them, then let the archive change
    // (a new issue, so nothing kept in memory answers), and the page shows the stored text.
    await env.DB.prepare("UPDATE issue_pages SET html = ? WHERE date = ?")
      .bind('<div class="issue-content">stored-marker</div>', "2026-03-01")
      .run();
    await insertIssue(env.DB, dayOf("2026-03-03"));
    const again = await (await get("/issues/2026-03-01")).text();
    expect(again).toContain("stored-marker");
    expect(again).not.toContain('class="katex');
  });

  it("renders again when the stored page came from another renderer version", async () => {
    await get("/issues/2026-03-02");
    await env.DB.prepare("UPDATE issue_pages SET variant = 'web0:old', html = 'stale' WHERE date = ?")
      .bind("2026-03-02")
      .run();
    await insertIssue(env.DB, dayOf("2026-03-04"));
    const page = await (await get("/issues/2026-03-02")).text();
    expect(page).not.toContain("stale");
    expect(page).toContain('class="katex');
    const row = (await storedPages()).find((p) => p.date === "2026-03-02");
    expect(row?.html).not.toBe("stale");
  });
});

describe("conditional requests", () => {
  it.each([
    "/issues/2026-03-01",
    "/issues/2026-03-01.md",
    "/issues/2026-03-01.json",
    "/",
    "/feed.xml",
    "/issues",
  ])("answers %s with a strong ETag and 304 when the client has it", async (path) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    const etag = res.headers.get("etag");
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    expect(res.headers.get("cache-control")).toMatch(/^public, max-age=\d+/);
    const body = await res.text();
    const again = await get(path, { "if-none-match": etag ?? "" });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    // A different tag gets the full body, byte for byte the same.
    const other = await get(path, { "if-none-match": '"something-else"' });
    expect(other.status).toBe(200);
    expect(await other.text()).toBe(body);
  });

  it("marks an issue's JSON and Markdown immutable, and an issue with a successor settled", async () => {
    expect((await get("/issues/2026-03-01.json")).headers.get("cache-control")).toContain("immutable");
    expect((await get("/issues/2026-03-01.md")).headers.get("cache-control")).toContain("immutable");
    expect((await get("/issues/2026-03-01")).headers.get("cache-control")).toBe("public, max-age=86400");
  });

  it("changes the ETag of /, /feed.xml and the newest page when a new issue is built", async () => {
    const before = await Promise.all(["/", "/feed.xml", "/issues/2026-03-04"].map((p) => get(p)));
    const tags = before.map((r) => r.headers.get("etag"));
    expect(before[2]?.headers.get("cache-control")).toBe("public, max-age=300");
    await insertIssue(env.DB, dayOf("2026-03-05"));
    const after = await Promise.all(["/", "/feed.xml", "/issues/2026-03-04"].map((p) => get(p)));
    after.forEach((r, i) => {
      expect(r.headers.get("etag")).not.toBe(tags[i]);
    });
    expect(await after[2]?.text()).toContain('href="/issues/2026-03-05"');
    const stale = await get("/", { "if-none-match": tags[0] ?? "" });
    expect(stale.status).toBe(200);
  });

  it("never caches an error: a missing issue answers 404 until it exists", async () => {
    expect((await get("/issues/2026-03-09")).status).toBe(404);
    await insertIssue(env.DB, dayOf("2026-03-09"));
    expect((await get("/issues/2026-03-09")).status).toBe(200);
  });
});
