/**
 * The sweeper: what brings the service back after a crash without an operator. On its own cron it
 * looks at the current day and finishes whatever the morning left undone:
 * - the morning run died before it fanned out the build jobs → run it again;
 * - an active reader has no issue (or its delivery was never queued) → queue its build job;
 * - a delivery is pending with an expired lease, or untouched for a while (its queue message was
 *   lost) → drop the lease and queue it again.
 * Every step is idempotent (one issue per reader per day, the delivery ledger's claim), so a sweep
 * that overlaps a live run only costs a few redundant messages; one with nothing to do reads one
 * run row, the readers and the day's fan-out rows, and no delivery row.
 * It also drops the sign-ups never confirmed once their confirmation link has expired.
 */
import { fannedOutReaders, takeStaleDeliveries } from "../d1/ledger";
import { activeReaderIds, deleteExpiredSignups } from "../d1/readers";
import type { DeliveryKey } from "../src/channels/delivery";
import { LINK_TTL_SECONDS } from "../src/channels/links";
import { utcDate } from "../src/clock";
import type { Config } from "../src/config";
import type { Bindings } from "./config";
import { queueDeliveries } from "./delivery";
import { type BuildMessage, runDaily } from "./pipeline";

/** The sweeper's cron (wrangler.toml `[triggers]`); the scheduled handler dispatches on it. */
export const SWEEP_CRON = "*/15 * * * *";

/**
 * A job untouched this long is presumed lost. Longer than a build or a delivery takes, and than
 * the longest retry back-off between delivery attempts (4 min), so a live job is rarely doubled.
 */
export const STALE_AFTER_MS = 10 * 60_000;

/** Deliveries taken back per query; the sweep loops until a page comes back short. */
const PAGE = 1000;
const MAX_PAGES = 50;

/** A morning run as the sweeper sees it. */
export interface SweepRun {
  id: string;
  startedAt: string;
  /** Set when the run has queued its build jobs. */
  finishedAt: string | null;
  status: "running" | "ok" | "degraded" | "failed";
}

/** What the sweeper reads and does, as small functions (D1 and the queue in the Worker). */
export interface SweepPorts {
  /** The runs of `date`; none means the morning has not begun and there is nothing to finish. */
  runsOf(date: string): Promise<SweepRun[]>;
  /** Runs the morning again (gather, fan out the build jobs). */
  restartDay(date: string): Promise<void>;
  /** The ids of the active readers. */
  activeReaders(): Promise<string[]>;
  /** Whether the reader's issue of `date` is built and its delivery queued. */
  hasIssue(readerId: string, date: string): Promise<boolean>;
  enqueueBuilds(jobs: BuildMessage[]): Promise<void>;
  /**
   * Takes back (drops the lease of) the pending deliveries presumed lost, at most `limit`: expired
   * lease, unleased and untouched since `idleBefore`, or untouched since `deadBefore`.
   */
  takeStaleDeliveries(
    date: string,
    now: Date,
    idleBefore: Date,
    deadBefore: Date | null,
    limit: number,
  ): Promise<DeliveryKey[]>;
  enqueueDeliveries(keys: DeliveryKey[]): Promise<void>;
  /** Deletes the pending sign-ups whose confirmation links were all sent before `before`; how many. */
  dropExpiredSignups(before: Date): Promise<number>;
}

export interface SweepOptions {
  now: Date;
  /**
   * Every job touched before this instant belongs to a process known to be dead, leases included:
   * `npm start` passes the moment it started, since local queues and senders die with the process.
   * In production nothing knows that, and expired leases and `STALE_AFTER_MS` decide alone.
   */
  deadBefore?: Date;
}

export interface SweepReport {
  date: string;
  /** False when no run of the day exists yet: the sweeper never starts a morning by itself. */
  dayBegun: boolean;
  restartedDay: boolean;
  buildsQueued: number;
  deliveriesQueued: number;
  /** Pending sign-ups deleted: their confirmation link had expired. */
  expiredSignups: number;
}

/** One sweep of the current day. */
export async function sweep(ports: SweepPorts, opts: SweepOptions): Promise<SweepReport> {
  const { now } = opts;
  const date = utcDate(now);
  const idle = new Date(now.getTime() - STALE_AFTER_MS);
  const staleBefore = opts.deadBefore && opts.deadBefore > idle ? opts.deadBefore : idle;
  const report: SweepReport = {
    date,
    dayBegun: false,
    restartedDay: false,
    buildsQueued: 0,
    deliveriesQueued: 0,
    expiredSignups: 0,
  };

  const runs = await ports.runsOf(date);
  report.dayBegun = runs.length > 0;
  const fannedOut = runs
    .filter((r) => r.finishedAt !== null && r.status !== "failed")
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1))[0];
  if (report.dayBegun && !fannedOut) {
    // Every run died (or failed) before queueing its build jobs; restart once the last one is idle.
    const latest = runs.map((r) => r.startedAt).sort()[runs.length - 1] ?? "";
    if (latest <= staleBefore.toISOString()) {
      await ports.restartDay(date);
      report.restartedDay = true;
    }
  } else if (fannedOut && (fannedOut.finishedAt ?? "") <= staleBefore.toISOString()) {
    const missing: string[] = [];
    for (const readerId of await ports.activeReaders()) {
      if (!(await ports.hasIssue(readerId, date))) missing.push(readerId);
    }
    await ports.enqueueBuilds(
      missing.map((readerId) => ({ type: "build", readerId, date, runId: fannedOut.id })),
    );
    report.buildsQueued = missing.length;
  }

  // Deliveries are swept whether or not a run of the day is known: a pending row is owed either way.
  for (let page = 0; page < MAX_PAGES; page++) {
    const keys = await ports.takeStaleDeliveries(date, now, idle, opts.deadBefore ?? null, PAGE);
    await ports.enqueueDeliveries(keys);
    report.deliveriesQueued += keys.length;
    if (keys.length < PAGE) break;
  }

  // A sign-up whose confirmation link has expired can never be confirmed: signing up again starts over.
  report.expiredSignups = await ports.dropExpiredSignups(
    new Date(now.getTime() - LINK_TTL_SECONDS.confirm * 1000),
  );
  return report;
}

/** The sweeper's ports over the Worker's D1 and queue. */
export function workerSweepPorts(env: Bindings, config: Config): SweepPorts {
  let fannedOut: Promise<Set<string>> | undefined;
  return {
    async runsOf(date) {
      const { results } = await env.DB.prepare(
        "SELECT id, started_at, finished_at, status FROM pipeline_runs WHERE date = ?",
      )
        .bind(date)
        .all<{ id: string; started_at: string; finished_at: string | null; status: SweepRun["status"] }>();
      return results.map((r) => ({
        id: r.id,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        status: r.status,
      }));
    },
    async restartDay(date) {
      await runDaily(env, config, { date, trigger: "sweeper" });
    },
    activeReaders: () => activeReaderIds(env.DB),
    async hasIssue(readerId, date) {
      // One query per sweep, not per reader.
      fannedOut ??= fannedOutReaders(env.DB, date);
      return (await fannedOut).has(readerId);
    },
    async enqueueBuilds(jobs) {
      for (let i = 0; i < jobs.length; i += 100) {
        await env.DELIVERY_QUEUE.sendBatch(jobs.slice(i, i + 100).map((body) => ({ body })));
      }
    },
    takeStaleDeliveries: (date, now, idleBefore, deadBefore, limit) =>
      takeStaleDeliveries(env.DB, date, now, idleBefore, deadBefore, limit),
    enqueueDeliveries: (keys) => queueDeliveries(env, keys),
    dropExpiredSignups: (before) => deleteExpiredSignups(env.DB, before),
  };
}
