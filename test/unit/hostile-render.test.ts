/**
 * Hostile candidates through every renderer. Titles, authors, abstracts and write-ups carry script
 * tags, event handlers, `javascript:` links, Markdown and Telegram-HTML injection and TeX bombs;
 * URLs carry every non-http(s) scheme browsers run. Each output is read by a real HTML parser
 * (parse5) and must hold no script we did not write, no `on*` attribute and no non-http(s) link.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { XMLValidator } from "fast-xml-parser";
import katex from "katex";
import { marked } from "marked";
import { describe, expect, it } from "vitest";
import type { Candidate } from "../../src/candidate";
import { Candidate as CandidateSchema } from "../../src/candidate";
import { demoProfile, demoRules } from "../../src/demo-profile";
import { httpUrl, isHttpUrl, safeHref } from "../../src/http-url";
import { Issue } from "../../src/issue";
import { composeIssue } from "../../src/pipeline";
import { renderAtom } from "../../src/render/atom";
import { renderEmail } from "../../src/render/email";
import { fieldToHtml, fieldToPlain, fieldToTelegramHtml } from "../../src/render/field-serializers";
import { escapeMarkdown, renderMarkdown } from "../../src/render/markdown";
import { renderTelegram } from "../../src/render/telegram";
import { renderUntrustedTex, TEX_MAX_EXPAND, TEX_MAX_OUTPUT } from "../../src/render/tex";
import { renderArchivePage, renderIssuePage } from "../../src/render/web";
import { readerModelFromProfile } from "../../src/scoring";
import { parsePayload } from "../../src/sources";
import { talkLibraryCandidates } from "../../src/sources/talks";
import { texToUnicode } from "../../src/tex/tex-unicode";
import { deterministicWriter } from "../../src/writeup/deterministic";
import { type HtmlFindings, inspectHtml } from "../support/html-safety";

const fixtures = path.join(import.meta.dirname, "../fixtures");

// --- the attacks ---

/** Links that run script or load something else when followed; each carries the marker BADURL. */
const BAD_URLS = [
  "javascript:alert('BADURL')",
  "JaVaScRiPt:alert('BADURL')",
  "java\tscript:alert('BADURL')",
  "java\nscript:alert('BADURL')",
  " javascript:alert('BADURL')",
  "\u0001javascript:alert('BADURL')",
  "data:text/html,<script>alert('BADURL')</script>",
  "vbscript:msgbox('BADURL')",
  "file:///etc/passwd#BADURL",
  "//evil.example/BADURL",
  "tg://resolve?domain=BADURL",
  "mailto:x@evil.example?subject=BADURL",
];

/** Text that turns into markup if any channel forgets to escape it. */
const HOSTILE_TEXT = [
  `<script>alert("T")</script>`,
  `<img src=x onerror=alert("T")>`,
  `"><svg onload=alert("T")>`,
  `</a><a href="javascript:alert('T')">x</a>`,
  `[click](javascript:alert('T'))`,
  `![pic](javascript:alert('T'))`,
  `<javascript:alert('T')>`,
  `# Heading injection`,
  `- list injection`,
  "`code` **bold** _em_ ~~del~~ | table |",
  `</b><a href="tg://resolve?domain=T">tg</a><b>`,
  `&lt;script&gt;alert("T")&lt;/script&gt;`,
  `<iframe src="javascript:alert('T')"></iframe>`,
  `<style>body{background:url(javascript:alert('T'))}</style>`,
].join(" ");

/** Write-up Markdown that tries every way marked knows to make a link or raw HTML. */
const HOSTILE_FIELD = [
  "Intro [a](javascript:alert('F')) and [b](JaVaScRiPt:alert('F')) and [c](&#106;avascript:alert('F')).",
  "",
  "[ref][r] and <javascript:alert('F')> and ![i](data:text/html,<script>alert('F')</script>)",
  "",
  "[r]: javascript:alert('F')",
  "",
  "<div onclick=\"alert('F')\">raw html block</div>",
  "",
  "<script>alert('F')</script>",
  "",
  "Math with a tag: $a<b$ and $\\href{javascript:alert('F')}{x}$ and $\\url{javascript:alert('F')}$.",
  "",
  "```html",
  "<script>alert('F')</script>",
  "```",
].join("\n");

/** Macro and size bombs: each doubles or nests until an unbounded renderer runs out of time or memory. */
function texBombs(): string[] {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  let doubling = "\\def\\a{x}";
  for (let i = 1; i < letters.length; i++)
    doubling += `\\def\\${letters[i]}{\\${letters[i - 1]}\\${letters[i - 1]}}`;
  doubling += "\\z";
  return [
    doubling,
    "\\def\\x{\\x\\x}\\x",
    "\\newcommand{\\f}[1]{#1#1#1#1}\\f{\\f{\\f{\\f{\\f{\\f{\\f{\\f{\\f{\\f{x}}}}}}}}}}",
    "\\rule{100000em}{100000em}\\kern99999em\\hspace{1e9em}",
    `\\begin{matrix}${"x&".repeat(900)}\\end{matrix}`,
    `${"\\sqrt{".repeat(400)}x${"}".repeat(400)}`,
    `${"{".repeat(5000)}x${"}".repeat(5000)}`,
    "\\color{red}".repeat(400),
  ];
}

const HOSTILE_ABSTRACT = `${HOSTILE_TEXT} ${texBombs()
  .map((b) => `$${b}$`)
  .join(" ")} $$${texBombs()[0]}$$`;

// --- the checks ---

function inspect(html: string, opts: { document?: boolean; allowStyle?: boolean } = {}): HtmlFindings {
  return inspectHtml(html, opts);
}

function expectSafe(html: string, opts: { document?: boolean; allowStyle?: boolean } = {}): HtmlFindings {
  const found = inspect(html, opts);
  expect(found.scripts, "script elements").toEqual([]);
  expect(found.handlers, "on* attributes").toEqual([]);
  expect(found.links, "non-http(s) links").toEqual([]);
  expect(found.forbidden, "forbidden elements").toEqual([]);
  return found;
}

// --- the inputs ---

function parsed(source: "arxiv" | "huggingface", file: string): Candidate[] {
  const result = parsePayload(source, readFileSync(path.join(fixtures, file), "utf8"));
  if (!result.ok) throw new Error(result.error.message);
  return result.candidates;
}

/** The real day's candidates, each carrying the attacks in its title, authors and abstract. */
function hostilePool(): Candidate[] {
  const day = [
    ...parsed("arxiv", "arxiv_rss_multi_archive_2024-11-28.xml"),
    ...parsed("huggingface", "hf_api_daily_papers_2024-10-25.json"),
    ...talkLibraryCandidates(),
  ];
  return day.map((c) => ({
    ...c,
    title: `${c.title} ${HOSTILE_TEXT}`,
    summary: `${c.summary} ${HOSTILE_ABSTRACT}`,
    authors: [...c.authors, HOSTILE_TEXT],
    signals: { ...c.signals, ...(c.signals.channel ? { channel: HOSTILE_TEXT } : {}) },
  }));
}

async function hostileIssue(): Promise<Issue> {
  const { issue } = await composeIssue({
    readerId: "demo",
    date: "2024-11-28",
    now: new Date("2024-11-28T06:00:00Z"),
    pool: hostilePool(),
    model: readerModelFromProfile(demoProfile, demoRules, []),
    profile: demoProfile,
    rules: demoRules,
    feedback: [],
    failures: [{ source: "github", kind: "parse", message: HOSTILE_TEXT }],
    quiet: [],
    writer: deterministicWriter,
    lookups: {
      authorTalks: async () => [],
      discussion: async () => ({ title: HOSTILE_TEXT, url: "https://news.ycombinator.com/item?id=1" }),
    },
  });
  return {
    ...issue,
    notes: [...issue.notes, HOSTILE_TEXT],
    feedback: {
      received: [HOSTILE_TEXT],
      rules: [{ id: "r1", text: HOSTILE_TEXT, constrains: "topic.avoid", params: {}, since: "2024-11-01" }],
    },
  };
}

/**
 * The same issue with every URL replaced by a bad one, as if something got past the model's schema
 * (a row written by an older version, a bug): each renderer must check again on its own.
 */
function withBadUrls(issue: Issue, bad: string): Issue {
  return {
    ...issue,
    items: issue.items.map((item) => ({
      ...item,
      url: bad,
      punch: `${item.punch}\n\n${HOSTILE_FIELD}`,
      ...(item.discussion ? { discussion: { ...item.discussion, url: bad } } : {}),
    })),
    videos: issue.videos.map((v) => ({ ...v, url: bad })),
  };
}

const SITE = "https://feed.example";
const votes = (issue: Issue, bad?: string) =>
  new Map(
    issue.items.map((i) => [
      i.candidateId,
      bad ? { up: bad, down: bad } : { up: `${SITE}/feedback/up`, down: `${SITE}/feedback/down` },
    ]),
  );

/** Every channel's output for one issue, as the HTML a reader's client would end up showing. */
async function renderEverywhere(issue: Issue, bad?: string) {
  const feedbackLinks = votes(issue, bad);
  const email = renderEmail(issue, {
    siteUrl: SITE,
    unsubscribeUrl: bad ?? `${SITE}/unsubscribe/t`,
    feedbackLinks,
    ...(bad ? { noteUrl: bad, rulesUrl: bad } : {}),
  });
  const markdown = renderMarkdown(issue);
  const atom = renderAtom([issue], SITE, new Date("2024-11-28T06:00:00Z"));
  return {
    web: await renderIssuePage(issue, { siteUrl: SITE, feedbackLinks }),
    home: await renderArchivePage([{ date: issue.date, title: HOSTILE_TEXT, summary: HOSTILE_TEXT }], {
      siteUrl: SITE,
      latest: issue,
      feedbackLinks,
    }),
    emailHtml: email.html,
    emailText: email.text,
    telegram: renderTelegram(issue, { siteUrl: SITE }),
    markdown,
    // A Markdown viewer passes raw HTML through: what it would show is what must be safe.
    markdownAsHtml: await marked.parse(markdown, { gfm: true }),
    atom,
    atomContentAsHtml: await Promise.all(
      [...atom.matchAll(/<content type="text">([\s\S]*?)<\/content>/g)].map((m) =>
        marked.parse(
          (m[1] ?? "")
            .replace(/&lt;/g, "<")
            .replace(/&gt;/g, ">")
            .replace(/&quot;/g, '"')
            .replace(/&amp;/g, "&"),
          { gfm: true },
        ),
      ),
    ),
  };
}

const TELEGRAM_TAGS = new Set(["b", "i", "u", "s", "code", "pre", "a", "blockquote"]);

async function expectEveryChannelSafe(issue: Issue, bad?: string): Promise<void> {
  const out = await renderEverywhere(issue, bad);
  expectSafe(out.web, { document: true, allowStyle: true });
  expectSafe(out.home, { document: true, allowStyle: true });
  expectSafe(out.emailHtml, { document: true });
  expectSafe(out.markdownAsHtml);
  for (const html of out.atomContentAsHtml) expectSafe(html);
  // Atom: well-formed XML whose only links are ours.
  expect(XMLValidator.validate(out.atom)).toBe(true);
  expectSafe(out.atom);
  // Telegram: only the tags its HTML mode allows, links http(s), buttons http(s) or callbacks.
  for (const message of out.telegram) {
    const found = expectSafe(message.text);
    for (const tag of found.tags) expect(TELEGRAM_TAGS.has(tag), `Telegram tag <${tag}>`).toBe(true);
    for (const row of message.reply_markup?.inline_keyboard ?? [])
      for (const button of row) if (button.url !== undefined) expect(isHttpUrl(button.url)).toBe(true);
  }
  // Plain text: every "(link)" the renderer adds is http(s); a bad URL never appears at all.
  for (const m of out.emailText.matchAll(/\((\S+:\S*)\)$/gm)) expect(isHttpUrl(m[1] ?? "")).toBe(true);
  for (const text of [out.emailText, out.markdown, out.web, out.emailHtml, out.atom])
    expect(text).not.toContain("BADURL");
  for (const message of out.telegram) expect(message.text).not.toContain("BADURL");
  // Bounded: bombs cannot blow the output up.
  expect(out.web.length).toBeLessThan(3_000_000);
  expect(out.emailHtml.length).toBeLessThan(1_000_000);
}

// --- the tests ---

describe("hostile candidates through every renderer", () => {
  it("builds an issue from hostile candidates whose every channel holds no script, handler or bad link", async () => {
    const issue = await hostileIssue();
    expect(issue.items.length).toBeGreaterThanOrEqual(3);
    // The attacks are really in it: as text, not as markup.
    expect(issue.items[0]?.title).toContain("<script>");
    await expectEveryChannelSafe(issue);
    const page = await renderIssuePage(issue, { siteUrl: SITE });
    expect(page).toContain("&lt;script&gt;alert(&quot;T&quot;)&lt;/script&gt;");
  });

  it.each(BAD_URLS)("checks links again in every renderer when a URL is %j", async (bad) => {
    await expectEveryChannelSafe(withBadUrls(await hostileIssue(), bad), bad);
  });

  it("shows a title with a bad link as text on the web, in email, Telegram and Markdown", async () => {
    const issue = withBadUrls(await hostileIssue(), "javascript:alert('BADURL')");
    const title = issue.items[0]?.title ?? "";
    const out = await renderEverywhere(issue);
    expect(out.emailText).toContain(title);
    expect(out.markdown).toContain(`## ${escapeMarkdown(title)}`);
  });
});

describe("the model accepts only http(s) URLs", () => {
  it.each(BAD_URLS)("rejects %j in a candidate and an issue", async (bad) => {
    const issue = await hostileIssue();
    expect(httpUrl.safeParse(bad).success).toBe(false);
    expect(safeHref(bad)).toBeUndefined();
    const item = issue.items[0];
    expect(Issue.safeParse({ ...issue, items: [{ ...item, url: bad }] }).success).toBe(false);
    const [candidate] = hostilePool();
    expect(CandidateSchema.safeParse({ ...candidate, url: bad }).success).toBe(false);
  });

  it("accepts ordinary http and https links", () => {
    for (const ok of [
      "https://arxiv.org/abs/2602.03067",
      "http://example.org/a?b=c#d",
      "HTTPS://EXAMPLE.ORG",
    ])
      expect(httpUrl.safeParse(ok).success).toBe(true);
  });

  it("drops a GitHub repository whose link is javascript: and says so, keeping the others", () => {
    const body = JSON.stringify({
      total_count: 2,
      items: [
        { full_name: "evil/repo", html_url: "javascript:alert(1)", description: "x" },
        { full_name: "good/repo", html_url: "https://github.com/good/repo", description: "y" },
      ],
    });
    const result = parsePayload("github", body);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.candidates.map((c) => c.id)).toEqual(["github:good/repo"]);
    expect(result.dropped?.[0]?.message).toMatch(/item 0: html_url is not an http\(s\) URL/);
  });

  it("builds valid http(s) links from ids that carry spaces, quotes or lone surrogates", () => {
    const hostileId = 'x "><script>alert(1)</script> \ud800';
    const hf = parsePayload(
      "huggingface",
      JSON.stringify([{ paper: { id: hostileId, title: "T", summary: "S" } }]),
    );
    const s2 = parsePayload("semanticscholar", JSON.stringify([{ paperId: hostileId, title: "T" }]));
    const hn = parsePayload(
      "hackernews",
      JSON.stringify({ hits: [{ objectID: hostileId, title: "T", url: "javascript:alert(1)" }] }),
    );
    // Hugging Face ids must look like arXiv ids, so that one is left out; the others are kept.
    for (const [result, kept] of [
      [hf, 0],
      [s2, 1],
      [hn, 1],
    ] as const) {
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      expect(result.candidates.length).toBe(kept);
      for (const c of result.candidates) {
        expect(httpUrl.safeParse(c.url).success, c.url).toBe(true);
        expect(c.aliases.some((a) => a.startsWith("javascript:"))).toBe(false);
      }
    }
  });

  it("keeps a Semantic Scholar paper with a data: link, pointing at its S2 page instead", () => {
    const body = JSON.stringify([
      { paperId: "abc123", title: "A paper", url: "data:text/html,<script>x</script>" },
    ]);
    const result = parsePayload("semanticscholar", body);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.candidates[0]?.url).toBe("https://www.semanticscholar.org/paper/abc123");
    expect(result.dropped?.[0]?.message).toMatch(/paper 0: url is not an http\(s\) URL/);
  });
});

describe("write-up fields", () => {
  it("keep no link but http(s) and no raw HTML in any channel", () => {
    for (const html of [
      fieldToHtml(HOSTILE_FIELD, { math: "katex" }),
      fieldToHtml(HOSTILE_FIELD, { math: "unicode" }),
    ])
      expectSafe(html);
    const telegram = expectSafe(fieldToTelegramHtml(HOSTILE_FIELD));
    for (const tag of telegram.tags) expect(TELEGRAM_TAGS.has(tag)).toBe(true);
    expect(fieldToPlain(HOSTILE_FIELD)).not.toMatch(/\((?:javascript|data):/i);
  });
});

describe("untrusted TeX", () => {
  it.each(texBombs().map((b) => [b.slice(0, 40), b]))(
    "renders the bomb %j to bounded output, as KaTeX or in Unicode",
    (_label, bomb) => {
      for (const display of [false, true]) {
        // KaTeX either typesets it within its limits or declines (undefined): never unbounded.
        const html = renderUntrustedTex(bomb, display);
        if (html !== undefined) {
          expect(html.length).toBeLessThanOrEqual(TEX_MAX_OUTPUT);
          expectSafe(html);
        }
        // The field as the web page renders it: KaTeX or its Unicode fallback, bounded either way.
        const field = fieldToHtml(display ? `$$${bomb}$$` : `Then $${bomb}$ holds.`, { math: "katex" });
        expect(field.length).toBeLessThanOrEqual(TEX_MAX_OUTPUT + 20 * bomb.length + 1000);
        expectSafe(field);
      }
      // The Unicode form (email, Telegram, plain text) stays in proportion to its input as well.
      expect(texToUnicode(bomb).length).toBeLessThanOrEqual(4 * bomb.length + 64);
    },
  );

  it("stops a doubling \\def chain at the expansion limit instead of expanding 2^25 macros", () => {
    const bomb = texBombs()[0] ?? "";
    expect(() =>
      katex.renderToString(bomb, { throwOnError: true, maxExpand: TEX_MAX_EXPAND, globalGroup: false }),
    ).toThrow(/Too many expansions/);
    expect(renderUntrustedTex(bomb, true)).toBeUndefined();
  });

  it("never turns \\href or \\url into a link", () => {
    const html = renderUntrustedTex("\\href{javascript:alert(1)}{x} \\url{https://ok.example}", false);
    expect(inspect(html ?? "").tags.has("a")).toBe(false);
  });
});
