import { z } from "zod";
import { listDeadLetters } from "../../d1/dead-letters";
import { recentRuns } from "../../d1/runs";
import { readerStateStub } from "../../durable-objects/reader-state";
import type { Config } from "../../src/config";
import { IssueDate } from "../../src/issue";
import { ReaderProfile } from "../../src/profile";
import type { Bindings } from "../config";
import { AppError } from "../errors";
import { factory } from "../factory";
import { adminAuth } from "../middleware/admin-auth";
import { runDaily } from "../pipeline";
import { sweep, workerSweepPorts } from "../sweeper";

/** Operator endpoints, behind `Authorization: Bearer $ADMIN_TOKEN`. */
export const adminRoutes = factory.createApp();

adminRoutes.use("*", adminAuth);

const RunRequest = z.object({ date: IssueDate.optional() }).strict();

/** Runs the daily pipeline now (the same code as the cron), optionally for another date. */
adminRoutes.post("/run", async (c) => {
  // An empty body means "today"; anything else must be the JSON object described above.
  const text = await c.req.text();
  let json: unknown = {};
  if (text.trim() !== "") {
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError("bad_request", "body is not valid JSON");
    }
  }
  const body = RunRequest.safeParse(json);
  if (!body.success) throw new AppError("bad_request", z.prettifyError(body.error));
  const run = await runDaily(c.env, c.var.config, {
    trigger: "admin",
    ...(body.data.date ? { date: body.data.date } : {}),
  });
  return c.json(run, 202);
});

adminRoutes.get("/runs", async (c) => c.json(await recentRuns(c.env.DB, 30)));

/** Queue jobs that ran out of retries (the dead-letter queue's record), newest first. */
adminRoutes.get("/dead", async (c) => c.json(await listDeadLetters(c.env.DB, 200)));

const SweepRequest = z.object({ deadBefore: z.iso.datetime().optional() });

/**
 * Sweeps the current day now (the same code as the sweeper's cron). `deadBefore`: every job touched
 * before it belongs to a dead process (`npm start` passes its own start after a restart).
 */
adminRoutes.post("/sweep", async (c) => {
  const body = SweepRequest.safeParse(await c.req.json().catch(() => ({})));
  if (!body.success) throw new AppError("bad_request", z.prettifyError(body.error));
  const { deadBefore } = body.data;
  const report = await sweep(workerSweepPorts(c.env, c.var.config), {
    now: new Date(),
    ...(deadBefore ? { deadBefore: new Date(deadBefore) } : {}),
  });
  return c.json(report);
});

// --- the public reader: only the editor changes it ---

const NoteRequest = z.object({ text: z.string().trim().min(1).max(4000) });

function publicReader(env: Bindings, config: Config) {
  return readerStateStub(env.READER_STATE, config.site.publicReader);
}

/** The public reader's profile, rules and feedback. */
adminRoutes.get("/public", async (c) => {
  const state = publicReader(c.env, c.var.config);
  const [profile, rules, feedback] = await Promise.all([
    state.getProfile(),
    state.listRules(),
    state.listFeedback(),
  ]);
  return c.json({ profile, rules, feedback });
});

/** Replaces the public reader's profile (the public profile JSON format). */
adminRoutes.put("/public/profile", async (c) => {
  const parsed = ReaderProfile.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) throw new AppError("bad_request", z.prettifyError(parsed.error));
  const id = c.var.config.site.publicReader;
  return c.json(await publicReader(c.env, c.var.config).setProfile({ ...parsed.data, id }));
});

/** An editor's note to the public reader (it may become standing rules, as for any reader). */
adminRoutes.post("/public/feedback", async (c) => {
  const body = NoteRequest.safeParse(await c.req.json().catch(() => undefined));
  if (!body.success) throw new AppError("bad_request", z.prettifyError(body.error));
  return c.json(
    await publicReader(c.env, c.var.config).recordFeedback({ text: body.data.text, channel: "web" }),
  );
});

/** Removes one of the public reader's standing rules. */
adminRoutes.delete("/public/rules/:id", async (c) => {
  const removed = await publicReader(c.env, c.var.config).removeRule(c.req.param("id"));
  if (!removed) throw new AppError("not_found", "no such rule");
  return c.json({ removed: true });
});
