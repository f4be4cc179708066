/**
 * The Worker's real `scheduled` handler, called the way Cloudflare's cron triggers call it, and waited on
 * until everything it left running (`ctx.waitUntil`) has finished.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../workers/index";

/** wrangler.toml's morning trigger. */
export const MORNING_CRON = "0 6 * * *";

/** Fires `cron` at `at` with `bindings` (a TestQueue's env, for one) and waits for the handler's work. */
export async function runCron(cron: string, at: Date, bindings: Env = env): Promise<void> {
  const controller = createScheduledController({ scheduledTime: at, cron });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, bindings, ctx);
  await waitOnExecutionContext(ctx);
}

/** The morning cron of `day` (06:00 UTC). */
export async function morningCron(day: string, bindings: Env = env): Promise<void> {
  await runCron(MORNING_CRON, new Date(`${day}T06:00:00Z`), bindings);
}
