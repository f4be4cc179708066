import { readFileSync } from "node:fs";
import path from "node:path";
import { sourceConfigFromVars } from "../../../src/sources/config";
import { replayFetch } from "../../../src/sources/replay";
import type { SourceConfig, SourceContext } from "../../../src/sources/types";

const fixtures = path.join(import.meta.dirname, "../../fixtures");
const cache = new Map<string, string>();

/** A recorded real payload from test/fixtures (cached: the arXiv day is 2.8 MB). */
export function fixture(name: string): string {
  let body = cache.get(name);
  if (body === undefined) {
    body = readFileSync(path.join(fixtures, name), "utf8");
    cache.set(name, body);
  }
  return body;
}

export function fixturePath(name: string): string {
  return path.join(fixtures, name);
}

/** The fetch of `npm start` and the Workers tests: every URL answered by its recorded payload. */
export const replay = replayFetch(async (name) => fixture(name));

export interface Recorded {
  url: string;
  init: RequestInit | undefined;
}

/**
 * A context with an injected fetch and a sleep that does not wait: it records what it was asked
 * and moves the context's clock forward by as much, as real waiting would.
 */
export function testContext(
  fetchImpl: typeof fetch = replay,
  overrides: Partial<SourceConfig> = {},
): SourceContext & { sleeps: number[]; calls: Recorded[] } {
  const sleeps: number[] = [];
  const calls: Recorded[] = [];
  let clock = Date.parse("2024-11-28T06:00:00Z");
  const recordingFetch: typeof fetch = (input, init) => {
    calls.push({ url: input instanceof Request ? input.url : String(input), init });
    return fetchImpl(input, init);
  };
  return {
    fetch: recordingFetch,
    now: () => new Date(clock),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
    },
    config: { ...sourceConfigFromVars({}), ...overrides },
    sleeps,
    calls,
  };
}

/** The header `name` of a recorded call. */
export function header(call: Recorded | undefined, name: string): string | null {
  return new Headers(call?.init?.headers).get(name);
}
