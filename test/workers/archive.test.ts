import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { insertIssue } from "../../d1/issues";
import { ensureReader } from "../../d1/readers";
import { Issue } from "../../src/issue";
import example from "../fixtures/issue-2026-02-13.json";

const site = "https://feed.example";
const get = (path: string) => exports.default.fetch(new Request(`${site}${path}`));

const first = Issue.parse(example);
const second = Issue.parse({
  ...example,
  date: "2026-02-14",
  title: "Daily Feed - 2026-02-14",
  generatedAt: "2026-02-14T11:00:00.000Z",
  items: example.items.slice(0, 3),
  summary: example.items
    .slice(0, 3)
    .map((i) => i.title)
    .join(" | "),
});

beforeAll(async () => {
  await ensureReader(env.DB, "demo", "Demo", new Date());
  await insertIssue(env.DB, first);
  await insertIssue(env.DB, second);
});

describe("archive pages", () => {
  it("shows the latest issue and the list of issues on /", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("Daily Feed - 2026-02-14");
    expect(page).toContain('href="/issues/2026-02-13"');
    expect(page).toContain('action="/subscribe"');
  });

  it("serves an issue as HTML with typeset math, all six fields and the video section", async () => {
    const res = await get("/issues/2026-02-13");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const page = await res.text();
    for (const label of [
      "Domain",
      "Time cost",
      "Intuition",
      "Concrete punch",
      "Significance",
      "Why it matches",
    ]) {
      expect(page.match(new RegExp(`<strong>${label}:</strong>`, "g"))?.length).toBe(4);
    }
    expect(page).toContain('class="katex');
    expect(page).not.toContain("$$");
    expect(page).toContain("Optimal Transport, part 1 — Marco Cuturi (MLSS 2020)");
    expect(page).toContain("Duration: 1h 34m");
    expect(page).toContain("/katex/katex.min.css");
    expect(page).toContain('name="viewport"');
    // Items tagged optimal transport get the GPU panel.
    expect(page).toContain('data-gpu="sinkhorn"');
  });

  it("serves the issue as Markdown with front matter", async () => {
    const res = await get("/issues/2026-02-13.md");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/markdown/);
    const md = await res.text();
    expect(
      md.startsWith('---\ntitle: "Daily Feed - 2026-02-13"\ndate: 2026-02-13\nsummary: "FlashSinkhorn'),
    ).toBe(true);
    expect(md).toContain(
      "## [FlashSinkhorn: IO-Aware Entropic Optimal Transport](https://arxiv.org/abs/2602.03067)",
    );
    expect(md).toContain(
      "**Domain:** ML / Systems / Optimal Transport | **Time cost:** 20 min abstract+figures",
    );
  });

  it("serves the canonical issue JSON", async () => {
    const res = await get("/issues/2026-02-13.json");
    expect(res.status).toBe(200);
    expect(Issue.parse(await res.json())).toEqual(first);
  });

  it("links neighbouring issues", async () => {
    const page = await (await get("/issues/2026-02-13")).text();
    expect(page).toContain('href="/issues/2026-02-14"');
  });

  it("publishes an Atom feed of the issues", async () => {
    const res = await get("/feed.xml");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/atom\+xml/);
    const xml = await res.text();
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(xml.match(/<entry>/g)).toHaveLength(2);
    expect(xml).toContain(`<id>${site}/issues/2026-02-13</id>`);
    expect(xml.indexOf("2026-02-14")).toBeLessThan(xml.indexOf("2026-02-13"));
  });
});

describe("archive errors", () => {
  it.each(["/issues/2026-03-01", "/issues/2026-03-01.md", "/issues/2026-03-01.json"])(
    "answers 404 for a date without an issue (%s)",
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain("2026-03-01");
    },
  );

  it.each(["/issues/2026-13-01", "/issues/2026-02-30", "/issues/yesterday", "/issues/2026-2-1.json"])(
    "answers 400 for a malformed date (%s)",
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(400);
    },
  );

  it("answers JSON errors for the JSON form", async () => {
    const res = await get("/issues/not-a-date.json");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "bad_request" } });
  });

  it("answers 404 for unknown routes", async () => {
    expect((await get("/nope")).status).toBe(404);
  });
});
