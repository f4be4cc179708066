/**
 * `npm run bench:fanout`: one issue delivered to 10,000 subscribers (half email, half Telegram) through
 * the real delivery code — ledger SQL (d1/ledger.ts, d1/subscriptions.ts on node:sqlite behind a
 * D1-shaped adapter), renderers, HMAC-signed links, the Telegram client — with the queue simulated
 * in memory (sendBatch ≤ 100, consumer batches of 50 as in wrangler.toml) and transports that
 * accept instantly. It measures what our code costs, not network latency.
 *
 * Printed side by side from one run: messages/s and CPU per recipient for enqueueing, the first
 * delivery, and the rerun that must send nothing; email vs Telegram; D1 statements per recipient.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import {
  d1Ledger,
  pendingDeliveries,
  type SqlDatabase,
  type SqlStatement,
  seedDeliveries,
} from "../d1/ledger";
import { d1Recipients } from "../d1/subscriptions";
import {
  type DeliveryDeps,
  DeliveryMessage,
  type DeliveryOutcome,
  type DeliveryQueueMessage,
  processDeliveryBatch,
} from "../src/channels/delivery";
import { unsubscribeUrl } from "../src/channels/links";
import type { MailMessage, MailTransport } from "../src/channels/mail";
import { TelegramClient } from "../src/channels/telegram";
import { feedbackLink } from "../src/feedback-links";
import { Issue } from "../src/issue";

const root = path.resolve(import.meta.dirname, "..");
const SUBSCRIBERS = Number(process.env.FANOUT_SUBSCRIBERS ?? 10_000);
const CONSUMER_BATCH = 50;
const SEND_BATCH = 100;
const READER = "demo";
const SECRET = "bench-token-secret-0123456789";
const SITE = "https://feed.example";

// --- D1 on node:sqlite ---

let statementsRun = 0;

function statement(db: DatabaseSync, sql: string, values: SQLInputValue[] = []): SqlStatement {
  return {
    bind: (...v: unknown[]) => statement(db, sql, v as SQLInputValue[]),
    async first<T>() {
      statementsRun++;
      return (db.prepare(sql).get(...values) as T | undefined) ?? null;
    },
    async all<T>() {
      statementsRun++;
      return { results: db.prepare(sql).all(...values) as T[] };
    },
    async run() {
      statementsRun++;
      return { meta: { changes: Number(db.prepare(sql).run(...values).changes) } };
    },
  };
}

function d1OnSqlite(db: DatabaseSync): SqlDatabase {
  return {
    prepare: (sql) => statement(db, sql),
    async batch(statements) {
      db.exec("BEGIN");
      try {
        const out = [];
        for (const s of statements) out.push(await s.run());
        db.exec("COMMIT");
        return out;
      } catch (err) {
        db.exec("ROLLBACK");
        throw err;
      }
    },
  };
}

function freshDatabase(): { raw: DatabaseSync; db: SqlDatabase } {
  const raw = new DatabaseSync(":memory:");
  raw.exec("PRAGMA foreign_keys = ON");
  const dir = path.join(root, "d1/migrations");
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    raw.exec(readFileSync(path.join(dir, file), "utf8"));
  }
  const at = new Date().toISOString();
  raw.prepare("INSERT INTO readers (id, name, created_at) VALUES (?, ?, ?)").run(READER, READER, at);
  const insert = raw.prepare(
    `INSERT INTO subscriptions (id, reader_id, channel, address, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'active', ?, ?)`,
  );
  raw.exec("BEGIN");
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const id = `sub-${String(i).padStart(6, "0")}`;
    const telegram = i % 2 === 1;
    insert.run(
      id,
      READER,
      telegram ? "telegram" : "email",
      telegram ? String(100_000 + i) : `reader${i}@example.org`,
      at,
      at,
    );
  }
  raw.exec("COMMIT");
  return { raw, db: d1OnSqlite(raw) };
}

// --- the simulated platform ---

interface Phase {
  name: string;
  messages: number;
  wallMs: number;
  cpuMs: number;
  statements: number;
}

async function measure(name: string, messages: () => number, work: () => Promise<void>): Promise<Phase> {
  const s0 = statementsRun;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    name,
    messages: messages(),
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    statements: statementsRun - s0,
  };
}

function queueMessage(
  body: DeliveryMessage,
  outcomes: { acked: number; retried: number },
): DeliveryQueueMessage {
  return {
    body,
    ack: () => {
      outcomes.acked++;
    },
    retry: () => {
      outcomes.retried++;
    },
  };
}

async function main(): Promise<void> {
  const issue = Issue.parse(
    JSON.parse(readFileSync(path.join(root, "test/fixtures/issue-2026-02-13.json"), "utf8")),
  );
  const { db } = freshDatabase();
  const mails: MailMessage[] = [];
  const mail: MailTransport = {
    async send(msg) {
      mails.push(msg);
      return { id: `m${mails.length}` };
    },
  };
  let telegramCalls = 0;
  const okBody = readFileSync(
    path.join(root, "test/fixtures/telegram_sendMessage_response_ok_2021.json"),
    "utf8",
  );
  const telegram = new TelegramClient({
    token: "1:BENCH",
    fetch: async () => {
      telegramCalls++;
      return new Response(okBody, { status: 200, headers: { "content-type": "application/json" } });
    },
  });
  const now = () => new Date();
  const deps: DeliveryDeps = {
    ledger: d1Ledger(db),
    recipients: d1Recipients(db),
    loadIssue: async () => issue,
    mail,
    mailFrom: "Daily Feed <feed@feed.example>",
    telegram,
    links: {
      unsubscribe: (id) => unsubscribeUrl(SECRET, SITE, id, now()),
      feedback: (r, d, i, v) => feedbackLink(SECRET, SITE, r, d, i, v, now()),
    },
    siteUrl: SITE,
    now,
    log: () => {},
  };

  let queue: DeliveryMessage[] = [];
  let sendBatchCalls = 0;
  const enqueue = async () => {
    await seedDeliveries(db, READER, issue.date, new Date());
    let after: { subscriptionId: string; channel: "email" | "telegram" } | null = null;
    for (;;) {
      const page = await pendingDeliveries(db, READER, issue.date, after, 1000);
      for (let i = 0; i < page.length; i += SEND_BATCH) {
        sendBatchCalls++;
        queue.push(
          ...page.slice(i, i + SEND_BATCH).map((k) => DeliveryMessage.parse({ type: "deliver", ...k })),
        );
      }
      const last = page.at(-1);
      if (!last || page.length < 1000) break;
      after = { subscriptionId: last.subscriptionId, channel: last.channel };
    }
  };
  const outcomes = { acked: 0, retried: 0 };
  const results: DeliveryOutcome[] = [];
  const consume = async (messages: DeliveryMessage[]) => {
    for (let i = 0; i < messages.length; i += CONSUMER_BATCH) {
      const batch = messages.slice(i, i + CONSUMER_BATCH).map((m) => queueMessage(m, outcomes));
      results.push(...(await processDeliveryBatch(batch, deps)));
    }
  };

  // Warm the JIT on a throwaway database so the first measured phase is not penalised.
  {
    const warm = freshDatabase();
    const warmDeps = { ...deps, ledger: d1Ledger(warm.db), recipients: d1Recipients(warm.db) };
    await seedDeliveries(warm.db, READER, issue.date, new Date());
    const keys = await pendingDeliveries(warm.db, READER, issue.date, null, 200);
    await processDeliveryBatch(
      keys.map((k) =>
        queueMessage(DeliveryMessage.parse({ type: "deliver", ...k }), { acked: 0, retried: 0 }),
      ),
      warmDeps,
    );
    mails.length = 0;
    telegramCalls = 0;
  }

  const phases: Phase[] = [];
  phases.push(await measure("enqueue (seed ledger + sendBatch)", () => queue.length, enqueue));
  const firstRun = [...queue];
  phases.push(
    await measure(
      "deliver (claim, render, send, mark)",
      () => firstRun.length,
      () => consume(firstRun),
    ),
  );
  const sentFirst = results.filter((r) => r.kind === "sent").length;
  const mailsFirst = mails.length;
  const telegramFirst = telegramCalls;

  // The cron reruns: nothing is pending, so nothing is queued; and the queue redelivers every old
  // message (at-least-once delivery): each is refused by the ledger.
  queue = [];
  phases.push(await measure("rerun enqueue (nothing pending)", () => queue.length, enqueue));
  results.length = 0;
  phases.push(
    await measure(
      "redelivered messages (all refused)",
      () => firstRun.length,
      () => consume(firstRun),
    ),
  );
  const sentAgain = results.filter((r) => r.kind === "sent").length + (mails.length - mailsFirst);

  // Email vs Telegram, per recipient, on fresh ledgers of 1,000 each.
  const perChannel: Record<string, number> = {};
  for (const channel of ["email", "telegram"] as const) {
    const fresh = freshDatabase();
    const channelDeps = { ...deps, ledger: d1Ledger(fresh.db), recipients: d1Recipients(fresh.db) };
    await seedDeliveries(fresh.db, READER, issue.date, new Date());
    const keys = (await pendingDeliveries(fresh.db, READER, issue.date, null, 4000))
      .filter((k) => k.channel === channel)
      .slice(0, 1000);
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < keys.length; i += CONSUMER_BATCH) {
      await processDeliveryBatch(
        keys
          .slice(i, i + CONSUMER_BATCH)
          .map((k) =>
            queueMessage(DeliveryMessage.parse({ type: "deliver", ...k }), { acked: 0, retried: 0 }),
          ),
        channelDeps,
      );
    }
    const cpu = process.cpuUsage(cpu0);
    perChannel[channel] = (cpu.user + cpu.system) / 1000 / keys.length;
  }

  const rows = phases.map((p) => ({
    phase: p.name,
    messages: p.messages,
    "wall ms": p.wallMs.toFixed(0),
    "msg/s": p.messages > 0 ? Math.round(p.messages / (p.wallMs / 1000)).toLocaleString("en-US") : "—",
    "CPU ms/recipient": (p.cpuMs / SUBSCRIBERS).toFixed(3),
    "D1 stmts/recipient": (p.statements / SUBSCRIBERS).toFixed(2),
  }));
  console.log(
    `Fan-out of one issue to ${SUBSCRIBERS.toLocaleString("en-US")} subscribers (½ email, ½ Telegram)\n`,
  );
  console.table(rows);
  const [enq, deliver, , redeliver] = phases;
  const perBatch = deliver ? (deliver.cpuMs / SUBSCRIBERS) * CONSUMER_BATCH : 0;
  console.log(`
sendBatch calls: ${sendBatchCalls} (≤ ${SEND_BATCH} messages each) for ${firstRun.length} messages
sent: ${sentFirst} (${mailsFirst} mails, ${telegramFirst} Telegram messages); sent again on rerun/redelivery: ${sentAgain}
acked ${outcomes.acked}, retried ${outcomes.retried}

ratios, same run:
  deliver / enqueue CPU per recipient:      ${enq && deliver ? (deliver.cpuMs / enq.cpuMs).toFixed(1) : "—"}×
  redelivered (refused) / deliver CPU:      ${deliver && redeliver ? (redeliver.cpuMs / deliver.cpuMs).toFixed(2) : "—"}×
  Telegram / email CPU per recipient:       ${((perChannel.telegram ?? 0) / (perChannel.email ?? 1)).toFixed(2)}× (${(perChannel.email ?? 0).toFixed(3)} ms vs ${(perChannel.telegram ?? 0).toFixed(3)} ms)
  CPU per consumer batch of ${CONSUMER_BATCH}:            ${perBatch.toFixed(0)} ms (Workers allow 30,000 ms CPU per invocation by default)
`);
  if (sentFirst !== SUBSCRIBERS || sentAgain !== 0) {
    console.error("FAILED: every subscriber must get the issue exactly once");
    process.exitCode = 1;
  }
}

await main();
