import { readFileSync } from "node:fs";
import path from "node:path";

const dir = path.resolve(import.meta.dirname, "../../fixtures");

/** The bytes of a recorded e-print (test/fixtures/eprint_*, provenance in MANIFEST.md). */
export function eprint(name: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(path.join(dir, name)));
}

export const FIXTURES_DIR = dir;

/** A stream of `bytes` in chunks of `size`, as a network body arrives. */
export function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) controller.close();
      else {
        controller.enqueue(bytes.slice(at, at + size));
        at += size;
      }
    },
  });
}
