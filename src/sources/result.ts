import type { Candidate, SourceName } from "../candidate";

/**
 * Why a payload could not be read, and where. XML positions are 1-based line/column (from
 * fast-xml-parser's validator); JSON positions are a 0-based character offset (plus line/column
 * for convenience). An API error document (a well-formed payload that says "error") carries the
 * position of its error field when one can be located.
 */
export interface ParseError {
  source: SourceName;
  message: string;
  line?: number;
  column?: number;
  offset?: number;
}

/** The outcome of parsing one payload: never thrown, always returned. */
export type ParseResult =
  | {
      ok: true;
      candidates: Candidate[];
      /** The source answered but legitimately had nothing today (arXiv on a weekend or holiday). */
      quiet?: boolean;
      /** A human-readable remark (why it is quiet, what a non-candidate payload held). */
      note?: string;
      /**
       * Parts of the payload left out because they failed validation (an item whose link is not
       * http(s), say): the rest of the payload still counts, and each of these is logged as a parse error.
       */
      dropped?: ParseError[];
    }
  | { ok: false; error: ParseError };

/** `arxiv: line 3, column 7: unexpected end` — the one-line form used in logs, reports and the CLI. */
export function formatParseError(error: ParseError): string {
  const at: string[] = [];
  if (error.line !== undefined) at.push(`line ${error.line}`);
  if (error.column !== undefined) at.push(`column ${error.column}`);
  if (error.offset !== undefined) at.push(`offset ${error.offset}`);
  return `${error.source}: ${at.length > 0 ? `${at.join(", ")}: ` : ""}${error.message}`;
}

/** 1-based line and column of a character offset in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const bounded = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < bounded; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: bounded - lineStart + 1 };
}

/** A ParseError located at the first occurrence of `needle` in `body` (or unlocated when absent). */
export function errorAt(source: SourceName, body: string, needle: string, message: string): ParseError {
  const offset = body.indexOf(needle);
  if (offset < 0) return { source, message };
  return { source, message, ...lineColumnAt(body, offset), offset };
}

/** `JSON.parse` that reports the failure with its offset instead of throwing. */
export function parseJson(
  source: SourceName,
  body: string,
): { ok: true; value: unknown } | { ok: false; error: ParseError } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // V8 says "... at position N" for most faults, but only "Unexpected end of JSON input" when
    // the text stops early: that fault sits at the end.
    const match = /position (\d+)/.exec(message);
    const offset = match?.[1] !== undefined ? Number(match[1]) : body.trimEnd().length;
    const reason = body.trim() === "" ? "empty body, expected JSON" : `invalid JSON: ${message}`;
    return { ok: false, error: { source, message: reason, offset, ...lineColumnAt(body, offset) } };
  }
}
