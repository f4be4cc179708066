/**
 * The Worker's side of the configuration: the bindings it may have, the Hono environment every
 * route shares, and the one parsed `Config` per isolate (src/config.ts holds the schema).
 */

import type { SendEmailBinding } from "../src/channels/mail";
import { type Config, parseConfig } from "../src/config";

/**
 * The generated `Env` (wrangler.toml) plus the bindings a deployment may add: they are optional,
 * so code checks for them instead of casting `env`.
 */
export interface Bindings extends Env {
  /** Workers AI, for `WRITER="llm"` without `LLM_API_URL` and for `EMBEDDINGS="workers-ai"`. */
  AI?: { run(model: string, input: unknown): Promise<unknown> };
  /** The `send_email` binding, for `EMAIL_TRANSPORT="cloudflare"`. */
  EMAIL?: SendEmailBinding;
}

/** What every request's context carries, set by `requestContext`. */
export interface AppEnv {
  Bindings: Bindings;
  Variables: { config: Config; requestId: string };
}

const cache = new WeakMap<object, Config>();

/**
 * The configuration of `env`, parsed once per isolate (the runtime hands the same `env` object to
 * every invocation). Throws `ConfigError` when a core variable is bad.
 */
export function configOf(env: Bindings): Config {
  const hit = cache.get(env);
  if (hit) return hit;
  const config = parseConfig(env as unknown as Record<string, unknown>);
  if (config.problems.length > 0) {
    // Once per isolate: the operator sees which feature is off and why (names only, no values).
    console.warn(JSON.stringify({ config: "features off", problems: config.problems }));
  }
  cache.set(env, config);
  return config;
}
