import { z } from "zod";

/**
 * The Worker's configuration, parsed once from the environment: bad config is a clear error at
 * the entry point, not a crash later. Secrets are optional here; features that need one say so.
 */
export const AppConfig = z.object({
  SITE_URL: z.url().transform((u) => u.replace(/\/+$/, "")),
  PUBLIC_READER: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/),
  SOURCE_MODE: z.enum(["replay", "live"]),
  WRITER: z.enum(["deterministic", "llm"]).default("deterministic"),
  LLM_MODEL: z.string().default("@cf/meta/llama-3.3-70b-instruct-fp8-fast"),
  LLM_API_URL: z.url().optional(),
  LLM_API_KEY: z.string().optional(),
  TOKEN_SECRET: z.string().min(16).optional(),
  ADMIN_TOKEN: z.string().min(8).optional(),
});
export type AppConfig = z.infer<typeof AppConfig>;

const cache = new WeakMap<object, AppConfig>();

/** Parses (once per env object) the configuration the app needs. */
export function appConfig(env: Env): AppConfig {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = AppConfig.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid Worker configuration: ${z.prettifyError(parsed.error)}`);
  }
  cache.set(env, parsed.data);
  return parsed.data;
}

/** The string vars and secrets of `env`, for modules that take plain key/value config. */
export function stringVars(env: Env): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === "string") out[k] = v;
  return out;
}
