import { readFile } from "node:fs/promises";
import path from "node:path";
import { replayFetch } from "../../src/sources/replay.ts";

const fixtures = path.join(import.meta.dirname, "../fixtures");

/** The outbound service of the Workers test runtime: every external call is answered from a recorded payload. */
export const replayOutbound = replayFetch(async (name) =>
  readFile(path.join(fixtures, name)).then(
    (b) => new Uint8Array(b),
    () => undefined,
  ),
);
