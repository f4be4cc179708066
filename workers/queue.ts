/**
 * The Worker's queue handler. Two queues reach it: the pipeline's queue (build jobs and delivery
 * jobs, each message says which) and its dead-letter queue, where Cloudflare Queues moves a message
 * after `max_retries` failed attempts. Every failed attempt is counted in D1 with its error, and
 * every dead message is recorded there too (`GET /admin/dead`), so nothing is dropped silently.
 */
import { type QueueJob, recordDead, recordFailure } from "../d1/dead-letters";
import { processDeliveryBatch } from "../src/channels/delivery";
import type { Config } from "../src/config";
import type { Bindings } from "./config";
import { DeliveryMessage, deliveryDeps } from "./delivery";
import { BuildMessage, buildReaderIssue } from "./pipeline";

/** The dead-letter queue of the pipeline's queue (wrangler.toml `dead_letter_queue`). */
export const DEAD_LETTER_QUEUE = "daily-feed-dead-letters";

/** Seconds before a failed build job is tried again. */
const BUILD_RETRY_SECONDS = 30;

/** What job a message body is; the key is the same for every message of the same job. */
export function queueJob(body: unknown, messageId: string): QueueJob {
  const text = JSON.stringify(body) ?? "null";
  const build = BuildMessage.safeParse(body);
  if (build.success) {
    const b = build.data;
    return {
      job: `build|${b.readerId}|${b.date}`,
      kind: "build",
      readerId: b.readerId,
      date: b.date,
      subscriptionId: null,
      channel: null,
      body: text,
    };
  }
  const deliver = DeliveryMessage.safeParse(body);
  if (deliver.success) {
    const d = deliver.data;
    return {
      job: `deliver|${d.readerId}|${d.date}|${d.subscriptionId}|${d.channel}`,
      kind: "deliver",
      readerId: d.readerId,
      date: d.date,
      subscriptionId: d.subscriptionId,
      channel: d.channel,
      body: text,
    };
  }
  return {
    job: `unknown|${messageId}`,
    kind: "unknown",
    readerId: null,
    date: null,
    subscriptionId: null,
    channel: null,
    body: text,
  };
}

/** Counting a failure must never fail the batch: the retry matters more than the record. */
async function noteFailure(env: Bindings, msg: Message<unknown>, error: string): Promise<void> {
  try {
    await recordFailure(env.DB, queueJob(msg.body, msg.id), error, new Date());
  } catch (err) {
    console.error(JSON.stringify({ deadLetters: "could not record a failure", error: String(err) }));
  }
}

/** The dead-letter queue's consumer: one record per dead message, then ack (it has nowhere else to go). */
async function recordDeadBatch(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  for (const msg of batch.messages) {
    const job = queueJob(msg.body, msg.id);
    await recordDead(env.DB, job, new Date());
    console.error(JSON.stringify({ deadLetter: job.job }));
    msg.ack();
  }
}

/** The pipeline's consumer: builds first (they are few), then the batch's deliveries, 4 at a time. */
async function processPipelineBatch(
  batch: MessageBatch<unknown>,
  env: Bindings,
  config: Config,
): Promise<void> {
  const deliveries: Message<unknown>[] = [];
  for (const msg of batch.messages) {
    const build = BuildMessage.safeParse(msg.body);
    if (build.success) {
      try {
        await buildReaderIssue(env, config, build.data);
        msg.ack();
      } catch (err) {
        // One reader's failure stays that reader's: the rest of the batch goes on.
        console.error(JSON.stringify({ job: build.data, error: String(err) }));
        await noteFailure(env, msg, String(err));
        msg.retry({ delaySeconds: BUILD_RETRY_SECONDS });
      }
    } else if (DeliveryMessage.safeParse(msg.body).success) {
      deliveries.push(msg);
    } else {
      console.error(JSON.stringify({ dropped: "unknown queue message", body: msg.body }));
      msg.ack();
    }
  }
  if (deliveries.length === 0) return;
  const outcomes = await processDeliveryBatch(deliveries, deliveryDeps(env, config));
  for (const [i, outcome] of outcomes.entries()) {
    const msg = deliveries[i];
    if (msg && outcome.kind === "retry") await noteFailure(env, msg, outcome.error);
  }
}

/** The Worker's `queue` handler. */
export async function handleQueue(
  batch: MessageBatch<unknown>,
  env: Bindings,
  config: Config,
): Promise<void> {
  if (batch.queue === DEAD_LETTER_QUEUE) await recordDeadBatch(batch, env);
  else await processPipelineBatch(batch, env, config);
}
