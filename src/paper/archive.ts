/**
 * An arXiv e-print, unpacked as it streams: arXiv serves the LaTeX source as a gzip'd tar, a single
 * gzip'd `.tex`, or (for PDF-only submissions) a PDF. Runs the same in Workers and Node: the standard
 * `DecompressionStream` and a small tar reader, no file system.
 *
 * Bounded: decompression stops as soon as the unpacked bytes pass `maxBytes`, so a huge e-print costs at
 * most that much CPU; only TeX text members are kept (figures, PDFs and data are skipped without being
 * buffered), each at most `maxFileBytes`.
 */

/** A TeX file of the e-print, by its path inside the archive. */
export interface SourceFile {
  path: string;
  text: string;
}

export type EprintErrorKind = "truncated" | "too-large" | "pdf-only" | "not-latex" | "empty";

export class EprintError extends Error {
  constructor(
    readonly kind: EprintErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "EprintError";
  }
}

export interface UnpackedEprint {
  format: "tar" | "single-tex" | "plain-tex";
  files: SourceFile[];
  /** Members skipped because they are not TeX (figures, data, class files). */
  skipped: string[];
  bytesIn: number;
  bytesOut: number;
}

export interface UnpackOptions {
  /** Cap on decompressed bytes (default 24 MiB). */
  maxBytes?: number;
  /** Cap on one kept TeX file (default 2 MiB); a longer one is cut there. */
  maxFileBytes?: number;
}

const DEFAULT_MAX_BYTES = 24 * 1024 * 1024;
const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

/** Members whose text the reader needs: TeX sources and the author's own style files (macros). */
const KEPT = /\.(tex|ltx|sty|def|macros?)$/i;

/**
 * Unpacks an e-print body. Throws `EprintError` with a kind a caller can act on: "truncated" (the gzip or
 * tar stream ends early), "too-large" (over `maxBytes` unpacked), "pdf-only", "not-latex", "empty".
 */
export async function unpackEprint(
  body: ReadableStream<Uint8Array> | Uint8Array | ArrayBuffer,
  opts: UnpackOptions = {},
): Promise<UnpackedEprint> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const input = body instanceof ReadableStream ? body : streamOf(new Uint8Array(body));
  const counted = countBytes(input);
  const [head, rest] = await peek(counted.stream, 4);
  if (head.length === 0) throw new EprintError("empty", "the e-print is empty");
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46])) {
    throw new EprintError("pdf-only", "PDF-only submission: arXiv has no LaTeX source for this paper");
  }
  const gzipped = head[0] === 0x1f && head[1] === 0x8b;
  // Node's and workerd's lib types disagree on the writable side's chunk type; both accept Uint8Array.
  const gunzip = new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>;
  const plain = gzipped ? rest.pipeThrough(gunzip) : rest;
  const sink = new MemberSink(maxFileBytes);
  const tar = new TarReader(sink);
  let bytesOut = 0;
  // The first block decides: a tar header, or the text of a single file.
  let mode: "tar" | "single" | undefined;
  let early: Uint8Array | undefined;
  const route = (chunk: Uint8Array) => (mode === "tar" ? tar.push(chunk) : sink.single(chunk));
  const reader = plain.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytesOut += value.length;
      if (bytesOut > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new EprintError(
          "too-large",
          `the e-print unpacks to more than ${maxBytes} bytes; reading stopped`,
        );
      }
      if (mode) {
        route(value);
        continue;
      }
      early = concat(early, value);
      if (early.length >= 512) {
        mode = isTarHeader(early.subarray(0, 512)) ? "tar" : "single";
        route(early);
      }
    }
  } catch (err) {
    if (err instanceof EprintError) throw err;
    throw new EprintError(
      "truncated",
      `the e-print's ${gzipped ? "gzip " : ""}stream is damaged or cut short`,
    );
  }
  if (bytesOut === 0) throw new EprintError("empty", "the e-print is empty");
  if (!mode && early) {
    // shorter than one tar block: a (tiny) single file
    mode = "single";
    route(early);
  }
  if (mode === "tar") {
    if (!tar.finishedCleanly()) throw new EprintError("truncated", "the e-print's tar archive is cut short");
    return { format: "tar", files: sink.files, skipped: sink.skipped, bytesIn: counted.count(), bytesOut };
  }
  const text = sink.singleText();
  if (text.startsWith("%PDF")) {
    throw new EprintError("pdf-only", "PDF-only submission: arXiv has no LaTeX source for this paper");
  }
  if (!/\\[A-Za-z]+/.test(text.slice(0, 20_000))) {
    throw new EprintError("not-latex", "the e-print is neither a tar archive nor a TeX file");
  }
  return {
    format: gzipped ? "single-tex" : "plain-tex",
    files: [{ path: "main.tex", text }],
    skipped: [],
    bytesIn: counted.count(),
    bytesOut,
  };
}

/** Collects kept members as text; counts skipped ones by name only. */
class MemberSink {
  readonly files: SourceFile[] = [];
  readonly skipped: string[] = [];
  private parts: Uint8Array[] = [];
  private size = 0;
  constructor(private readonly maxFileBytes: number) {}

  wants(path: string): boolean {
    const keep = KEPT.test(path) && !/(^|\/)\./.test(path);
    if (!keep && this.skipped.length < 200) this.skipped.push(path);
    return keep;
  }
  add(path: string, bytes: Uint8Array): void {
    this.files.push({ path: path.replace(/^\.\//, ""), text: decode(bytes) });
  }
  single(chunk: Uint8Array): void {
    if (this.size >= this.maxFileBytes) return;
    const room = this.maxFileBytes - this.size;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.parts.push(part);
    this.size += part.length;
  }
  singleText(): string {
    return decode(concatAll(this.parts));
  }
  get fileCap(): number {
    return this.maxFileBytes;
  }
}

type TarState =
  | { kind: "header" }
  | { kind: "body"; path: string; remaining: number; pad: number; keep: boolean; parts: Uint8Array[] }
  | { kind: "meta"; type: "pax" | "longname"; remaining: number; pad: number; parts: Uint8Array[] }
  | { kind: "end" };

/**
 * A streaming ustar/pax/GNU tar reader: 512-byte headers, octal sizes, bodies padded to 512. Bodies of
 * skipped members pass through without being copied; kept ones are collected up to the file cap.
 */
class TarReader {
  private state: TarState = { kind: "header" };
  private pending: Uint8Array | undefined;
  private nextName: string | undefined;
  private zeroBlocks = 0;
  private sawMember = false;
  constructor(private readonly sink: MemberSink) {}

  push(chunk: Uint8Array): void {
    let data = this.pending ? concat(this.pending, chunk) : chunk;
    this.pending = undefined;
    while (data.length > 0 && this.state.kind !== "end") {
      const s = this.state;
      if (s.kind === "header") {
        if (data.length < 512) {
          this.pending = data.slice();
          return;
        }
        this.readHeader(data.subarray(0, 512));
        data = data.subarray(512);
        continue;
      }
      const take = Math.min(s.remaining + s.pad, data.length);
      const bodyPart = data.subarray(0, Math.min(take, s.remaining));
      if (s.kind === "meta" || s.keep) {
        const collected = s.parts.reduce((n, p) => n + p.length, 0);
        const room = s.kind === "meta" ? 64 * 1024 : this.sink.fileCap;
        if (collected < room) s.parts.push(bodyPart.slice(0, room - collected));
      }
      const fromBody = Math.min(take, s.remaining);
      s.remaining -= fromBody;
      s.pad -= take - fromBody;
      data = data.subarray(take);
      if (s.remaining === 0 && s.pad === 0) this.finishMember(s);
    }
  }

  finishedCleanly(): boolean {
    // A complete archive ends with zero blocks (or at least between members, for lax writers).
    return this.sawMember && (this.state.kind === "end" || (this.state.kind === "header" && !this.pending));
  }

  private readHeader(block: Uint8Array): void {
    if (block.every((b) => b === 0)) {
      this.zeroBlocks += 1;
      if (this.zeroBlocks >= 2) this.state = { kind: "end" };
      return;
    }
    this.zeroBlocks = 0;
    const name = cString(block.subarray(0, 100));
    const size = parseOctal(block.subarray(124, 136));
    const type = String.fromCharCode(block[156] ?? 0);
    const prefix = isUstar(block) ? cString(block.subarray(345, 500)) : "";
    const pad = (512 - (size % 512)) % 512;
    if (type === "x" || type === "L") {
      this.state = { kind: "meta", type: type === "x" ? "pax" : "longname", remaining: size, pad, parts: [] };
      if (size === 0) this.finishMember(this.state);
      return;
    }
    const path = this.nextName ?? (prefix ? `${prefix}/${name}` : name);
    this.nextName = undefined;
    const regular = type === "0" || type === "\0" || type === "7";
    if (regular) this.sawMember = true;
    const keep = regular && this.sink.wants(path);
    this.state = { kind: "body", path, remaining: size, pad, keep, parts: [] };
    if (size === 0) this.finishMember(this.state);
  }

  private finishMember(s: Exclude<TarState, { kind: "header" } | { kind: "end" }>): void {
    if (s.kind === "meta") {
      const text = decode(concatAll(s.parts));
      if (s.type === "longname") this.nextName = text.replace(/\0.*$/s, "");
      else {
        const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text)?.[1];
        if (path) this.nextName = path;
      }
    } else if (s.keep) {
      this.sink.add(s.path, concatAll(s.parts));
    }
    this.state = { kind: "header" };
  }
}

/** True when a block is a tar header: the ustar magic, or (pre-POSIX tar) a matching checksum. */
function isTarHeader(block: Uint8Array): boolean {
  if (isUstar(block)) return true;
  const stored = parseOctal(block.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] ?? 0);
  return stored > 0 && stored === sum;
}

function isUstar(block: Uint8Array): boolean {
  return cString(block.subarray(257, 263)).startsWith("ustar");
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decode(end < 0 ? bytes : bytes.subarray(0, end));
}

function parseOctal(bytes: Uint8Array): number {
  const s = cString(bytes).trim();
  return s === "" ? 0 : Number.parseInt(s, 8) || 0;
}

const decoder = new TextDecoder("utf-8");
function decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

function concat(a: Uint8Array | undefined, b: Uint8Array): Uint8Array {
  if (!a || a.length === 0) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function concatAll(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

function countBytes(input: ReadableStream<Uint8Array>): {
  stream: ReadableStream<Uint8Array>;
  count: () => number;
} {
  let n = 0;
  const stream = input.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        n += chunk.length;
        controller.enqueue(chunk);
      },
    }),
  );
  return { stream, count: () => n };
}

/** Reads at least `n` bytes (or all there is) and gives them back with a stream that replays them first. */
async function peek(
  stream: ReadableStream<Uint8Array>,
  n: number,
): Promise<[Uint8Array, ReadableStream<Uint8Array>]> {
  const reader = stream.getReader();
  const head: Uint8Array[] = [];
  let got = 0;
  while (got < n) {
    const { done, value } = await reader.read();
    if (done) break;
    head.push(value);
    got += value.length;
  }
  const replay = concatAll(head);
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      if (replay.length > 0) controller.enqueue(replay);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return [replay, rest];
}
