/**
 * Delivery's configuration, parsed once from the Worker's vars and secrets (or `process.env` in the
 * CLI). Secrets stay optional here; the feature that needs one fails with a message naming it.
 */
import { z } from "zod";

const flag = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0", ""])])
  .transform((v) => v === true || v === "true" || v === "1");

export const DeliveryConfig = z.object({
  SITE_URL: z.url().transform((u) => u.replace(/\/+$/, "")),
  PUBLIC_READER: z.string().min(1).default("demo"),
  EMAIL_TRANSPORT: z.enum(["capture", "smtp", "cloudflare"]).default("capture"),
  EMAIL_FROM: z.string().min(3).default("Daily Feed <feed@localhost>"),
  SMTP_HOST: z.string().min(1).default("127.0.0.1"),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(2525),
  /** Implicit TLS (port 465); STARTTLS is not used, it has had trouble in workerd. */
  SMTP_SECURE: flag.default(false),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASS: z.string().min(1).optional(),
  TOKEN_SECRET: z.string().min(16).optional(),
  TELEGRAM_API_URL: z.url().default("https://api.telegram.org"),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]+$/, "looks like 123456:ABC-…")
    .optional(),
  /** Telegram allows 1–256 characters of A-Z, a-z, 0-9, _ and -. */
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/)
    .optional(),
  /**
   * Chat ids (comma-separated) allowed to remove the public reader's standing rules from Telegram.
   * Unset: every chat may (a single-reader feed); set it once the bot has other subscribers.
   */
  TELEGRAM_EDITOR_CHAT_IDS: z
    .string()
    .regex(/^-?\d+(,\s*-?\d+)*$/, "comma-separated numeric chat ids")
    .optional(),
  /** Subscribe attempts allowed per client IP per hour. */
  SUBSCRIBE_LIMIT_PER_HOUR: z.coerce.number().int().min(1).default(5),
});
export type DeliveryConfig = z.infer<typeof DeliveryConfig>;

const cache = new WeakMap<object, DeliveryConfig>();

/** Parses (once per env object) delivery's configuration; a bad value is an error naming it. */
export function deliveryConfig(env: object): DeliveryConfig {
  const hit = cache.get(env);
  if (hit) return hit;
  // Empty strings mean "not set" (wrangler.toml placeholders, blank .dev.vars lines).
  const vars = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string" && v !== ""));
  const parsed = DeliveryConfig.safeParse(vars);
  if (!parsed.success) throw new Error(`invalid delivery configuration: ${z.prettifyError(parsed.error)}`);
  cache.set(env, parsed.data);
  return parsed.data;
}

/** The token secret, or a clear error: signed links cannot be made without it. */
export function requireTokenSecret(config: DeliveryConfig): string {
  if (!config.TOKEN_SECRET) throw new Error("TOKEN_SECRET is not set (wrangler secret put TOKEN_SECRET)");
  return config.TOKEN_SECRET;
}
