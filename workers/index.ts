import { ConfigError } from "../src/config";
import { type Bindings, configOf } from "./config";
import { unsubscribeByMail } from "./email";
import { AppError, codeOfStatus, errorResponse } from "./errors";
import { factory } from "./factory";
import { bodyLimits } from "./middleware/body-limits";
import { secureResponses } from "./middleware/security-headers";
import { runDaily } from "./pipeline";
import { handleQueue } from "./queue";
import { adminRoutes } from "./routes/admin";
import { archiveRoutes } from "./routes/archive";
import { devRoutes } from "./routes/dev";
import { feedbackRoutes } from "./routes/feedback";
import { healthRoutes } from "./routes/health";
import { meRoutes } from "./routes/me";
import { privateRoutes } from "./routes/private";
import { subscribeRoutes } from "./routes/subscribe";
import { telegramRoutes } from "./routes/telegram";
import { SWEEP_CRON, sweep, workerSweepPorts } from "./sweeper";

export { ReaderState } from "../durable-objects/reader-state";

const app = factory.createApp();

app.use(secureResponses);
app.use(bodyLimits);

app.route("/", healthRoutes);
app.route("/admin", adminRoutes);
app.route("/feedback", feedbackRoutes);
app.route("/", subscribeRoutes);
app.route("/", telegramRoutes);
app.route("/dev", devRoutes);
app.route("/", privateRoutes);
app.route("/me", meRoutes);
app.route("/", archiveRoutes);

/** Every failure leaves through `errorResponse`; never a stack trace to the client. */
app.onError((err, c) => {
  if (err instanceof AppError) {
    return errorResponse(c, err.code, err.message, err.page ? { page: err.page } : {});
  }
  if (err instanceof ConfigError) {
    // Names of the bad variables only; their values stay in the environment.
    console.error(JSON.stringify({ requestId: c.get("requestId"), config: err.problems }));
    return errorResponse(c, "config_invalid", err.message);
  }
  if ("getResponse" in err && "status" in err && typeof err.status === "number") {
    // A Hono HTTPException raised by a middleware: keep its status, give it our shape.
    return errorResponse(c, codeOfStatus(err.status), err.message || "request refused");
  }
  console.error(
    JSON.stringify({ requestId: c.get("requestId"), path: c.req.path, error: String(err), stack: err.stack }),
  );
  return errorResponse(c, "internal", "internal error");
});

app.notFound((c) => errorResponse(c, "not_found", `no route for ${c.req.method} ${c.req.path}`));

export default {
  fetch: app.fetch,

  /** Two crons: the morning run, and the sweeper that finishes whatever a crash left undone. */
  async scheduled(controller, env, ctx) {
    const config = configOf(env);
    const now = new Date(controller.scheduledTime);
    if (controller.cron === SWEEP_CRON) {
      ctx.waitUntil(
        sweep(workerSweepPorts(env, config), { now }).then((report) =>
          console.log(JSON.stringify({ sweep: report })),
        ),
      );
      return;
    }
    ctx.waitUntil(runDaily(env, config, { trigger: `cron ${controller.cron}`, now }));
  },

  /** Mail to the feed's address: the mailto unsubscribe of RFC 2369/8058. */
  async email(message, env) {
    await unsubscribeByMail(message, env, configOf(env));
  },

  /** Build and delivery jobs, and the dead-letter queue (workers/queue.ts). */
  async queue(batch, env, _ctx) {
    await handleQueue(batch, env, configOf(env));
  },
} satisfies ExportedHandler<Bindings>;
