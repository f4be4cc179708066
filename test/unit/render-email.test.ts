import { describe, expect, it } from "vitest";
import { cloudflareTransport, listUnsubscribeHeaders } from "../../src/channels/mail";
import { Issue } from "../../src/issue";
import { type FeedbackLinks, renderConfirmationEmail, renderEmail } from "../../src/render/email";
import example from "../fixtures/issue-2026-02-13.json";

const issue = Issue.parse(example);
const siteUrl = "https://feed.example";
const unsubscribeUrl = "https://feed.example/unsubscribe/tok.sig";

function linksFor(i: Issue): FeedbackLinks {
  return new Map(
    i.items.map((item, n) => [
      item.candidateId,
      { up: `https://feed.example/feedback/up-${n}`, down: `https://feed.example/feedback/down-${n}` },
    ]),
  );
}

const email = renderEmail(issue, { siteUrl, unsubscribeUrl, feedbackLinks: linksFor(issue) });

describe("renderEmail", () => {
  it("uses the issue title as the subject", () => {
    expect(email.subject).toBe("Daily Feed - 2026-02-13");
  });

  it("writes HTML that mail clients render: inline styles, no script, no stylesheet, no KaTeX", () => {
    expect(email.html).not.toMatch(/<script|<style|<link\b|class="katex/i);
    expect(email.html).toMatch(/^<!doctype html>/);
    expect(email.html).toContain('style="');
    expect(email.html).toContain('role="presentation"');
  });

  it("writes formulas in Unicode in both parts, never as TeX source", () => {
    for (const part of [email.html, email.text]) {
      expect(part).not.toContain("\\varepsilon");
      expect(part).not.toContain("$$");
      expect(part).toContain("ε");
    }
  });

  it("links every pick's title and gives every pick its own 👍/👎 links", () => {
    issue.items.forEach((item, n) => {
      expect(email.html).toContain(`href="${item.url}"`);
      expect(email.html).toContain(`href="https://feed.example/feedback/up-${n}"`);
      expect(email.html).toContain(`href="https://feed.example/feedback/down-${n}"`);
      expect(email.text).toContain(`https://feed.example/feedback/up-${n}`);
      expect(email.text).toContain(`https://feed.example/feedback/down-${n}`);
    });
  });

  it("shows a visible unsubscribe link in both parts", () => {
    expect(email.html).toContain(`<a href="${unsubscribeUrl}"`);
    expect(email.html).toMatch(/>Unsubscribe<\/a>/);
    expect(email.text).toMatch(/^-- $/m);
    expect(email.text).toContain(`Unsubscribe: ${unsubscribeUrl}`);
  });

  it("keeps the plain-text part free of markup and in the issue's section order", () => {
    expect(email.text).not.toMatch(/<\/?[a-z][^>]*>/i);
    const sequence = [
      issue.title,
      issue.summary,
      issue.countLine,
      ...issue.items.map((i) => i.title),
      "Talks",
      issue.videos[0]?.title ?? "",
      "Notes",
      "Feedback",
      "Standing rules",
    ];
    let from = 0;
    for (const s of sequence) {
      const at = email.text.indexOf(s, from);
      expect(at, `"${s.slice(0, 40)}" after position ${from}`).toBeGreaterThanOrEqual(0);
      from = at + s.length;
    }
  });

  it("escapes text from the issue instead of interpreting it", () => {
    const hostile = Issue.parse({
      ...example,
      summary: `<img src=x onerror=alert(1)> & "quotes"`,
      notes: ["<script>alert(1)</script>"],
    });
    const out = renderEmail(hostile, { siteUrl, unsubscribeUrl, feedbackLinks: new Map() });
    expect(out.html).not.toContain("<img src=x");
    expect(out.html).not.toContain("<script>");
    expect(out.html).toContain("&lt;script&gt;");
    expect(out.text).toContain("<script>alert(1)</script>");
  });

  it("leaves out vote links when none are given (e.g. the web archive's copy)", () => {
    const out = renderEmail(issue, { siteUrl, unsubscribeUrl, feedbackLinks: new Map() });
    expect(out.html).not.toContain("Was this a good pick?");
    expect(out.text).not.toContain("Good pick?");
  });
});

describe("renderConfirmationEmail", () => {
  it("carries the confirm link in both parts and says nothing is sent without it", () => {
    const confirmUrl = "https://feed.example/subscribe/confirm/abc.def";
    const mail = renderConfirmationEmail({ siteUrl, confirmUrl, email: "ada@example.org" });
    expect(mail.html).toContain(`href="${confirmUrl}"`);
    expect(mail.text).toContain(confirmUrl);
    expect(mail.text).toContain("ada@example.org");
    expect(mail.text).toMatch(/nothing will be sent without a confirmation/);
  });
});

describe("listUnsubscribeHeaders", () => {
  it("offers an https one-click target and a mailto fallback (RFC 8058)", () => {
    const h = listUnsubscribeHeaders(unsubscribeUrl, "Daily Feed <feed@feed.example>");
    // The mailto subject carries the same signed token as the https link, so mail alone is never trusted.
    const token = unsubscribeUrl.split("/").pop() ?? "";
    expect(h["List-Unsubscribe"]).toBe(
      `<${unsubscribeUrl}>, <mailto:feed@feed.example?subject=${encodeURIComponent(`unsubscribe ${token}`)}>`,
    );
    expect(h["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
  });
});

describe("cloudflareTransport", () => {
  it("passes the unsubscribe headers and leaves out the ones Cloudflare generates itself", async () => {
    const calls: unknown[] = [];
    const transport = cloudflareTransport({
      async send(message) {
        calls.push(message);
        return { messageId: "cf-1" };
      },
    });
    const sent = await transport.send({
      from: "Daily Feed <feed@feed.example>",
      to: "ada@example.org",
      subject: email.subject,
      html: email.html,
      text: email.text,
      headers: {
        ...listUnsubscribeHeaders(unsubscribeUrl, "feed@feed.example"),
        "Message-ID": "<x@feed.example>",
      },
    });
    expect(sent).toEqual({ id: "cf-1" });
    expect(calls[0]).toMatchObject({
      from: { name: "Daily Feed", email: "feed@feed.example" },
      to: "ada@example.org",
      headers: {
        "List-Unsubscribe": `<${unsubscribeUrl}>, <mailto:feed@feed.example?subject=${encodeURIComponent(`unsubscribe ${unsubscribeUrl.split("/").pop() ?? ""}`)}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    });
    expect(Object.keys((calls[0] as { headers: object }).headers)).not.toContain("Message-ID");
  });
});
