/**
 * The fallback when an e-print cannot be read: arXiv's HTML rendering (LaTeXML), which keeps every formula's
 * TeX in the `alttext` of its `<math>` element. Gives the displayed equations with the sentence before them,
 * the abstract, and the same central-equation choice as the LaTeX reader; no macros (already expanded there).
 */
import { decodeEntities } from "../html-entities";
import { splitSentences } from "../writeup/abstract";
import { centralEquation } from "./extract";
import type { PaperContext, PaperEquation } from "./types";

const MAX_HTML_BYTES = 8 * 1024 * 1024;

function textOf(html: string): string {
  return decodeEntities(
    html
      .replace(
        /<math[^>]*alttext="([^"]*)"[^>]*>[\s\S]*?<\/math>/g,
        (_m, tex: string) => ` $${decodeEntities(tex)}$ `,
      )
      .replace(/<[^>]+>/g, " "),
  )
    .replace(/\s+/g, " ")
    .trim();
}

/** Reads the HTML rendering of `arxivId`; undefined when there is none (arXiv answers 404 for many papers). */
export async function readArxivHtml(
  arxivId: string,
  htmlUrl: string,
  fetcher: typeof fetch,
  headers?: Record<string, string>,
): Promise<PaperContext | undefined> {
  const res = await fetcher(`${htmlUrl}/${arxivId}`, headers ? { headers } : {});
  if (!res.ok) {
    await res.body?.cancel();
    return undefined;
  }
  const html = (await res.text()).slice(0, MAX_HTML_BYTES);
  return parseArxivHtml(arxivId, html);
}

/** Parses a LaTeXML page; undefined when it is not one (no formula and no abstract). */
export function parseArxivHtml(arxivId: string, html: string): PaperContext | undefined {
  const abstractHtml = /<div class="ltx_abstract">([\s\S]*?)<\/div>/.exec(html)?.[1];
  const abstract = abstractHtml ? textOf(abstractHtml.replace(/<h6[\s\S]*?<\/h6>/, "")) : undefined;
  const equations: PaperEquation[] = [];
  const sectionRe = /<h[2-3] class="ltx_title ltx_title_(?:section|appendix)">([\s\S]*?)<\/h[2-3]>/g;
  const sections = [...html.matchAll(sectionRe)].map((m) => ({
    at: m.index ?? 0,
    title: textOf(m[1] ?? ""),
  }));
  const eqRe = /<table([^>]*class="ltx_equation[^"]*"[^>]*)>([\s\S]*?)<\/table>/g;
  for (const m of html.matchAll(eqRe)) {
    if (equations.length >= 40) break;
    const tex = /<math[^>]*alttext="([^"]*)"/.exec(m[2] ?? "")?.[1];
    if (!tex) continue;
    const at = m.index ?? 0;
    const id = /\bid="([^"]+)"/.exec(m[1] ?? "")?.[1];
    const paragraph =
      html
        .slice(Math.max(0, at - 3000), at)
        .split(/<p class="ltx_p"[^>]*>/)
        .pop() ?? "";
    const sentences = splitSentences(textOf(paragraph));
    const section = sections.filter((s) => s.at <= at).pop()?.title ?? "";
    const references = id
      ? (html.match(new RegExp(`href="#${id.replace(/\./g, "\\.")}"`, "g")) ?? []).length
      : 0;
    equations.push({
      tex: decodeEntities(tex)
        .replace(/\\displaystyle\s*/g, "")
        .trim(),
      labels: id ? [id] : [],
      section: /appendix/i.test(section) ? `Appendix: ${section}` : section,
      before: sentences[sentences.length - 1] ?? "",
      after: "",
      references,
      citedEarly: false,
      index: equations.length,
    });
  }
  if (equations.length === 0 && !abstract) return undefined;
  const central = centralEquation(equations);
  return {
    arxivId,
    source: "html",
    inputs: [],
    macros: {},
    ...(abstract ? { abstract } : {}),
    equations,
    ...(central !== undefined ? { central } : {}),
    theorems: [],
    contributions: [],
    figures: [],
  };
}
