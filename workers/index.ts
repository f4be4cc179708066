import { processDeliveryBatch } from "../src/channels/delivery";
import { ConfigError } from "../src/config";
import { type Bindings, configOf } from "./config";
import { DeliveryMessage, deliveryDeps } from "./delivery";
import { unsubscribeByMail } from "./email";
import { AppError, codeOfStatus, errorResponse } from "./errors";
import { factory } from "./factory";
import { bodyLimits } from "./middleware/body-limits";
import { secureResponses } from "./middleware/security-headers";
import { BuildMessage, buildReaderIssue, runDaily } from "./pipeline";
import { adminRoutes } from "./routes/admin";
import { archiveRoutes } from "./routes/archive";
import { devRoutes } from "./routes/dev";
import { feedbackRoutes } from "./routes/feedback";
import { healthRoutes } from "./routes/health";
import { subscribeRoutes } from "./routes/subscribe";
import { telegramRoutes } from "./routes/telegram";

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

  async scheduled(controller, env, ctx) {
    const config = configOf(env);
    ctx.waitUntil(
      runDaily(env, config, { trigger: `cron ${controller.cron}`, now: new Date(controller.scheduledTime) }),
    );
  },

  /** Mail to the feed's address: the mailto unsubscribe of RFC 2369/8058. */
  async email(message, env) {
    await unsubscribeByMail(message, env, configOf(env));
  },

  /** Build jobs and delivery jobs share the queue; each message says which it is. */
  async queue(batch, env) {
    const config = configOf(env);
    const deliveries: Message<unknown>[] = [];
    for (const msg of batch.messages) {
      const build = BuildMessage.safeParse(msg.body);
      if (build.success) {
        try {
          await buildReaderIssue(env, config, build.data);
          msg.ack();
        } catch (err) {
          console.error(JSON.stringify({ job: build.data, error: String(err) }));
          msg.retry({ delaySeconds: 30 });
        }
      } else if (DeliveryMessage.safeParse(msg.body).success) {
        deliveries.push(msg);
      } else {
        console.error(JSON.stringify({ dropped: "unknown queue message", body: msg.body }));
        msg.ack();
      }
    }
    if (deliveries.length > 0) await processDeliveryBatch(deliveries, deliveryDeps(env, config));
  },
} satisfies ExportedHandler<Bindings>;
