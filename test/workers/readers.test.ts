/**
 * Every subscriber is a reader: sign-up with interests through the real routes, the morning cron
 * and the real queue consumer, then what each reader sees and can do. D1, the Durable Objects and
 * the queue are real; sources replay the recorded day.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { getIssue } from "../../d1/issues";
import { getCapturedMail, listCapturedMail } from "../../d1/ledger";
import { getReader, readerOfEmail } from "../../d1/readers";
import { readerStateStub } from "../../durable-objects/reader-state";
import { feedbackLink, feedbackTextLink, meLink, rulesLink } from "../../src/feedback-links";
import type { Issue } from "../../src/issue";
import { signToken } from "../../src/tokens";
import worker from "../../workers/index";
import { morningCron as cron } from "./crons";

const SITE = "https://feed.example";
const SECRET = "test-token-secret";
const DAY1 = "2026-11-23";
const DAY2 = "2026-11-24";

const ASTRO = [
  "Gravitational waves from binary black hole mergers",
  "Dark matter and the formation of galaxies",
  "Cosmic microwave background constraints on cosmology",
];
const LANGUAGE = [
  "Large language models that reason step by step",
  "Instruction tuning and alignment of language models",
  "Retrieval-augmented generation for question answering",
];
const ASTRO_WORDS =
  /galax|black hole|gravitational|cosmolog|dark matter|stellar|star|astro|neutron|supernova|redshift|universe|planet/i;
const LANGUAGE_WORDS =
  /language model|\bLLMs?\b|token|reasoning|instruction|retrieval|question answering|prompt|text/i;

let ip = 0;

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${SITE}${path}`, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

function form(fields: Record<string, string>): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  };
}

/** Signs up with JSON, follows the mailed confirm link, and returns the new reader's id. */
async function subscribe(email: string, body: Record<string, unknown>): Promise<string> {
  const res = await call("/subscribe", {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": `198.51.100.${++ip}` },
    body: JSON.stringify({ email, ...body }),
  });
  expect(res.status).toBe(202);
  const hit = (await listCapturedMail(env.DB, 200)).find((m) => m.to === email);
  const mail = hit ? await getCapturedMail(env.DB, hit.id) : null;
  const confirm = /https:\/\/feed\.example(\/subscribe\/confirm\/[\w.-]+)/.exec(mail?.text ?? "")?.[1];
  if (!confirm) throw new Error(`no confirm link for ${email}`);
  expect((await call(confirm)).status).toBe(200);
  const reader = await readerOfEmail(env.DB, email);
  if (!reader) throw new Error(`no reader for ${email}`);
  return reader.id;
}

/** Waits for the queue consumer to build the issue. */
async function issueOf(readerId: string, date: string): Promise<Issue> {
  return vi.waitFor(
    async () => {
      const issue = await getIssue(env.DB, readerId, date);
      if (!issue) throw new Error(`no issue of ${readerId} for ${date} yet`);
      return issue;
    },
    { timeout: 60_000, interval: 200 },
  );
}

const ids = (i: Issue) => [...i.items.map((x) => x.candidateId), ...i.videos.map((v) => v.candidateId)];
const itemText = (i: Issue) => i.items.map((x) => `${x.title} ${x.intuition}`);

function matching(issue: Issue, words: RegExp): number {
  return itemText(issue).filter((t) => words.test(t)).length;
}

async function count(sql: string, id: string): Promise<number> {
  return (await env.DB.prepare(sql).bind(id).first<{ n: number }>())?.n ?? 0;
}

const TRACES = [
  "SELECT count(*) AS n FROM readers WHERE id = ?",
  "SELECT count(*) AS n FROM issues WHERE reader_id = ?",
  "SELECT count(*) AS n FROM issue_items WHERE reader_id = ?",
  "SELECT count(*) AS n FROM subscriptions WHERE reader_id = ?",
  "SELECT count(*) AS n FROM deliveries WHERE reader_id = ?",
];

async function traces(id: string): Promise<number[]> {
  return Promise.all(TRACES.map((sql) => count(sql, id)));
}

describe("every subscriber is a reader", { timeout: 180_000 }, () => {
  let astro = "";
  let language = "";
  let same = "";
  let control = "";
  let twin = "";

  it("two readers who subscribe with different interests get two different issues, each matching its reader", async () => {
    astro = await subscribe("astro@example.org", { interests: ASTRO, categories: ["astro-ph.CO", "gr-qc"] });
    language = await subscribe("words@example.org", { interests: LANGUAGE.join("\n") });
    // Two more with the astronomer's interests: one will give feedback, one is the control.
    same = await subscribe("same@example.org", { interests: ASTRO });
    control = await subscribe("control@example.org", { interests: ASTRO });
    twin = await subscribe("twin@example.org", { interests: ASTRO });
    for (const id of [astro, language, same, control, twin]) {
      expect(id).toMatch(/^r[0-9a-f]{32}$/);
      expect(id).not.toContain("example");
      expect((await getReader(env.DB, id))?.status).toBe("active");
    }
    expect((await readerStateStub(env.READER_STATE, language).getProfile())?.interests).toEqual(LANGUAGE);

    await cron(DAY1);
    const [a, l] = await Promise.all([issueOf(astro, DAY1), issueOf(language, DAY1)]);
    expect(a.items.length).toBeGreaterThanOrEqual(3);
    expect(l.items.length).toBeGreaterThanOrEqual(3);
    expect(a.items.map((i) => i.candidateId)).not.toEqual(l.items.map((i) => i.candidateId));
    expect(matching(a, ASTRO_WORDS)).toBeGreaterThanOrEqual(a.items.length - 1);
    expect(matching(l, LANGUAGE_WORDS)).toBeGreaterThanOrEqual(l.items.length - 1);
    // "Why it matches" speaks to each reader's own interests.
    expect(
      a.items.some((i) => /galax|black hole|cosmolog|dark matter|gravitational/i.test(i.whyItMatches)),
    ).toBe(true);

    // Each reader's mail carries its own page and its private issue link, not the public archive's.
    const full = await vi.waitFor(
      async () => {
        const mails = await listCapturedMail(env.DB, 200);
        const hit = mails.find((m) => m.to === "astro@example.org" && m.subject === `Daily Feed - ${DAY1}`);
        if (!hit) throw new Error("issue mail not sent yet");
        return getCapturedMail(env.DB, hit.id);
      },
      { timeout: 30_000, interval: 200 },
    );
    const slug = (await getReader(env.DB, astro))?.feedSlug;
    expect(full?.text).toContain(`${SITE}/r/${slug}/issues/${DAY1}`);
    expect(full?.text).toMatch(
      /Your page \(interests, feedback, pause, export, delete\): https:\/\/feed\.example\/me\/[\w.-]+/,
    );
  });

  it("shares a pick's write-up between readers: the writer ran once per distinct pick", async () => {
    const issues = await Promise.all([astro, language, same, control, twin].map((id) => issueOf(id, DAY1)));
    const distinct = new Set(issues.flatMap((i) => i.items.map((x) => x.candidateId)));
    const written = await env.DB.prepare("SELECT count(*) AS n FROM writeups WHERE date = ?")
      .bind(DAY1)
      .first<{ n: number }>();
    // The public reader's picks are in the table too.
    expect(written?.n).toBeGreaterThanOrEqual(distinct.size);
    const demo = await issueOf("demo", DAY1);
    const all = new Set([...distinct, ...demo.items.map((x) => x.candidateId)]);
    expect(written?.n).toBe(all.size);
  });

  it("one reader's 👎, notes and rules change nothing in another's next issue, and its seen set hides nothing", async () => {
    const [s1, c1, a1] = await Promise.all([
      issueOf(same, DAY1),
      issueOf(control, DAY1),
      issueOf(astro, DAY1),
    ]);
    // Same interests, built in the same run: the first reader's seen set hid nothing from the others.
    expect(s1.items.map((i) => i.candidateId)).toEqual(c1.items.map((i) => i.candidateId));

    const now = new Date();
    for (const item of s1.items) {
      const link = await feedbackLink(SECRET, SITE, same, DAY1, item.candidateId, "down", now);
      expect((await call(new URL(link).pathname, { method: "POST" })).status).toBe(200);
    }
    const note = await call(
      "/feedback/text",
      form({
        token:
          new URL(await feedbackTextLink(SECRET, SITE, same, DAY1, now)).pathname.split("/").at(-1) ?? "",
        text: "Please no videos, they are not for me.",
      }),
    );
    expect(note.status).toBe(200);
    expect((await readerStateStub(env.READER_STATE, same).listRules()).map((r) => r.text)).toContain(
      "No videos.",
    );
    expect(await readerStateStub(env.READER_STATE, control).listRules()).toEqual([]);

    await cron(DAY2);
    const s2 = await issueOf(same, DAY2);
    const c2 = await issueOf(control, DAY2);
    const t2 = await issueOf(twin, DAY2);
    const a2 = await issueOf(astro, DAY2);
    // Two readers with the same interests and no feedback get the same issue: what the third one
    // said changed its own issue only.
    expect(ids(c2)).toEqual(ids(t2));
    expect(ids(c2)).not.toEqual(ids(s2));
    expect(s2.feedback.rules.map((r) => r.text)).toContain("No videos.");
    expect(s2.videos).toEqual([]);
    expect(s2.feedback.received.join(" ")).toContain("not for me");
    expect(c2.feedback.rules).toEqual([]);
    expect(c2.feedback.received).toEqual([]);
    expect(JSON.stringify(c2)).not.toContain("not for me");
    // Nothing the control was sent yesterday comes again; what the others saw is not hidden from it.
    expect(ids(c2).filter((id) => ids(c1).includes(id))).toEqual([]);
    expect(a2.items.length).toBeGreaterThanOrEqual(3);
    expect(ids(a1).length).toBeGreaterThan(0);
  });

  it("a private issue is at an unguessable noindex URL that no public listing or feed shows", async () => {
    const reader = await getReader(env.DB, astro);
    const slug = reader?.feedSlug ?? "";
    expect(slug).toMatch(/^[0-9a-f]{32}$/);
    const page = await call(`/r/${slug}/issues/${DAY1}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("x-robots-tag")).toContain("noindex");
    const html = await page.text();
    expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(html).toContain(`/r/${slug}/feed.xml`);
    const feed = await call(`/r/${slug}/feed.xml`);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain(`${SITE}/r/${slug}/issues/${DAY2}`);

    const astroIssue = await issueOf(astro, DAY1);
    for (const path of [
      "/",
      "/issues",
      "/feed.xml",
      `/issues/${DAY1}`,
      `/issues/${DAY1}.md`,
      `/issues/${DAY1}.json`,
    ]) {
      const body = await (await call(path)).text();
      expect(body, path).not.toContain(slug);
      expect(body, path).not.toContain(astro);
      expect(body, path).not.toContain(astroIssue.summary);
    }
    expect((await call(`/r/${"0".repeat(32)}/issues/${DAY1}`)).status).toBe(404);
    expect((await call(`/r/${slug.slice(0, 31)}x/feed.xml`)).status).toBe(404);
  });

  it("refuses forged and expired /me tokens", async () => {
    const good = new URL(await meLink(SECRET, SITE, astro, new Date())).pathname;
    expect((await call(good)).status).toBe(200);
    expect((await call(`${good.slice(0, -2)}xx`)).status).toBe(400);
    expect((await call("/me/not.a-token")).status).toBe(400);
    const forged = await signToken("another-secret-entirely", "me", { r: astro }, 3600, new Date());
    expect((await call(`/me/${forged}`)).status).toBe(400);
    const wrongPurpose = await rulesLink(SECRET, SITE, astro, new Date());
    expect((await call(`/me/${new URL(wrongPurpose).pathname.split("/").at(-1)}`)).status).toBe(400);
    const expired = await signToken(SECRET, "me", { r: astro }, 1, new Date("2020-01-01T00:00:00Z"));
    expect((await call(`/me/${expired}`)).status).toBe(410);
  });

  it("the reader's page edits interests, validates them, and pauses delivery", async () => {
    const me = new URL(await meLink(SECRET, SITE, language, new Date())).pathname;
    const page = await (await call(me)).text();
    expect(page).toContain(LANGUAGE[0]);
    expect(page).toContain('name="robots" content="noindex');

    const bad = await call(`${me}/profile`, form({ interests: "ok line\nno" }));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("interests: line 2");
    const badCategory = await call(
      `${me}/profile`,
      form({ interests: "Speech recognition", categories: "cs.XX" }),
    );
    expect(badCategory.status).toBe(400);
    expect(await badCategory.text()).toContain("categories");
    expect((await readerStateStub(env.READER_STATE, language).getProfile())?.interests).toEqual(LANGUAGE);

    const saved = await call(
      `${me}/profile`,
      form({
        interests: "Speech recognition\nAudio language models",
        categories: "eess.AS, cs.SD",
        papers: "2411.00001\n10.1145/3580305.3599256",
      }),
    );
    expect(saved.status).toBe(303);
    const profile = await readerStateStub(env.READER_STATE, language).getProfile();
    expect(profile?.interests).toEqual(["Speech recognition", "Audio language models"]);
    expect(profile?.categories).toEqual(["eess.AS", "cs.SD"]);
    expect(profile?.references.map((r) => r.id)).toEqual(["arxiv:2411.00001", "doi:10.1145/3580305.3599256"]);

    expect((await call(`${me}/pause`, form({ paused: "1" }))).status).toBe(303);
    expect((await getReader(env.DB, language))?.status).toBe("paused");
    expect((await call(`${me}/pause`, form({ paused: "0" }))).status).toBe(303);
    expect((await getReader(env.DB, language))?.status).toBe("active");
  });

  it("export holds the reader's profile, feedback, rules and seen set; delete removes every trace of it and nothing of another", async () => {
    const me = new URL(await meLink(SECRET, SITE, same, new Date())).pathname;
    const exported = await call(`${me}/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-disposition")).toContain("attachment");
    const data = (await exported.json()) as {
      profile: { interests: string[] };
      feedback: unknown[];
      rules: { text: string }[];
      seen: unknown[];
      d1: { subscriptions: { address: string }[]; issues: unknown[] };
    };
    expect(data.profile.interests).toEqual(ASTRO);
    expect(data.feedback.length).toBeGreaterThanOrEqual(4);
    expect(data.rules.map((r) => r.text)).toContain("No videos.");
    expect(data.seen.length).toBeGreaterThan(0);
    expect(data.d1.subscriptions.map((s) => s.address)).toEqual(["same@example.org"]);
    expect(data.d1.issues.length).toBe(2);

    const beforeOther = await traces(control);
    const otherState = await readerStateStub(env.READER_STATE, control).exportState();
    expect((await traces(same)).every((n) => n > 0)).toBe(true);

    expect((await call(`${me}/delete`, form({}))).status).toBe(400);
    expect((await traces(same))[0]).toBe(1);
    const deleted = await call(`${me}/delete`, form({ confirm: "yes" }));
    expect(deleted.status).toBe(200);

    expect(await traces(same)).toEqual([0, 0, 0, 0, 0]);
    const gone = await readerStateStub(env.READER_STATE, same).exportState();
    expect(gone).toMatchObject({ profile: null, feedback: [], rules: [], seen: [] });
    expect(await traces(control)).toEqual(beforeOther);
    const otherAfter = await readerStateStub(env.READER_STATE, control).exportState();
    expect({ ...otherAfter, exportedAt: "" }).toEqual({ ...otherState, exportedAt: "" });
    // The page is gone too.
    expect((await call(me)).status).toBe(404);
  });

  it("an anonymous visitor of the public pages cannot change the public reader", async () => {
    const before = await readerStateStub(env.READER_STATE, "demo").exportState();
    for (const path of ["/", `/issues/${DAY1}`]) {
      const html = await (await call(path)).text();
      expect(html, path).not.toContain("/feedback/");
      expect(html, path).toContain('action="/subscribe"');
      expect(html, path).toContain('name="interests"');
      expect(html, path).toContain('name="website"');
    }
    // Links minted for the public reader (as old mails carried) no longer steer it.
    const demoIssue = await issueOf("demo", DAY1);
    const itemId = demoIssue.items[0]?.candidateId ?? "";
    const now = new Date();
    const vote = await feedbackLink(SECRET, SITE, "demo", DAY1, itemId, "down", now);
    expect((await call(new URL(vote).pathname, { method: "POST" })).status).toBe(403);
    const rules = new URL(await rulesLink(SECRET, SITE, "demo", now)).pathname;
    const rule = before.rules[0]?.id ?? "";
    expect((await call(rules, form({ rule }))).status).toBe(403);
    const noteToken =
      new URL(await feedbackTextLink(SECRET, SITE, "demo", DAY1, now)).pathname.split("/").at(-1) ?? "";
    expect((await call("/feedback/text", form({ token: noteToken, text: "no videos" }))).status).toBe(403);
    expect((await call(`/me/${await signToken(SECRET, "me", { r: "demo" }, 3600, now)}`)).status).toBe(404);
    expect(
      (await call("/admin/public/feedback", { method: "POST", body: JSON.stringify({ text: "no videos" }) }))
        .status,
    ).toBe(401);
    const after = await readerStateStub(env.READER_STATE, "demo").exportState();
    expect(after.rules).toEqual(before.rules);
    expect(after.feedback).toEqual(before.feedback);
    expect(after.profile).toEqual(before.profile);

    // The editor can.
    const edited = await call("/admin/public/feedback", {
      method: "POST",
      headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ text: "Include 2 videos a day." }),
    });
    expect(edited.status).toBe(200);
    expect((await readerStateStub(env.READER_STATE, "demo").listRules()).length).toBeGreaterThanOrEqual(
      before.rules.length,
    );
  });
});

describe("sign-up validation", () => {
  async function rejected(body: Record<string, unknown>, field: string) {
    const email = `v${++ip}@example.org`;
    const res = await call("/subscribe", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": `198.51.100.${++ip}` },
      body: JSON.stringify({ email, ...body }),
    });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(json.error.code).toBe(`invalid_${field}`);
    expect(json.error.message.startsWith(`${field}: `)).toBe(true);
    expect(json.error.requestId).toBeTruthy();
    expect(await readerOfEmail(env.DB, email)).toBeNull();
    expect((await listCapturedMail(env.DB, 500)).some((m) => m.to === email)).toBe(false);
    return json.error.message;
  }

  it("answers 400 naming the field, and stores nothing", async () => {
    expect(await rejected({ interests: ["ok", "a fine interest"] }, "interests")).toContain("line 1");
    expect(
      await rejected(
        { interests: Array.from({ length: 11 }, (_, i) => `interest number ${i}`) },
        "interests",
      ),
    ).toContain("at most 10");
    expect(await rejected({ interests: ["x".repeat(301)] }, "interests")).toContain("300");
    expect(
      await rejected({ interests: ["Black holes"], categories: "astro-ph.CO, cs.ML" }, "categories"),
    ).toContain("cs.ML");
    expect(
      await rejected({ interests: ["Black holes"], papers: "2411.00001\nnot-a-paper" }, "papers"),
    ).toContain("not-a-paper");
    expect(
      await rejected({ interests: ["Black holes"], bibtex: "@article{a, title={Unclosed" }, "bibtex"),
    ).toContain("not valid BibTeX");
  });

  it("takes known papers from a BibTeX upload, and starts a reader without interests from the public profile", async () => {
    const bib = `@article{cuturi2013,
  title = {Sinkhorn Distances: Lightspeed Computation of Optimal Transport},
  author = {Cuturi, Marco},
  eprint = {1306.0895},
  archivePrefix = {arXiv},
  year = {2013}
}
@inproceedings{noid, title = {A {Paper} Without Ids}, year = 2020}`;
    const body = new FormData();
    body.set("email", "bib@example.org");
    body.set("interests", "");
    body.set("bibtex", new File([bib], "library.bib", { type: "text/x-bibtex" }));
    const res = await call("/subscribe", {
      method: "POST",
      headers: { "cf-connecting-ip": "192.0.2.77" },
      body,
    });
    expect(res.status).toBe(202);
    const hit = (await listCapturedMail(env.DB, 500)).find((m) => m.to === "bib@example.org");
    const mail = hit ? await getCapturedMail(env.DB, hit.id) : null;
    const confirm =
      /https:\/\/feed\.example(\/subscribe\/confirm\/[\w.-]+)/.exec(mail?.text ?? "")?.[1] ?? "";
    // Before the confirmation there is no reader profile yet.
    const pending = await readerOfEmail(env.DB, "bib@example.org");
    expect(pending?.status).toBe("pending");
    expect(await readerStateStub(env.READER_STATE, pending?.id ?? "").getProfile()).toBeNull();
    expect((await call(confirm)).status).toBe(200);
    const profile = await readerStateStub(env.READER_STATE, pending?.id ?? "").getProfile();
    const publicProfile = await readerStateStub(env.READER_STATE, "demo").getProfile();
    expect(profile?.interests).toEqual(publicProfile?.interests);
    expect(profile?.id).toBe(pending?.id);
    expect(profile?.references.slice(-2)).toEqual([
      { id: "arxiv:1306.0895", title: "Sinkhorn Distances: Lightspeed Computation of Optimal Transport" },
      { title: "A Paper Without Ids" },
    ]);
  });
});
