import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface LayoutOptions {
  title: string;
  description: string;
  siteUrl: string;
  /** Canonical path of the page, e.g. "/issues/2026-02-13". */
  path: string;
  /** Extra tags for <head> (KaTeX CSS, the GPU panel's assets). */
  head?: Markup;
  body: Markup;
  /** A private page (a subscriber's issue, the reader's own page): kept out of search engines and feeds. */
  noindex?: boolean;
}

/** Readable on a phone, no JavaScript needed; system fonts, one column. */
const CSS = `
:root{color-scheme:light dark;--fg:#1b1b1f;--muted:#5d5d6a;--bg:#fdfdfc;--card:#f4f3ef;--accent:#2b59c3;--rule:#deddd6}
@media (prefers-color-scheme:dark){:root{--fg:#e8e6e1;--muted:#a3a19b;--bg:#16161a;--card:#202026;--accent:#8fb0ff;--rule:#33333b}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.wrap{max-width:46rem;margin:0 auto;padding:1.25rem 1rem 4rem}
a{color:var(--accent)}
header.site{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:baseline;justify-content:space-between;border-bottom:1px solid var(--rule);padding-bottom:.6rem;margin-bottom:1.2rem}
header.site .brand{font-weight:700;text-decoration:none;color:var(--fg)}
header.site nav a{margin-left:.8rem;font-size:.9rem}
h1{font-size:1.6rem;line-height:1.25;margin:.2rem 0 .4rem}
h2{font-size:1.2rem;line-height:1.3;margin:0 0 .35rem}
h3{font-size:1.05rem;margin:1.6rem 0 .5rem}
.summary{color:var(--muted);font-size:.95rem}
.count{font-weight:600}
article.item,article.video{background:var(--card);border-radius:10px;padding:1rem 1.1rem;margin:1.1rem 0;overflow-wrap:anywhere}
.meta{color:var(--muted);font-size:.9rem;margin:0 0 .6rem}
.field{margin:.55rem 0}
.field>strong{display:inline}
.field>strong+p{display:inline}
.field>p{margin:.4rem 0}
.katex-display{overflow-x:auto;overflow-y:hidden;padding:.2rem 0}
pre{overflow-x:auto;background:rgba(127,127,127,.12);padding:.6rem .8rem;border-radius:6px;font-size:.85rem}
code{font-size:.9em}
.votes{margin-top:.7rem;font-size:.9rem}
.votes a{text-decoration:none;border:1px solid var(--rule);border-radius:999px;padding:.15rem .7rem;margin-right:.4rem}
ul.archive{list-style:none;padding:0}
ul.archive li{margin:.55rem 0}
ul.archive .date{font-variant-numeric:tabular-nums;color:var(--muted);margin-right:.6rem}
form.subscribe{display:grid;gap:.6rem;margin:2rem 0 1rem;background:var(--card);border-radius:10px;padding:1rem 1.1rem}
form.subscribe label{font-weight:600;font-size:.95rem}
form.subscribe .hint{font-weight:400;color:var(--muted);font-size:.85rem}
form.subscribe input,form.subscribe textarea{width:100%;padding:.5rem .6rem;border:1px solid var(--rule);border-radius:6px;background:var(--bg);color:var(--fg);font:inherit}
form.subscribe details{font-size:.95rem}
.visually-hidden{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
form.subscribe button{padding:.5rem 1rem;border:0;border-radius:6px;background:var(--accent);color:#fff;font:inherit;cursor:pointer}
footer.site{border-top:1px solid var(--rule);margin-top:2.5rem;padding-top:.8rem;color:var(--muted);font-size:.85rem}
footer.site a{margin-right:.8rem}
`;

/** The HTML shell of every archive page. */
export function layout(o: LayoutOptions): Markup {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title}</title>
<meta name="description" content="${o.description}">
${
  o.noindex
    ? raw('<meta name="robots" content="noindex, nofollow">\n<meta name="referrer" content="no-referrer">')
    : html`<link rel="canonical" href="${o.siteUrl}${o.path}">
<link rel="alternate" type="application/atom+xml" title="Daily Feed" href="${o.siteUrl}/feed.xml">`
}
<style>${raw(CSS)}</style>
${o.head ?? ""}
</head>
<body>
<div class="wrap">
<header class="site"><a class="brand" href="/">Daily Feed</a><nav><a href="/issues">Archive</a><a href="/feed.xml">Atom</a></nav></header>
${o.body}
<footer class="site">Daily Feed — research picks, every morning. <a href="/feed.xml">Atom feed</a><a href="/issues">All issues</a></footer>
</div>
</body>
</html>`;
}

/**
 * The one sign-up form (archive pages): an email address and the interests the new reader's own
 * issue is picked for, with optional arXiv categories and known papers (ids, DOIs or a BibTeX
 * file). Posts to `/subscribe` (double opt-in follows); works without JavaScript. The `website`
 * field is a honeypot: people leave it empty, form-filling bots do not, and `/subscribe` ignores those.
 */
export function subscribeForm(): Markup {
  return html`<form class="subscribe" method="post" action="/subscribe" enctype="multipart/form-data">
<h3 style="margin:0">Get your own Daily Feed</h3>
<label for="sub-email">Email</label>
<input id="sub-email" type="email" name="email" required maxlength="254" placeholder="you@example.org" autocomplete="email" inputmode="email">
<label for="sub-interests">Your interests <span class="hint">one per line, up to 10 (empty: start from this page's profile)</span></label>
<textarea id="sub-interests" name="interests" rows="4" maxlength="3100" placeholder="Gravitational-wave signals from black hole mergers&#10;Dark matter in galaxy formation"></textarea>
<details><summary>More: arXiv categories, papers you know</summary>
<label for="sub-categories">arXiv categories <span class="hint">e.g. astro-ph.CO, gr-qc</span></label>
<input id="sub-categories" type="text" name="categories" maxlength="400">
<label for="sub-papers">Papers you know <span class="hint">arXiv ids or DOIs, one per line</span></label>
<textarea id="sub-papers" name="papers" rows="3" maxlength="20000"></textarea>
<label for="sub-bibtex">…or a BibTeX export <span class="hint">at most 1 MiB</span></label>
<input id="sub-bibtex" type="file" name="bibtex" accept=".bib,text/x-bibtex,text/plain">
</details>
<input type="text" name="website" tabindex="-1" autocomplete="off" aria-hidden="true" class="visually-hidden">
<button type="submit">Subscribe by email</button>
<p class="hint" style="margin:0">One mail a day, picked for your interests; confirm by the link we send. Telegram: message the bot /start.</p>
</form>`;
}
