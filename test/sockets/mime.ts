/**
 * Just enough RFC 5322/2045 parsing to inspect what the SMTP server received: unfolded headers,
 * multipart bodies, quoted-printable and base64 decoding, UTF-8 text. Test support, not product code.
 */

export interface MimePart {
  headers: Map<string, string>;
  /** Content type without parameters, lower case, e.g. "text/plain". */
  type: string;
  /** Decoded body (text parts); empty for multiparts. */
  body: string;
  parts: MimePart[];
}

function splitHeaderBody(raw: string): [string, string] {
  const i = raw.indexOf("\r\n\r\n");
  if (i >= 0) return [raw.slice(0, i), raw.slice(i + 4)];
  const j = raw.indexOf("\n\n");
  return j >= 0 ? [raw.slice(0, j), raw.slice(j + 2)] : [raw, ""];
}

function parseHeaders(block: string): Map<string, string> {
  const unfolded = block.replace(/\r?\n[ \t]+/g, " ");
  const headers = new Map<string, string>();
  for (const line of unfolded.split(/\r?\n/)) {
    const k = line.indexOf(":");
    if (k > 0) headers.set(line.slice(0, k).trim().toLowerCase(), line.slice(k + 1).trim());
  }
  return headers;
}

function decodeQuotedPrintable(s: string): string {
  const bytes: number[] = [];
  const soft = s.replace(/=\r?\n/g, "");
  for (let i = 0; i < soft.length; i++) {
    const ch = soft[i] ?? "";
    if (ch === "=" && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of new TextEncoder().encode(ch)) bytes.push(b);
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function decodeBody(body: string, encoding: string): string {
  if (encoding === "quoted-printable") return decodeQuotedPrintable(body);
  if (encoding === "base64") {
    const bin = atob(body.replace(/\s+/g, ""));
    return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  }
  return body;
}

/** Parses one message (or part) into its tree. */
export function parseMime(raw: string): MimePart {
  const [head, body] = splitHeaderBody(raw);
  const headers = parseHeaders(head);
  const contentType = headers.get("content-type") ?? "text/plain";
  const type = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  if (type.startsWith("multipart/")) {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
    if (!boundary) return { headers, type, body: "", parts: [] };
    const sections = body.split(`--${boundary}`).slice(1);
    const parts = sections
      .filter((s) => !s.startsWith("--"))
      .map((s) => parseMime(s.replace(/^\r?\n/, "").replace(/\r?\n$/, "")));
    return { headers, type, body: "", parts };
  }
  const encoding = (headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  return { headers, type, body: decodeBody(body, encoding), parts: [] };
}

/** Every leaf part, depth first. */
export function leaves(part: MimePart): MimePart[] {
  return part.parts.length === 0 ? [part] : part.parts.flatMap(leaves);
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) in a header value, decoded. */
export function decodeHeader(value: string): string {
  return value.replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
    enc.toUpperCase() === "B"
      ? new TextDecoder().decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)))
      : decodeQuotedPrintable(text.replace(/_/g, " ")),
  );
}
