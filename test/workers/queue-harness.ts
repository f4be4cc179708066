/**
 * Runs the Worker's real `queue` handler the way Cloudflare Queues would, without a consumer
 * running behind the test's back: the queue binding keeps what is sent, and `runQueue` hands it to
 * `worker.queue` in batches (`createMessageBatch` + `getQueueResult`, as the workers-sdk queue
 * fixtures do), puts retried messages back, and moves a message that failed 1 + `maxRetries` times
 * to the dead-letter queue's consumer — the same handler, with the dead-letter queue's name.
 * Also: a D1 binding with a fault at one statement, to stop the Worker where a crash would.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import worker from "../../workers/index";
import { DEAD_LETTER_QUEUE } from "../../workers/queue";

const PIPELINE_QUEUE = "daily-feed-delivery";
/** wrangler.toml `max_retries` of the pipeline's consumer. */
const MAX_RETRIES = 5;

interface Queued {
  id: string;
  body: unknown;
  attempts: number;
}

/** A queue binding that keeps every message sent to it. */
export class TestQueue {
  readonly waiting: Queued[] = [];
  private seq = 0;

  readonly binding = {
    send: async (body: unknown) => {
      this.push(body, 1);
    },
    sendBatch: async (messages: Iterable<MessageSendRequest<unknown>>) => {
      for (const m of messages) this.push(m.body, 1);
    },
  } as unknown as Queue;

  push(body: unknown, attempts: number, id = `msg-${++this.seq}`): void {
    this.waiting.push({ id, body, attempts });
  }

  /** `base` with this queue as the pipeline's queue binding. */
  env(base: Env, extra: Partial<Env> = {}): Env {
    return { ...base, DELIVERY_QUEUE: this.binding, ...extra } as Env;
  }
}

export interface QueueRun {
  /** Message bodies handed to the pipeline's consumer, in order (retries included). */
  consumed: unknown[];
  /** Bodies that went to the dead-letter queue. */
  dead: unknown[];
  /** Bodies left waiting after `maxRounds` (retries still owed). */
  left: unknown[];
}

async function runBatch(queue: string, items: Queued[], env: Env) {
  const batch = createMessageBatch(
    queue,
    items.map((m) => ({ id: m.id, timestamp: new Date(), attempts: m.attempts, body: m.body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

/**
 * Consumes what `queue` holds (and what the handler queues meanwhile: `baseEnv`'s queue binding is
 * replaced by `queue`) in batches of `batchSize`, for at most `maxRounds` batches; retry delays are
 * not waited for.
 */
export async function runQueue(
  queue: TestQueue,
  baseEnv: Env,
  opts: { batchSize?: number; maxRounds?: number } = {},
): Promise<QueueRun> {
  const env = queue.env(baseEnv);
  const batchSize = opts.batchSize ?? 50;
  const run: QueueRun = { consumed: [], dead: [], left: [] };
  for (let round = 0; round < (opts.maxRounds ?? 50) && queue.waiting.length > 0; round++) {
    const items = queue.waiting.splice(0, batchSize);
    run.consumed.push(...items.map((m) => m.body));
    const result = await runBatch(PIPELINE_QUEUE, items, env);
    const retried = new Set(result.retryMessages.map((r) => r.msgId));
    if (result.retryBatch.retry) for (const m of items) retried.add(m.id);
    const dead: Queued[] = [];
    for (const m of items) {
      if (!retried.has(m.id)) continue;
      if (m.attempts > MAX_RETRIES) dead.push({ ...m, attempts: 1 });
      else queue.push(m.body, m.attempts + 1, m.id);
    }
    if (dead.length > 0) {
      run.dead.push(...dead.map((m) => m.body));
      await runBatch(DEAD_LETTER_QUEUE, dead, env);
    }
  }
  run.left = queue.waiting.map((m) => m.body);
  return run;
}

export type Fault = "hang" | Error | undefined;

/**
 * `db` with a fault injected at the statements `fault` picks (by SQL text and bound values):
 * "hang" never settles (the isolate died right there), an Error rejects.
 */
export function faultyDb(db: D1Database, fault: (sql: string, values: unknown[]) => Fault): D1Database {
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrap = (stmt: D1PreparedStatement, sql: string, values: unknown[]): D1PreparedStatement => {
    const guarded =
      <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
      (...args: A): Promise<R> => {
        const f = fault(sql, values);
        if (f === "hang") return new Promise<R>(() => {});
        if (f instanceof Error) return Promise.reject(f);
        return call(...args);
      };
    const proxy = {
      bind: (...v: unknown[]) => wrap(stmt.bind(...v), sql, v),
      run: guarded(() => stmt.run()),
      all: guarded(() => stmt.all()),
      first: guarded((col?: string) => (col === undefined ? stmt.first() : stmt.first(col))),
      raw: guarded(() => stmt.raw()),
    } as unknown as D1PreparedStatement;
    real.set(proxy, stmt);
    return proxy;
  };
  return {
    prepare: (sql: string) => wrap(db.prepare(sql), sql, []),
    batch: (statements: D1PreparedStatement[]) => db.batch(statements.map((s) => real.get(s) ?? s)),
    exec: (sql: string) => db.exec(sql),
    withSession: () => db.withSession(),
    dump: () => db.dump(),
  } as unknown as D1Database;
}
