import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readerStateStub } from "../../durable-objects/reader-state";
import { feedbackLink, feedbackTextLink, rulesLink } from "../../src/feedback-links";
import { signToken } from "../../src/tokens";

const SECRET = "test-token-secret";
const SITE = "https://feed.example";
let counter = 0;

/** A reader with a profile and one sent item, unique per test (storage is shared in this file). */
async function reader(prefix: string) {
  const id = `${prefix}-${Date.now().toString(36)}-${counter++}`;
  const stub = readerStateStub(env.READER_STATE, id);
  await stub.setProfile({ id, name: "Reader", interests: ["Optimal transport and Sinkhorn algorithms"] });
  await stub.markSeen([
    {
      keys: ["arxiv:2602.03067"],
      date: "2026-02-13",
      title: "FlashSinkhorn: IO-Aware Entropic Optimal Transport",
    },
  ]);
  return { id, stub };
}

function get(url: string): Promise<Response> {
  return exports.default.fetch(url, { redirect: "manual" });
}

/** What a reader does: open the vote link, then press the page's one button (a form POST). */
async function vote(url: string): Promise<Response> {
  const page = await (await get(url)).text();
  const action = /<form method="post" action="([^"]+)">/.exec(page)?.[1];
  const via = /name="via" value="(\w+)"/.exec(page)?.[1] ?? "";
  if (!action) throw new Error(`no vote form on ${url}`);
  return exports.default.fetch(`${SITE}${action}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `via=${via}`,
    redirect: "manual",
  });
}

describe("one-click ratings", () => {
  it("records nothing on a GET: the link opens a page with the choice and one POST button", async () => {
    const { id, stub } = await reader("scanner");
    const link = await feedbackLink(SECRET, SITE, id, "2026-02-13", "arxiv:2602.03067", "up", new Date());
    // A mail scanner follows the link, maybe twice, maybe with a HEAD first.
    for (const method of ["GET", "HEAD", "GET"]) {
      const res = await exports.default.fetch(`${link}?via=email`, { method });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    expect(await stub.listFeedback()).toEqual([]);
    const page = await (await get(link)).text();
    expect(page.match(/<form /g)).toHaveLength(1);
    expect(page).toContain(`<form method="post" action="/feedback/${link.split("/").at(-1)}">`);
    expect(page).toContain("👍 Yes, more like this");
  });

  it("records a 👍 from the page's button and thanks the reader on a small HTML page", async () => {
    const { id, stub } = await reader("up");
    const link = await feedbackLink(SECRET, SITE, id, "2026-02-13", "arxiv:2602.03067", "up", new Date());
    expect(link.startsWith(`${SITE}/feedback/`)).toBe(true);
    const res = await vote(link);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const page = await res.text();
    expect(page).toContain("Thanks");
    expect(page).not.toContain("<script");
    const feedback = await stub.listFeedback();
    expect(feedback.map((f) => [f.itemId, f.rating, f.issueDate])).toEqual([
      ["arxiv:2602.03067", "up", "2026-02-13"],
    ]);
    // The rating carries the item's title (from the seen set), so tomorrow's scorer can learn from it.
    const model = await stub.readerModel();
    expect(model.liked.map((l) => l.title)).toEqual(["FlashSinkhorn: IO-Aware Entropic Optimal Transport"]);
  });

  it("counts the last click when the reader changes their mind", async () => {
    const { id, stub } = await reader("change");
    const now = new Date();
    await vote(await feedbackLink(SECRET, SITE, id, "2026-02-13", "arxiv:2602.03067", "up", now));
    await vote(await feedbackLink(SECRET, SITE, id, "2026-02-13", "arxiv:2602.03067", "down", now));
    const feedback = await stub.listFeedback();
    expect(feedback).toHaveLength(1);
    expect(feedback[0]?.rating).toBe("down");
  });

  it("answers 410 for an expired link and records nothing", async () => {
    const { id, stub } = await reader("expired");
    const longAgo = new Date(Date.now() - 31 * 86_400_000);
    const res = await get(
      await feedbackLink(SECRET, SITE, id, "2026-01-01", "arxiv:2602.03067", "up", longAgo),
    );
    expect(res.status).toBe(410);
    expect(await res.text()).toContain("expired");
    expect(await stub.listFeedback()).toEqual([]);
  });

  it("answers 400 for malformed, forged or misused tokens", async () => {
    const { id, stub } = await reader("bad");
    const good = await feedbackLink(SECRET, SITE, id, "2026-02-13", "arxiv:2602.03067", "up", new Date());
    const token = good.split("/").at(-1) ?? "";
    const forged = await signToken(
      "another-secret-entirely",
      "feedback",
      { r: id, d: "2026-02-13", i: "x", v: "up" },
      3600,
      new Date(),
    );
    const rulesToken = (await rulesLink(SECRET, SITE, id, new Date())).split("/").at(-1) ?? "";
    const badPayload = await signToken(
      SECRET,
      "feedback",
      { r: id, d: "2026-02-13", i: "x", v: "maybe" },
      3600,
      new Date(),
    );
    for (const t of ["not-a-token", `${token}x`, forged, rulesToken, badPayload]) {
      expect((await get(`${SITE}/feedback/${t}`)).status, t).toBe(400);
      const post = await exports.default.fetch(`${SITE}/feedback/${t}`, { method: "POST", body: "via=web" });
      expect(post.status, t).toBe(400);
    }
    expect(await stub.listFeedback()).toEqual([]);
  });
});

describe("free-text feedback", () => {
  it("turns 'please include 2 videos' into a standing rule and reports it back", async () => {
    const { id, stub } = await reader("text");
    const formUrl = await feedbackTextLink(SECRET, SITE, id, "2026-02-13", new Date());
    const form = await get(formUrl);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain("<textarea");

    const token = formUrl.split("/").at(-1) ?? "";
    const res = await exports.default.fetch(`${SITE}/feedback/text`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, text: "Loved the Sinkhorn pick. Please include 2 videos every day." }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      newRules: { constrains: string; params: Record<string, unknown> }[];
    };
    expect(body.newRules.map((r) => [r.constrains, r.params.min])).toEqual([["videos.min", 2]]);
    expect((await stub.listRules()).map((r) => r.constrains)).toEqual(["videos.min"]);
  });

  it("accepts the HTML form and shows the new rules on the thank-you page", async () => {
    const { id } = await reader("form");
    const token =
      (await feedbackTextLink(SECRET, SITE, id, "2026-02-13", new Date())).split("/").at(-1) ?? "";
    const res = await exports.default.fetch(`${SITE}/feedback/text`, {
      method: "POST",
      body: new URLSearchParams({
        token,
        text: "Telegram and email diverged; both channels must be identical.",
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("identical content");
  });

  it("rejects an empty note or a missing token with a precise 400", async () => {
    const { id } = await reader("empty");
    const token =
      (await feedbackTextLink(SECRET, SITE, id, "2026-02-13", new Date())).split("/").at(-1) ?? "";
    const empty = await exports.default.fetch(`${SITE}/feedback/text`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, text: "   " }),
    });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { message: string } }).error.message).toMatch(/text/);
    const noToken = await exports.default.fetch(`${SITE}/feedback/text`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(noToken.status).toBe(400);
  });
});

describe("standing rules page", () => {
  it("lists the reader's rules and removes one on request", async () => {
    const { id, stub } = await reader("rules");
    const rule = await stub.addRule({
      text: "No tools or repositories.",
      constrains: "tools.max",
      params: { max: 0 },
    });
    const url = await rulesLink(SECRET, SITE, id, new Date());
    const page = await get(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("No tools or repositories.");

    const removed = await exports.default.fetch(url, {
      method: "POST",
      body: new URLSearchParams({ rule: rule.id }),
      redirect: "manual",
    });
    expect(removed.status).toBe(303);
    expect(await stub.listRules()).toEqual([]);
    const again = await get(url);
    expect(await again.text()).toContain("No standing rules");
  });
});
