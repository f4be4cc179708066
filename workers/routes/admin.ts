import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { recentRuns } from "../../d1/runs";
import { IssueDate } from "../../src/issue";
import { appConfig } from "../config";
import { runDaily } from "../pipeline";

/** Operator endpoints, behind `Authorization: Bearer $ADMIN_TOKEN`. */
export const adminRoutes = new Hono<{ Bindings: Env }>();

adminRoutes.use("*", async (c, next) => {
  const token = appConfig(c.env).ADMIN_TOKEN;
  if (!token) throw new HTTPException(503, { message: "ADMIN_TOKEN is not configured" });
  const given = c.req.header("authorization")?.replace(/^Bearer\s+/i, "") ?? "";
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(token);
  if (a.byteLength !== b.byteLength || !crypto.subtle.timingSafeEqual(a, b)) {
    throw new HTTPException(401, { message: "missing or wrong admin token" });
  }
  await next();
});

const RunRequest = z.object({ date: IssueDate.optional() });

/** Runs the daily pipeline now (the same code as the cron), optionally for another date. */
adminRoutes.post("/run", async (c) => {
  const body = RunRequest.safeParse(await c.req.json().catch(() => ({})));
  if (!body.success) throw new HTTPException(400, { message: z.prettifyError(body.error) });
  const run = await runDaily(c.env, {
    trigger: "admin",
    ...(body.data.date ? { date: body.data.date } : {}),
  });
  return c.json(run, 202);
});

adminRoutes.get("/runs", async (c) => c.json(await recentRuns(c.env.DB, 30)));
