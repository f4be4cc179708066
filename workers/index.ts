import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { processDeliveryBatch } from "../src/channels/delivery";
import { DeliveryMessage, deliveryDeps } from "./delivery";
import { unsubscribeByMail } from "./email";
import { BuildMessage, buildReaderIssue, runDaily } from "./pipeline";
import { adminRoutes } from "./routes/admin";
import { archiveRoutes } from "./routes/archive";
import { feedbackRoutes } from "./routes/feedback";
import { subscribeRoutes } from "./routes/subscribe";
import { telegramRoutes } from "./routes/telegram";

export { ReaderState } from "../durable-objects/reader-state";

const app = new Hono<{ Bindings: Env }>();

app.get("/healthz", (c) => c.text("ok"));
app.route("/admin", adminRoutes);
app.route("/feedback", feedbackRoutes);
app.route("/", subscribeRoutes);
app.route("/", telegramRoutes);
app.route("/", archiveRoutes);

/** One error shape for every failure; never a stack trace to the client. */
app.onError((err, c) => {
  const requestId = c.req.header("cf-ray") ?? crypto.randomUUID();
  if (err instanceof HTTPException) {
    return c.json({ error: { code: `http_${err.status}`, message: err.message, requestId } }, err.status);
  }
  console.error(JSON.stringify({ requestId, path: c.req.path, error: String(err), stack: err.stack }));
  return c.json({ error: { code: "internal", message: "internal error", requestId } }, 500);
});

app.notFound((c) =>
  c.json({ error: { code: "not_found", message: `no route for ${c.req.method} ${c.req.path}` } }, 404),
);

export default {
  fetch: app.fetch,

  async scheduled(controller, env, ctx) {
    ctx.waitUntil(
      runDaily(env, { trigger: `cron ${controller.cron}`, now: new Date(controller.scheduledTime) }),
    );
  },

  /** Mail to the feed's address: the mailto unsubscribe of RFC 2369/8058. */
  async email(message, env) {
    await unsubscribeByMail(message, env);
  },

  /** Build jobs and delivery jobs share the queue; each message says which it is. */
  async queue(batch, env) {
    const deliveries: Message<unknown>[] = [];
    for (const msg of batch.messages) {
      const build = BuildMessage.safeParse(msg.body);
      if (build.success) {
        try {
          await buildReaderIssue(env, build.data);
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
    if (deliveries.length > 0) await processDeliveryBatch(deliveries, deliveryDeps(env));
  },
} satisfies ExportedHandler<Env>;
