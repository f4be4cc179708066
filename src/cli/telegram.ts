/**
 * `npm run feed -- telegram:set-webhook [--url URL] [--info]`: registers `${SITE_URL}/telegram/webhook`
 * as the bot's webhook, with TELEGRAM_WEBHOOK_SECRET as `secret_token` (Telegram then sends it in
 * `X-Telegram-Bot-Api-Secret-Token`, which the Worker checks). Reads TELEGRAM_BOT_TOKEN,
 * TELEGRAM_WEBHOOK_SECRET, SITE_URL and optionally TELEGRAM_API_URL from the environment.
 * `--info` prints getWebhookInfo instead.
 */
import { z } from "zod";
import { TelegramApiError, TelegramClient } from "../channels/telegram";

const Env = z.object({
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, "TELEGRAM_BOT_TOKEN looks like 123456:ABC-…"),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, "TELEGRAM_WEBHOOK_SECRET: 1–256 characters of A-Z a-z 0-9 _ -"),
  SITE_URL: z
    .url()
    .refine((u) => u.startsWith("https://"), "SITE_URL must be https: Telegram only calls https webhooks"),
  TELEGRAM_API_URL: z.url().default("https://api.telegram.org"),
});

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Sets (or with `--info`, shows) the bot's webhook; prints Telegram's answer as JSON. */
export async function main(
  args: string[],
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const info = args.includes("--info");
  const url = option(args, "--url");
  const parsed = Env.safeParse({
    TELEGRAM_BOT_TOKEN: env.TELEGRAM_BOT_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: info ? (env.TELEGRAM_WEBHOOK_SECRET ?? "unused") : env.TELEGRAM_WEBHOOK_SECRET,
    SITE_URL: url ? url.replace(/\/telegram\/webhook$/, "") : env.SITE_URL,
    ...(env.TELEGRAM_API_URL ? { TELEGRAM_API_URL: env.TELEGRAM_API_URL } : {}),
  });
  if (!parsed.success) {
    process.stderr.write(`telegram:set-webhook: ${z.prettifyError(parsed.error)}\n`);
    return 2;
  }
  const cfg = parsed.data;
  const client = new TelegramClient({ token: cfg.TELEGRAM_BOT_TOKEN, apiUrl: cfg.TELEGRAM_API_URL });
  try {
    if (info) {
      process.stdout.write(`${JSON.stringify(await client.getWebhookInfo(), null, 2)}\n`);
      return 0;
    }
    const webhook = `${cfg.SITE_URL.replace(/\/+$/, "")}/telegram/webhook`;
    const result = await client.setWebhook(webhook, cfg.TELEGRAM_WEBHOOK_SECRET);
    process.stdout.write(`${JSON.stringify({ webhook, result }, null, 2)}\n`);
    return 0;
  } catch (err) {
    const message = err instanceof TelegramApiError ? `${err.code} ${err.description}` : String(err);
    process.stderr.write(`telegram:set-webhook: ${message}\n`);
    return 1;
  }
}
