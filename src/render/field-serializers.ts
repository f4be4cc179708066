/**
 * How one write-up field renders in each channel.
 *
 * A field is Markdown with math: `$…$` inline, `$$…$$` display (also `\(…\)` / `\[…\]`), **bold**,
 * *italic*, `code`, fenced code blocks, links, lists. Every channel renderer (web, Markdown, email,
 * Telegram) goes through this module so that the TEXT of an issue is the same everywhere and only the
 * formatting differs:
 *
 * - web: `fieldToHtml(md, { math: "katex" })` — KaTeX rendered on the server (no script needed to read);
 *   every formula is wrapped in `<span class="math …" data-unicode="…">` carrying its Unicode form so the
 *   page's text can be extracted for comparison (`htmlToParityText`).
 * - email HTML: `fieldToHtml(md, { math: "unicode" })` — no script, no fonts: Unicode math
 *   (`\varepsilon`→ε, `x^2`→x², `\sum_{ij}`→∑ᵢⱼ), display math as a centered monospace block.
 * - email text part: `fieldToPlain(md)`.
 * - Telegram: `fieldToTelegramHtml(md)` — only the tags Telegram's HTML mode allows.
 *
 * One Markdown lexer (marked, with two math extensions) feeds three small serializers; nothing from the
 * input reaches the output unescaped (raw HTML in a field is shown as text).
 */
import type { Token, Tokens } from "marked";
import { applyTexConventions } from "../tex/tex-conventions";
import { texToUnicode } from "../tex/tex-unicode";
import { escapeHtml, escapeTelegram, safeHref } from "./escape";
import { isMath, lex } from "./field-lexer";
import { renderUntrustedTex } from "./tex";

/** How one channel writes each kind of token; `serializeField` walks a field's tokens with one. */
export interface Serializer {
  text(s: string): string;
  strong(inner: string): string;
  em(inner: string): string;
  del(inner: string): string;
  codespan(code: string): string;
  code(code: string, lang: string | undefined): string;
  link(inner: string, href: string, plainText: string): string;
  math(tex: string, display: boolean): string;
  paragraph(inner: string): string;
  list(items: string[], ordered: boolean, start: number): string;
  blockquote(inner: string): string;
  br(): string;
  join(blocks: string[]): string;
}

function serializeInline(tokens: Token[] | undefined, s: Serializer): string {
  if (!tokens) return "";
  let out = "";
  for (const token of tokens) out += serializeInlineToken(token, s);
  return out;
}

function serializeInlineToken(token: Token, s: Serializer): string {
  if (isMath(token)) return s.math(token.text, token.display);
  switch (token.type) {
    case "text": {
      const t = token as Tokens.Text;
      return t.tokens ? serializeInline(t.tokens, s) : s.text(t.text);
    }
    case "escape":
      return s.text((token as Tokens.Escape).text);
    case "strong":
      return s.strong(serializeInline((token as Tokens.Strong).tokens, s));
    case "em":
      return s.em(serializeInline((token as Tokens.Em).tokens, s));
    case "del":
      return s.del(serializeInline((token as Tokens.Del).tokens, s));
    case "codespan":
      return s.codespan((token as Tokens.Codespan).text);
    case "br":
      return s.br();
    case "link": {
      const l = token as Tokens.Link;
      return s.link(serializeInline(l.tokens, s), l.href, plainInline(l.tokens));
    }
    case "image": {
      const img = token as Tokens.Image;
      return s.link(s.text(img.text || img.href), img.href, img.text || img.href);
    }
    case "html":
      // Raw HTML in a field is shown, not interpreted.
      return s.text((token as Tokens.HTML).text);
    default:
      return "tokens" in token && Array.isArray(token.tokens)
        ? serializeInline(token.tokens as Token[], s)
        : s.text(token.raw);
  }
}

/** The visible text of inline tokens (link text for the plain-text "text (url)" decision). */
function plainInline(tokens: Token[] | undefined): string {
  if (!tokens) return "";
  return tokens
    .map((t) => {
      if (isMath(t)) return t.text;
      if ("tokens" in t && Array.isArray(t.tokens)) return plainInline(t.tokens as Token[]);
      return "text" in t && typeof t.text === "string" ? t.text : t.raw;
    })
    .join("");
}

function serializeBlocks(tokens: Token[], s: Serializer): string {
  const blocks: string[] = [];
  for (const token of tokens) {
    if (isMath(token)) {
      blocks.push(s.math(token.text, true));
      continue;
    }
    switch (token.type) {
      case "space":
      case "hr":
        break;
      case "paragraph":
        blocks.push(s.paragraph(serializeInline((token as Tokens.Paragraph).tokens, s)));
        break;
      case "heading":
        blocks.push(s.paragraph(s.strong(serializeInline((token as Tokens.Heading).tokens, s))));
        break;
      case "text": {
        const t = token as Tokens.Text;
        blocks.push(s.paragraph(t.tokens ? serializeInline(t.tokens, s) : s.text(t.text)));
        break;
      }
      case "code": {
        const c = token as Tokens.Code;
        blocks.push(s.code(c.text, c.lang || undefined));
        break;
      }
      case "list": {
        const l = token as Tokens.List;
        const items = l.items.map((item) => serializeListItem(item, s));
        blocks.push(s.list(items, l.ordered, typeof l.start === "number" ? l.start : 1));
        break;
      }
      case "blockquote":
        blocks.push(s.blockquote(serializeBlocks((token as Tokens.Blockquote).tokens, s)));
        break;
      case "html":
        blocks.push(s.paragraph(s.text((token as Tokens.HTML).text.trim())));
        break;
      case "table": {
        const t = token as Tokens.Table;
        const rows = [t.header, ...t.rows].map((row) =>
          row.map((cell) => serializeInline(cell.tokens, s)).join(" | "),
        );
        blocks.push(rows.map((r) => s.paragraph(r)).join(""));
        break;
      }
      default:
        blocks.push(s.paragraph(s.text(token.raw.trim())));
    }
  }
  return s.join(blocks);
}

function serializeListItem(item: Tokens.ListItem, s: Serializer): string {
  // Tight list items hold "text" tokens; render them inline rather than as paragraphs.
  const parts: string[] = [];
  for (const t of item.tokens) {
    if (t.type === "text") {
      const text = t as Tokens.Text;
      parts.push(text.tokens ? serializeInline(text.tokens, s) : s.text(text.text));
    } else {
      parts.push(serializeBlocks([t], s));
    }
  }
  return parts.join(" ").trim();
}

/** A write-up field written by `s`: the one lexer (Markdown with math) for every channel. */
export function serializeField(md: string, s: Serializer): string {
  return serializeBlocks(lex(md), s);
}

// --- web / email HTML ---

function htmlSerializer(math: "katex" | "unicode"): Serializer {
  return {
    text: escapeHtml,
    strong: (inner) => `<strong>${inner}</strong>`,
    em: (inner) => `<em>${inner}</em>`,
    del: (inner) => `<del>${inner}</del>`,
    codespan: (code) => `<code>${escapeHtml(code)}</code>`,
    code: (code, lang) =>
      `<pre><code${lang ? ` class="language-${escapeHtml(lang.replace(/[^\w+-]/g, ""))}"` : ""}>${escapeHtml(code)}</code></pre>`,
    link: (inner, href) => {
      const safe = safeHref(href);
      return safe ? `<a href="${escapeHtml(safe)}">${inner}</a>` : inner;
    },
    math: (tex, display) => (math === "katex" ? katexHtml(tex, display) : unicodeMathHtml(tex, display)),
    paragraph: (inner) => `<p>${inner}</p>`,
    list: (items, ordered, start) => {
      const tag = ordered ? "ol" : "ul";
      const startAttr = ordered && start !== 1 ? ` start="${start}"` : "";
      return `<${tag}${startAttr}>${items.map((i) => `<li>${i}</li>`).join("")}</${tag}>`;
    },
    blockquote: (inner) => `<blockquote>${inner}</blockquote>`,
    br: () => "<br>",
    join: (blocks) => blocks.join("\n"),
  };
}

/**
 * KaTeX HTML for one formula, wrapped in a span carrying its Unicode form (`data-unicode`) so the text of a
 * web page can be compared with the other channels (see `htmlToParityText`). Conventional undefined author
 * macros (`\RR`, `\Hcal`, `\mbox`) are rewritten first; TeX KaTeX still cannot parse falls back to its
 * Unicode form, never to KaTeX's red error text.
 */
function katexHtml(tex: string, display: boolean): string {
  const unicode = escapeHtml(texToUnicode(tex, { display }));
  // A macro KaTeX cannot resolve, or TeX past the limits of untrusted input: readable Unicode, never
  // KaTeX's red error text.
  const rendered =
    renderUntrustedTex(applyTexConventions(tex), display) ??
    `<span class="math-fallback">${display ? unicode.split("\n").join("<br>") : unicode}</span>`;
  return display
    ? `<span class="math math-display" data-unicode="${unicode}">${rendered}</span>`
    : `<span class="math math-inline" data-unicode="${unicode}">${rendered}</span>`;
}

/** Unicode math for email: inline as a span, display as a centered monospace block. */
function unicodeMathHtml(tex: string, display: boolean): string {
  const unicode = texToUnicode(tex, { display });
  if (!display) {
    return `<span class="math math-inline" data-unicode="${escapeHtml(unicode)}" style="font-family:'Cambria Math','STIX Two Math','DejaVu Serif',serif;white-space:nowrap">${escapeHtml(unicode)}</span>`;
  }
  const lines = unicode.split("\n").map(escapeHtml).join("<br>");
  return `<span class="math math-display" data-unicode="${escapeHtml(unicode)}" style="display:block;text-align:center;margin:8px 0;padding:6px 8px;background:#f6f8fa;border-radius:4px;font-family:'Cambria Math','STIX Two Math','DejaVu Sans Mono',Menlo,Consolas,monospace;white-space:pre-wrap">${lines}</span>`;
}

/**
 * A write-up field as safe HTML. `math: "katex"` (web) typesets formulas with KaTeX on the server — the page
 * needs KaTeX's CSS (`katexCssHref`) but no script; `math: "unicode"` (email) writes them in Unicode, display
 * math as a centered monospace block. Everything from the input is escaped; raw HTML shows as text; only
 * http(s) links are kept (`safeHref`).
 */
export function fieldToHtml(md: string, opts: { math: "katex" | "unicode" }): string {
  return serializeBlocks(lex(md), htmlSerializer(opts.math));
}

// --- Telegram ---

const telegramSerializer: Serializer = {
  text: escapeTelegram,
  strong: (inner) => `<b>${inner}</b>`,
  em: (inner) => `<i>${inner}</i>`,
  del: (inner) => `<s>${inner}</s>`,
  codespan: (code) => `<code>${escapeTelegram(code)}</code>`,
  code: (code, lang) =>
    lang && /^[\w+-]+$/.test(lang)
      ? `<pre><code class="language-${lang}">${escapeTelegram(code)}</code></pre>`
      : `<pre>${escapeTelegram(code)}</pre>`,
  link: (inner, href) => {
    const safe = safeHref(href);
    return safe ? `<a href="${escapeTelegram(safe).replace(/"/g, "&quot;")}">${inner}</a>` : inner;
  },
  math: (tex, display) => {
    const unicode = escapeTelegram(texToUnicode(tex, { display }));
    return display ? `\n<pre>${unicode}</pre>\n` : unicode;
  },
  paragraph: (inner) => inner.replace(/^\n+|\n+$/g, ""),
  list: (items, ordered, start) =>
    items.map((item, i) => `${ordered ? `${start + i}.` : "•"} ${item}`).join("\n"),
  blockquote: (inner) => `<blockquote>${inner}</blockquote>`,
  br: () => "\n",
  join: (blocks) => blocks.join("\n\n"),
};

/**
 * A write-up field as Telegram HTML (parse_mode "HTML"): only b, i, s, code, pre, a and blockquote; `<`, `>`
 * and `&` escaped; math in Unicode; display math and code blocks in `<pre>`.
 */
export function fieldToTelegramHtml(md: string): string {
  return serializeBlocks(lex(md), telegramSerializer).replace(/\n{3,}/g, "\n\n");
}

// --- plain text ---

const plainSerializer: Serializer = {
  text: (s) => s,
  strong: (inner) => inner,
  em: (inner) => inner,
  del: (inner) => inner,
  codespan: (code) => code,
  code: (code) => code,
  link: (inner, href, plainText) => {
    const safe = safeHref(href);
    if (!safe || plainText.trim() === safe) return inner;
    return `${inner} (${safe})`;
  },
  math: (tex, display) => {
    const unicode = texToUnicode(tex, { display });
    return display
      ? `\n${unicode
          .split("\n")
          .map((l) => `    ${l}`)
          .join("\n")}\n`
      : unicode;
  },
  paragraph: (inner) => inner.replace(/^\n+|\n+$/g, ""),
  list: (items, ordered, start) =>
    items.map((item, i) => `${ordered ? `${start + i}.` : "-"} ${item}`).join("\n"),
  blockquote: (inner) =>
    inner
      .split("\n")
      .map((l) => `> ${l}`)
      .join("\n"),
  br: () => "\n",
  join: (blocks) => blocks.join("\n\n"),
};

/** A write-up field as plain text (email text part): no markup, Unicode math, links as "text (url)". */
export function fieldToPlain(md: string): string {
  return serializeBlocks(lex(md), plainSerializer).replace(/\n{3,}/g, "\n\n");
}

/**
 * Where the web page links KaTeX's stylesheet. `fieldToHtml(…, { math: "katex" })` output needs it (no
 * script). At build/start, copy `node_modules/katex/dist/katex.min.css` to `public/katex/katex.min.css` and
 * `node_modules/katex/dist/fonts/` to `public/katex/fonts/` (the CSS refers to `fonts/…` relatively), then
 * put `<link rel="stylesheet" href="/katex/katex.min.css">` in the page head.
 */
export const katexCssHref = "/katex/katex.min.css";
