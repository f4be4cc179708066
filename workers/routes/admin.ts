import { z } from "zod";
import { recentRuns } from "../../d1/runs";
import { IssueDate } from "../../src/issue";
import { AppError } from "../errors";
import { factory } from "../factory";
import { adminAuth } from "../middleware/admin-auth";
import { runDaily } from "../pipeline";

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
