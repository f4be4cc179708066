import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { SourceName } from "./candidate";
import { lineColumnAt, type ParseError } from "./sources/result";

/** A parsed XML element as fast-xml-parser returns it: text, attributes (`@_name`) and children. */
export type XmlNode = { [key: string]: unknown };

/** Elements that may repeat in the feeds we read, so they always come back as arrays. */
const repeated = new Set(["item", "entry", "author", "category", "link", "day", "creator"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: true,
  // Keep every value a string: "2411.17700" must stay an id, not become a number.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => repeated.has(name),
});

/**
 * Parses an XML payload into plain objects, or returns a ParseError with the line and column of
 * the fault. Namespace prefixes are dropped (`arxiv:announce_type` → `announce_type`).
 * Never throws.
 */
export function parseXml(
  source: SourceName,
  body: string,
): { ok: true; doc: XmlNode } | { ok: false; error: ParseError } {
  if (body.trim() === "")
    return { ok: false, error: { source, message: "empty body, expected XML", line: 1, column: 1 } };
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    // For a document that stops early the validator names the unclosed tags but points at
    // line 1; the fault is really at the end of the text.
    const unclosed = /^Invalid '\[(.*)\]' found\.$/s.exec(msg);
    if (unclosed?.[1] !== undefined) {
      const tags = unclosed[1]
        .split(",")
        .map((t) => t.trim().replace(/^"|"$/g, ""))
        .filter((t) => t !== "");
      const end = lineColumnAt(body, body.trimEnd().length);
      return {
        ok: false,
        error: {
          source,
          message: `document ends before <${tags.at(-1) ?? "?"}> is closed (truncated?); still open: ${tags.join(" > ")}`,
          line: end.line,
          column: end.column,
          offset: body.trimEnd().length,
        },
      };
    }
    return { ok: false, error: { source, message: `malformed XML: ${msg}`, line, column: col } };
  }
  try {
    return { ok: true, doc: parser.parse(body) as XmlNode };
  } catch (err) {
    return {
      ok: false,
      error: { source, message: `malformed XML: ${err instanceof Error ? err.message : String(err)}` },
    };
  }
}

/** The child element `key` of `node`, when it is an element. */
export function child(node: unknown, key: string): XmlNode | undefined {
  if (!isNode(node)) return undefined;
  const value = node[key];
  if (Array.isArray(value)) return isNode(value[0]) ? value[0] : undefined;
  return isNode(value) ? value : undefined;
}

/** Every child element `key` of `node` (repeated or single). */
export function children(node: unknown, key: string): unknown[] {
  if (!isNode(node)) return [];
  const value = node[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The text of `node` itself, or of its child `key` (first one when repeated). */
export function text(node: unknown, key?: string): string | undefined {
  const target = key === undefined ? node : isNode(node) ? node[key] : undefined;
  const first = Array.isArray(target) ? target[0] : target;
  if (typeof first === "string") return first;
  if (typeof first === "number" || typeof first === "boolean") return String(first);
  if (isNode(first)) {
    const inner = first["#text"];
    return typeof inner === "string" ? inner : typeof inner === "number" ? String(inner) : undefined;
  }
  return undefined;
}

/** Every text value of the repeated child `key`. */
export function texts(node: unknown, key: string): string[] {
  const out: string[] = [];
  for (const item of children(node, key)) {
    const value = text(item);
    if (value !== undefined && value !== "") out.push(value);
  }
  return out;
}

/** The attribute `name` of `node`. */
export function attr(node: unknown, name: string): string | undefined {
  if (!isNode(node)) return undefined;
  const value = node[`@_${name}`];
  return typeof value === "string" ? value : undefined;
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
