import type { Config } from "../src/config";
import { replayFetch } from "../src/sources/replay";
import type { SourceContext } from "../src/sources/types";
import type { Bindings } from "./config";

/**
 * The source context of this Worker. In "replay" mode (the embedded default of `npm start`)
 * every external call is answered by a recorded real payload served from the static assets
 * (`public/replay/`), so the feed runs with no network and no accounts.
 */
export function sourceContext(
  env: Bindings,
  { sources }: Config,
  now: () => Date = () => new Date(),
): SourceContext {
  const config = sources;
  if (sources.mode === "replay") {
    const load = async (fixture: string) => {
      const res = await env.ASSETS.fetch(new Request(`https://assets.invalid/replay/${fixture}`));
      return res.ok ? new Uint8Array(await res.arrayBuffer()) : undefined;
    };
    return { fetch: replayFetch(load), now, sleep: async () => {}, config };
  }
  return {
    fetch: (input, init) => fetch(input, init),
    now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    config,
  };
}
