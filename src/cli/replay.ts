import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sourceConfigFromVars } from "../sources";
import { replayFetch } from "../sources/replay";
import type { SourceContext } from "../sources/types";

/** Where the recorded real payloads live (provenance in its MANIFEST.md). */
export const FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../test/fixtures");

/** A source context that answers every call from the recorded payloads on disk: no network. */
export function replayContext(now: Date): SourceContext {
  return {
    fetch: replayFetch((name) =>
      readFile(path.join(FIXTURES_DIR, name)).then(
        (b) => new Uint8Array(b),
        () => undefined,
      ),
    ),
    now: () => now,
    sleep: async () => {},
    config: sourceConfigFromVars({}),
  };
}
