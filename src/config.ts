/**
 * The one configuration of Daily Feed, parsed from the Worker's vars and secrets (or `process.env`
 * in the CLI) by one zod schema per section. The core sections (site, sources, writer) must be
 * valid or nothing can run, so a bad value there is one clear error naming every bad variable.
 * Each feature that needs a secret (signed links, admin, Telegram, email) validates its own: a bad
 * secret turns that feature off and is reported by name (never by value), the rest of the site runs.
 */
import { z } from "zod";
import { SourceVars, sourceConfigOf } from "./sources/config";
import type { SourceConfig } from "./sources/types";

/** Blank strings in `[vars]` or `.dev.vars` mean "not set". */
const unsetIfBlank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfBlank, schema.optional());
const flag = z
  .preprocess(unsetIfBlank, z.enum(["true", "false", "1", "0"]).optional())
  .transform((v) => v === "true" || v === "1");
const siteUrl = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ""));

const CoreVars = z.object({
  SITE_URL: siteUrl,
  PUBLIC_READER: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "a reader id (a-z, 0-9, _ and -)"),
  SOURCE_MODE: z.enum(["replay", "live"]),
  WRITER: z.preprocess(unsetIfBlank, z.enum(["deterministic", "llm"]).default("deterministic")),
  LLM_MODEL: z.preprocess(unsetIfBlank, z.string().default("@cf/meta/llama-3.3-70b-instruct-fp8-fast")),
  LLM_API_URL: optional(z.url({ protocol: /^https?$/ })),
  LLM_API_KEY: optional(z.string()),
  /** How long an isolate trusts its idea of the newest archive issue before asking D1 again (seconds). */
  ARCHIVE_CACHE_SECONDS: z.preprocess(unsetIfBlank, z.coerce.number().int().min(0).max(3600).default(30)),
  /** `workers-ai`: blend Workers AI embedding similarity into the ranking (needs the `AI` binding). */
  EMBEDDINGS: z.preprocess(unsetIfBlank, z.enum(["off", "workers-ai"]).default("off")),
  /**
   * Local conveniences (`/dev/mail`); only `npm start` sets it, never wrangler.toml. Exactly "true"
   * switches them on; anything else, a typo included, leaves them off (and the site up).
   */
  DEV_ROUTES: z
    .unknown()
    .optional()
    .transform((v) => v === "true"),
});

/** Signed links (subscribe, unsubscribe, feedback) need a secret long enough not to be guessed. */
const TokenVars = z.object({ TOKEN_SECRET: optional(z.string().min(16, "at least 16 characters")) });

/** The admin token guards a pipeline run: at least 32 characters (e.g. `openssl rand -hex 16`). */
const AdminVars = z.object({ ADMIN_TOKEN: optional(z.string().min(32, "at least 32 characters")) });

const EmailVars = z.object({
  EMAIL_TRANSPORT: z.preprocess(
    unsetIfBlank,
    z.enum(["capture", "smtp", "cloudflare"]).default("cloudflare"),
  ),
  EMAIL_FROM: z.preprocess(unsetIfBlank, z.string().min(3).default("Daily Feed <feed@localhost>")),
  SMTP_HOST: z.preprocess(unsetIfBlank, z.string().min(1).default("127.0.0.1")),
  SMTP_PORT: z.preprocess(unsetIfBlank, z.coerce.number().int().min(1).max(65535).default(2525)),
  /** Implicit TLS (port 465); STARTTLS is not used, it has had trouble in workerd. */
  SMTP_SECURE: flag,
  SMTP_USER: optional(z.string().min(1)),
  SMTP_PASS: optional(z.string().min(1)),
});

const TelegramVars = z.object({
  TELEGRAM_API_URL: z.preprocess(
    unsetIfBlank,
    z.url({ protocol: /^https?$/ }).default("https://api.telegram.org"),
  ),
  TELEGRAM_BOT_TOKEN: optional(z.string().regex(/^\d+:[\w-]+$/, "looks like 123456:ABC-…")),
  /** Telegram allows 1–256 characters of A-Z, a-z, 0-9, _ and -. */
  TELEGRAM_WEBHOOK_SECRET: optional(
    z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "1–256 characters of A-Z, a-z, 0-9, _ and -"),
  ),
  /**
   * Chat ids (comma-separated) of the editor: they may steer the public reader from Telegram with
   * `/editor`. Unset: no chat may (the admin routes remain). Every other chat is its own reader.
   */
  TELEGRAM_EDITOR_CHAT_IDS: optional(
    z.string().regex(/^-?\d+(,\s*-?\d+)*$/, "comma-separated numeric chat ids"),
  ),
});

/** What `/healthz` says about a feature: never its values. */
export type FeatureState = "configured" | "not_configured" | "misconfigured";

export interface Config {
  site: { url: string; publicReader: string; archiveCacheSeconds: number };
  sources: SourceConfig & { mode: "replay" | "live" };
  writer: { kind: "deterministic" | "llm"; model: string; apiUrl?: string; apiKey?: string };
  /** Dense similarity in the ranking: off (lexical only) or Workers AI embeddings. */
  scoring: { embeddings: "off" | "workers-ai" };
  /** The secret of signed links; absent (feature off) when unset or too short. */
  tokens: { secret: string } | undefined;
  /** Absent when `ADMIN_TOKEN` is unset or too short: `/admin` is then closed, nothing else. */
  admin: { token: string } | undefined;
  /** Absent when a mail variable is invalid: sign-up and mail delivery are then off. */
  email:
    | {
        transport: "capture" | "smtp" | "cloudflare";
        from: string;
        smtp: { host: string; port: number; secure: boolean; user?: string; pass?: string };
      }
    | undefined;
  /** Invalid values are dropped (that part of the bot is off) and reported in `problems`. */
  telegram: { apiUrl: string; botToken?: string; webhookSecret?: string; editorChatIds?: string[] };
  dev: { routes: boolean };
  features: {
    tokens: FeatureState;
    admin: FeatureState;
    email: FeatureState;
    telegram: FeatureState;
  };
  /** One line per misconfigured variable, naming it and the rule it breaks (never its value). */
  problems: string[];
}

/** A configuration the Worker cannot run with: names every bad variable, never a value. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join(".") || "(vars)"}: ${i.message}`);
}

/** Parses one feature's section; a bad value switches the feature off instead of failing the site. */
function section<S extends z.ZodType>(
  schema: S,
  vars: Record<string, unknown>,
  problems: string[],
): z.infer<S> | undefined {
  const parsed = schema.safeParse(vars);
  if (parsed.success) return parsed.data;
  problems.push(...issuesOf(parsed.error));
  return undefined;
}

/** A feature's state from whether its variables were set and whether they parsed. */
function stateOf(set: boolean, valid: boolean): FeatureState {
  if (!set) return "not_configured";
  return valid ? "configured" : "misconfigured";
}

/**
 * Parses the whole configuration from string vars (the Worker's `env` or `process.env`; non-string
 * bindings are ignored). Throws `ConfigError` when a core variable is bad; feature problems are
 * returned in `problems` with that feature off.
 */
export function parseConfig(env: Record<string, unknown>): Config {
  const vars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === "string") vars[k] = v;
  const isSet = (name: string) => unsetIfBlank(vars[name]) !== undefined;

  const core = CoreVars.safeParse(vars);
  const sources = SourceVars.safeParse(vars);
  if (!core.success || !sources.success) {
    throw new ConfigError([
      ...(core.success ? [] : issuesOf(core.error)),
      ...(sources.success ? [] : issuesOf(sources.error)),
    ]);
  }
  const c = core.data;
  const problems: string[] = [];
  const tokens = section(TokenVars, vars, problems)?.TOKEN_SECRET;
  const admin = section(AdminVars, vars, problems)?.ADMIN_TOKEN;
  const email = section(EmailVars, vars, problems);

  // Each Telegram variable on its own: a bad editor list must not silence delivery.
  const telegramProblems: string[] = [];
  const tg = TelegramVars.shape;
  const apiUrl = section(z.object({ TELEGRAM_API_URL: tg.TELEGRAM_API_URL }), vars, telegramProblems);
  const botToken = section(z.object({ TELEGRAM_BOT_TOKEN: tg.TELEGRAM_BOT_TOKEN }), vars, telegramProblems);
  const webhook = section(
    z.object({ TELEGRAM_WEBHOOK_SECRET: tg.TELEGRAM_WEBHOOK_SECRET }),
    vars,
    telegramProblems,
  );
  const editors = section(
    z.object({ TELEGRAM_EDITOR_CHAT_IDS: tg.TELEGRAM_EDITOR_CHAT_IDS }),
    vars,
    telegramProblems,
  );
  problems.push(...telegramProblems);
  const telegram: Config["telegram"] = { apiUrl: apiUrl?.TELEGRAM_API_URL ?? "https://api.telegram.org" };
  if (botToken?.TELEGRAM_BOT_TOKEN) telegram.botToken = botToken.TELEGRAM_BOT_TOKEN;
  if (webhook?.TELEGRAM_WEBHOOK_SECRET) telegram.webhookSecret = webhook.TELEGRAM_WEBHOOK_SECRET;
  if (editors?.TELEGRAM_EDITOR_CHAT_IDS)
    telegram.editorChatIds = editors.TELEGRAM_EDITOR_CHAT_IDS.split(",").map((id) => id.trim());

  const writer: Config["writer"] = { kind: c.WRITER, model: c.LLM_MODEL };
  if (c.LLM_API_URL) writer.apiUrl = c.LLM_API_URL;
  if (c.LLM_API_KEY) writer.apiKey = c.LLM_API_KEY;

  return {
    site: { url: c.SITE_URL, publicReader: c.PUBLIC_READER, archiveCacheSeconds: c.ARCHIVE_CACHE_SECONDS },
    sources: { ...sourceConfigOf(sources.data, c.SITE_URL), mode: c.SOURCE_MODE },
    writer,
    scoring: { embeddings: c.EMBEDDINGS },
    tokens: tokens ? { secret: tokens } : undefined,
    admin: admin ? { token: admin } : undefined,
    email: email
      ? {
          transport: email.EMAIL_TRANSPORT,
          from: email.EMAIL_FROM,
          smtp: {
            host: email.SMTP_HOST,
            port: email.SMTP_PORT,
            secure: email.SMTP_SECURE,
            ...(email.SMTP_USER ? { user: email.SMTP_USER } : {}),
            ...(email.SMTP_PASS ? { pass: email.SMTP_PASS } : {}),
          },
        }
      : undefined,
    telegram,
    dev: { routes: c.DEV_ROUTES },
    features: {
      tokens: stateOf(isSet("TOKEN_SECRET"), tokens !== undefined),
      admin: stateOf(isSet("ADMIN_TOKEN"), admin !== undefined),
      email: email ? "configured" : "misconfigured",
      // The bot needs both its token and the webhook secret; one alone is not configured yet.
      telegram:
        telegramProblems.length > 0
          ? "misconfigured"
          : telegram.botToken !== undefined && telegram.webhookSecret !== undefined
            ? "configured"
            : "not_configured",
    },
    problems,
  };
}
