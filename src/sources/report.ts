import type { SourceName } from "../candidate";
import type { HttpResult } from "../http";
import type { ParseError, ParseResult } from "./result";
import type { SourceFailure, SourceReport } from "./types";

/** Where a ParseError sits, for a failure message: "line 3, column 7: …" or "offset 12: …". */
export function describeParseError(error: ParseError): string {
  const at: string[] = [];
  if (error.line !== undefined) at.push(`line ${error.line}`);
  if (error.column !== undefined) at.push(`column ${error.column}`);
  if (error.line === undefined && error.offset !== undefined) at.push(`offset ${error.offset}`);
  return at.length > 0 ? `${at.join(", ")}: ${error.message}` : error.message;
}

/** A parse failure as the SourceFailure recorded in the run and the issue notes. */
export function parseFailure(error: ParseError, status?: number): SourceFailure {
  const failure: SourceFailure = { source: error.source, kind: "parse", message: describeParseError(error) };
  if (status !== undefined) failure.status = status;
  return failure;
}

/**
 * Turns an HTTP result and a parser into a SourceReport: an HTTP failure or a payload that does
 * not parse becomes a failure; an empty answer is quiet.
 */
export function reportFrom(
  source: SourceName,
  response: HttpResult,
  parse: (body: string) => ParseResult,
): SourceReport {
  if (!response.ok) return failedReport(source, response.failure);
  const result = parse(response.body);
  if (!result.ok) return failedReport(source, parseFailure(result.error, response.status));
  return {
    source,
    candidates: result.candidates,
    failures: (result.dropped ?? []).map((e) => parseFailure(e, response.status)),
    quiet: result.quiet ?? result.candidates.length === 0,
  };
}

/** A report for a source that produced nothing because of `failure`. */
export function failedReport(source: SourceName, failure: SourceFailure): SourceReport {
  return { source, candidates: [], failures: [failure], quiet: false };
}
