/**
 * Security headers on every response, and pages that work under them: no inline script, no event
 * handler attribute, scripts only from this origin.
 */
import { env, exports } from "cloudflare:workers";
import { type DefaultTreeAdapterMap, parse } from "parse5";
import { beforeAll, describe, expect, it } from "vitest";
import { insertIssue } from "../../d1/issues";
import { ensureReader } from "../../d1/readers";
import { feedbackLink, feedbackTextLink, rulesLink } from "../../src/feedback-links";
import { Issue } from "../../src/issue";
import example from "../fixtures/issue-2026-02-13.json";

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

const fetchApp = (url: string, init: RequestInit = {}) => exports.default.fetch(new Request(url, init));
const site = "https://feed.example";

beforeAll(async () => {
  await ensureReader(env.DB, "demo", "Demo", new Date());
  await insertIssue(env.DB, Issue.parse(example));
});

function expectSecurityHeaders(res: Response) {
  const csp = res.headers.get("content-security-policy") ?? "";
  const directives = new Map(
    csp.split(";").map((d) => {
      const [name = "", ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  expect(directives.get("script-src")).toEqual(["'self'"]);
  expect(directives.get("object-src")).toEqual(["'none'"]);
  expect(directives.get("base-uri")).toEqual(["'none'"]);
  expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
  expect(directives.get("form-action")).toEqual(["'self'"]);
  expect(directives.get("default-src")).toEqual(["'self'"]);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
}

function elements(node: Node): Element[] {
  const out: Element[] = [];
  const walk = (n: Node) => {
    if ("tagName" in n) out.push(n);
    const children = "childNodes" in n ? n.childNodes : [];
    for (const child of children) walk(child);
    if ("content" in n && n.content) walk(n.content);
  };
  walk(node);
  return out;
}

/** What the CSP would block on a page, as a list a failing test prints. */
function inlineCode(page: string): string[] {
  const problems: string[] = [];
  for (const el of elements(parse(page))) {
    for (const attr of el.attrs) {
      if (/^on/i.test(attr.name)) problems.push(`<${el.tagName} ${attr.name}>`);
      if (/^\s*javascript:/i.test(attr.value)) problems.push(`<${el.tagName} ${attr.name}="${attr.value}">`);
    }
    if (el.tagName === "script") {
      const src = el.attrs.find((a) => a.name === "src")?.value;
      if (!src) problems.push("inline <script>");
      else if (!src.startsWith("/")) problems.push(`<script src="${src}">`);
    }
  }
  return problems;
}

describe("security headers", () => {
  it("are on pages, feeds, JSON, errors and health checks", async () => {
    const token = (await feedbackTextLink(env.TOKEN_SECRET, site, "demo", "2026-02-13", new Date())).slice(
      site.length,
    );
    for (const [path, init] of [
      ["/", {}],
      ["/issues/2026-02-13", {}],
      ["/issues/2026-02-13.json", {}],
      ["/issues/2026-02-13.md", {}],
      ["/feed.xml", {}],
      ["/healthz", {}],
      ["/nope", {}],
      ["/nope", { headers: { accept: "text/html" } }],
      [token, {}],
      ["/feedback/text", { method: "POST", body: "{bad", headers: { "content-type": "application/json" } }],
      ["/admin/runs", {}],
    ] as const) {
      const res = await fetchApp(`${site}${path}`, init);
      expectSecurityHeaders(res);
      await res.arrayBuffer();
    }
  });

  it("send HSTS over https only", async () => {
    const https = await fetchApp(`${site}/healthz`);
    expect(https.headers.get("strict-transport-security")).toMatch(/^max-age=\d{7,}/);
    const http = await fetchApp("http://localhost:8787/healthz");
    expect(http.headers.get("strict-transport-security")).toBeNull();
    expectSecurityHeaders(http);
  });
});

describe("pages under the policy", () => {
  it("carry no inline script, no event handler and no script from elsewhere", async () => {
    const now = new Date();
    const secret = env.TOKEN_SECRET;
    const itemId = Issue.parse(example).items[0]?.candidateId ?? "";
    const links = [
      await feedbackTextLink(secret, site, "demo", "2026-02-13", now),
      await rulesLink(secret, site, "demo", now),
      await feedbackLink(secret, site, "demo", "2026-02-13", itemId, "up", now),
    ].map((l) => l.slice(site.length));
    for (const path of ["/", "/issues", "/issues/2026-02-13", "/unsubscribe/forged.token", ...links]) {
      const res = await fetchApp(`${site}${path}`, { headers: { accept: "text/html" } });
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(inlineCode(await res.text()), path).toEqual([]);
    }
  });

  it("load the GPU panel as a module file from this origin", async () => {
    const page = await (await fetchApp(`${site}/issues/2026-02-13`)).text();
    expect(page).toContain('<script type="module" src="/gpu/panel.js"></script>');
  });
});
