/**
 * What a real HTML parser (parse5) finds in a page that could run script or send the reader
 * somewhere unsafe: script elements other than our own bundle, `on*` attributes, links whose scheme
 * is not http(s), and elements that load or restyle content (iframe, object, embed, base, style).
 */
import { parse, parseFragment } from "parse5";
import { isHttpUrl } from "../../src/http-url";

interface Node {
  nodeName: string;
  tagName?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node[];
  content?: Node;
  value?: string;
}

export interface HtmlFindings {
  scripts: string[];
  handlers: string[];
  links: string[];
  forbidden: string[];
  tags: Set<string>;
}

/**
 * Site-relative links ("/issues/…") are http(s) too; anything with another scheme, or none, is not.
 * Length is no concern here (a long link is still http), so a long one is checked without the cap.
 */
export function isSafeLink(value: string): boolean {
  const v = value.trim();
  if (/^\/(?!\/)/.test(v) || v.startsWith("#") || v === "") return true;
  return isHttpUrl(v.length > 2048 ? `${v.slice(0, 2000)}` : v);
}

const LINK_ATTRS = new Set(["href", "src", "action", "formaction", "xlink:href", "poster", "background"]);
const FORBIDDEN = new Set(["iframe", "object", "embed", "frame", "frameset", "base", "applet", "style"]);

function walk(node: Node, found: HtmlFindings, allowStyle: boolean): void {
  if (node.tagName) {
    found.tags.add(node.tagName);
    if (node.tagName === "script") {
      const src = node.attrs?.find((a) => a.name === "src")?.value;
      const inline = (node.childNodes ?? []).some((c) => (c.value ?? "").trim() !== "");
      // The only scripts allowed are our own bundle, by site-relative src, with no inline code.
      if (!src || !/^\/gpu\/[\w.-]+\.js$/.test(src) || inline) found.scripts.push(src ?? "(inline)");
    }
    if (FORBIDDEN.has(node.tagName) && !(allowStyle && node.tagName === "style"))
      found.forbidden.push(node.tagName);
    for (const a of node.attrs ?? []) {
      if (/^on/i.test(a.name)) found.handlers.push(`${node.tagName} ${a.name}`);
      if (LINK_ATTRS.has(a.name.toLowerCase()) && !isSafeLink(a.value)) found.links.push(a.value);
      if (a.name === "style" && /url\(|expression\(|javascript:/i.test(a.value)) found.links.push(a.value);
    }
  }
  for (const child of node.childNodes ?? []) walk(child, found, allowStyle);
  if (node.content) walk(node.content, found, allowStyle);
}

/**
 * Parses `html` (a whole document with `document`, else a fragment) and lists what is unsafe in it.
 * `allowStyle` admits `<style>` elements (our pages carry their CSS inline).
 */
export function inspectHtml(
  html: string,
  opts: { document?: boolean; allowStyle?: boolean } = {},
): HtmlFindings {
  const found: HtmlFindings = { scripts: [], handlers: [], links: [], forbidden: [], tags: new Set() };
  const tree = (opts.document ? parse(html) : parseFragment(html)) as unknown as Node;
  walk(tree, found, opts.allowStyle ?? false);
  return found;
}

/** True when `inspectHtml` found nothing unsafe. */
export function isSafeHtml(found: HtmlFindings): boolean {
  return (
    found.scripts.length === 0 &&
    found.handlers.length === 0 &&
    found.links.length === 0 &&
    found.forbidden.length === 0
  );
}
