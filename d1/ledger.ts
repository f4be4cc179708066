/**
 * The delivery ledger (`deliveries`) and the captured-mail store (`captured_mail`): typed queries with
 * row mappers. Written against `SqlDatabase`, the part of D1's API they use, so the same SQL runs in
 * the Worker (D1) and in the fan-out benchmark (node:sqlite behind a D1-shaped adapter).
 */
import type {
  ClaimedDelivery,
  ClaimRefusal,
  DeliveryKey,
  DeliveryLedger,
  DeliveryStatus,
} from "../src/channels/delivery";
import type { CapturedMail, CapturedMailStore } from "../src/channels/mail";
import type { Channel } from "../src/profile";

/** A prepared statement, as D1 (and the benchmark's adapter) provide it. */
export interface SqlStatement {
  bind(...values: unknown[]): SqlStatement;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  all<T = Record<string, unknown>>(): Promise<{ results: T[] }>;
  run(): Promise<{ meta: { changes: number } }>;
}

/** The part of `D1Database` the delivery modules use. */
export interface SqlDatabase {
  prepare(query: string): SqlStatement;
  batch(statements: SqlStatement[]): Promise<unknown[]>;
}

export interface DeliveryRow extends DeliveryKey {
  status: DeliveryStatus;
  attempts: number;
  leaseUntil: string | null;
  partsSent: number;
  providerId: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

interface RawDelivery {
  reader_id: string;
  issue_date: string;
  subscription_id: string;
  channel: Channel;
  status: DeliveryStatus;
  attempts: number;
  lease_until: string | null;
  parts_sent: number;
  provider_id: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

function toDelivery(r: RawDelivery): DeliveryRow {
  return {
    readerId: r.reader_id,
    date: r.issue_date,
    subscriptionId: r.subscription_id,
    channel: r.channel,
    status: r.status,
    attempts: r.attempts,
    leaseUntil: r.lease_until,
    partsSent: r.parts_sent,
    providerId: r.provider_id,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: r.sent_at,
  };
}

const KEY_WHERE = "reader_id = ? AND issue_date = ? AND subscription_id = ? AND channel = ?";

function keyValues(k: DeliveryKey): [string, string, string, string] {
  return [k.readerId, k.date, k.subscriptionId, k.channel];
}

/**
 * Adds a pending ledger row for every active subscription of `readerId`, in one statement; rows
 * that exist (a rerun) are left as they are. Returns how many rows were added.
 */
export async function seedDeliveries(
  db: SqlDatabase,
  readerId: string,
  date: string,
  now: Date,
): Promise<number> {
  const at = now.toISOString();
  const res = await db
    .prepare(
      `INSERT INTO deliveries (reader_id, issue_date, subscription_id, channel, status, created_at, updated_at)
       SELECT reader_id, ?, id, channel, 'pending', ?, ? FROM subscriptions
       WHERE reader_id = ? AND status = 'active'
       ON CONFLICT (reader_id, issue_date, subscription_id, channel) DO NOTHING`,
    )
    .bind(date, at, at, readerId)
    .run();
  return res.meta.changes;
}

/** A page of still-pending deliveries of one issue, in key order after `after` (keyset pagination). */
export async function pendingDeliveries(
  db: SqlDatabase,
  readerId: string,
  date: string,
  after: { subscriptionId: string; channel: Channel } | null,
  limit: number,
): Promise<DeliveryKey[]> {
  const { results } = await db
    .prepare(
      `SELECT subscription_id, channel FROM deliveries
       WHERE reader_id = ? AND issue_date = ? AND status = 'pending' AND (subscription_id, channel) > (?, ?)
       ORDER BY subscription_id, channel LIMIT ?`,
    )
    .bind(readerId, date, after?.subscriptionId ?? "", after?.channel ?? "", limit)
    .all<{ subscription_id: string; channel: Channel }>();
  return results.map((r) => ({ readerId, date, subscriptionId: r.subscription_id, channel: r.channel }));
}

/** One ledger row, or null. */
export async function getDelivery(db: SqlDatabase, key: DeliveryKey): Promise<DeliveryRow | null> {
  const row = await db
    .prepare(`SELECT * FROM deliveries WHERE ${KEY_WHERE}`)
    .bind(...keyValues(key))
    .first<RawDelivery>();
  return row ? toDelivery(row) : null;
}

/** Every ledger row of one issue, in key order (admin views, tests). */
export async function listDeliveries(
  db: SqlDatabase,
  readerId: string,
  date: string,
): Promise<DeliveryRow[]> {
  const { results } = await db
    .prepare(
      "SELECT * FROM deliveries WHERE reader_id = ? AND issue_date = ? ORDER BY subscription_id, channel",
    )
    .bind(readerId, date)
    .all<RawDelivery>();
  return results.map(toDelivery);
}

/** How many deliveries of one issue are in each status. */
export async function deliveryCounts(
  db: SqlDatabase,
  readerId: string,
  date: string,
): Promise<Record<DeliveryStatus, number>> {
  const { results } = await db
    .prepare(
      "SELECT status, COUNT(*) AS n FROM deliveries WHERE reader_id = ? AND issue_date = ? GROUP BY status",
    )
    .bind(readerId, date)
    .all<{ status: DeliveryStatus; n: number }>();
  const counts: Record<DeliveryStatus, number> = { pending: 0, sent: 0, failed: 0, skipped: 0 };
  for (const r of results) counts[r.status] = r.n;
  return counts;
}

/** Records that `date`'s issue of `readerId` was fanned out: its ledger seeded and its pending rows queued. */
export async function recordFanout(
  db: SqlDatabase,
  readerId: string,
  date: string,
  now: Date,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO delivery_fanouts (reader_id, issue_date, queued_at) VALUES (?, ?, ?)
       ON CONFLICT (issue_date, reader_id) DO UPDATE SET queued_at = excluded.queued_at`,
    )
    .bind(readerId, date, now.toISOString())
    .run();
}

/** The readers whose issue of `date` was fanned out (one index range, one row per reader). */
export async function fannedOutReaders(db: SqlDatabase, date: string): Promise<Set<string>> {
  const { results } = await db
    .prepare("SELECT reader_id FROM delivery_fanouts WHERE issue_date = ?")
    .bind(date)
    .all<{ reader_id: string }>();
  return new Set(results.map((r) => r.reader_id));
}

/**
 * Takes back the pending deliveries of `date` whose sender or message is gone: a lease that ran
 * out, a row never claimed (or released) and untouched since `idleBefore` (its queue message was
 * lost), or any row untouched since `deadBefore` (its sender is known to be dead, lease or not).
 * Their lease is dropped so the next claim succeeds, and `updated_at` is set to `now` so an
 * overlapping sweep does not take them again. At most `limit` rows; returns their keys to re-queue.
 */
export async function takeStaleDeliveries(
  db: SqlDatabase,
  date: string,
  now: Date,
  idleBefore: Date,
  deadBefore: Date | null,
  limit: number,
): Promise<DeliveryKey[]> {
  const at = now.toISOString();
  const { results } = await db
    .prepare(
      `UPDATE deliveries SET lease_until = NULL, updated_at = ?
       WHERE rowid IN (
         SELECT rowid FROM deliveries
         WHERE issue_date = ? AND status = 'pending'
           AND ((lease_until IS NULL AND updated_at <= ?) OR lease_until <= ? OR updated_at <= ?)
         LIMIT ?)
       RETURNING reader_id, subscription_id, channel`,
    )
    .bind(at, date, idleBefore.toISOString(), at, deadBefore?.toISOString() ?? "", limit)
    .all<{ reader_id: string; subscription_id: string; channel: Channel }>();
  return results.map((r) => ({
    readerId: r.reader_id,
    date,
    subscriptionId: r.subscription_id,
    channel: r.channel,
  }));
}

/** The ledger over D1: every state change is one conditional statement, so concurrent senders cannot race. */
export function d1Ledger(db: SqlDatabase): DeliveryLedger {
  /** Ends a pending delivery for good (failed or skipped), keeping why; a sent row is never touched. */
  async function endPending(key: DeliveryKey, status: "failed" | "skipped", why: string, now: Date) {
    await db
      .prepare(
        `UPDATE deliveries SET status = ?, lease_until = NULL, last_error = ?, updated_at = ?
         WHERE ${KEY_WHERE} AND status = 'pending'`,
      )
      .bind(status, why, now.toISOString(), ...keyValues(key))
      .run();
  }

  return {
    async claim(key, now, leaseSeconds): Promise<ClaimedDelivery | ClaimRefusal> {
      const at = now.toISOString();
      const until = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
      const claimed = await db
        .prepare(
          `UPDATE deliveries SET attempts = attempts + 1, lease_until = ?, updated_at = ?
           WHERE ${KEY_WHERE} AND status = 'pending' AND (lease_until IS NULL OR lease_until <= ?)
           RETURNING attempts, parts_sent`,
        )
        .bind(until, at, ...keyValues(key), at)
        .first<{ attempts: number; parts_sent: number }>();
      if (claimed) return { attempts: claimed.attempts, partsSent: claimed.parts_sent };
      const row = await db
        .prepare(`SELECT status, lease_until FROM deliveries WHERE ${KEY_WHERE}`)
        .bind(...keyValues(key))
        .first<{ status: DeliveryStatus; lease_until: string | null }>();
      if (!row) return { reason: "missing" };
      if (row.status !== "pending") return { reason: "done", status: row.status };
      return { reason: "leased", leaseUntil: new Date(row.lease_until ?? at) };
    },

    async ensure(key, now) {
      const at = now.toISOString();
      await db
        .prepare(
          `INSERT INTO deliveries (reader_id, issue_date, subscription_id, channel, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING`,
        )
        .bind(...keyValues(key), at, at)
        .run();
    },

    async recordPart(key, partsSent, now) {
      await db
        .prepare(
          `UPDATE deliveries SET parts_sent = ?, updated_at = ? WHERE ${KEY_WHERE} AND status = 'pending'`,
        )
        .bind(partsSent, now.toISOString(), ...keyValues(key))
        .run();
    },

    async markSent(key, providerId, now) {
      const at = now.toISOString();
      await db
        .prepare(
          `UPDATE deliveries SET status = 'sent', provider_id = ?, sent_at = ?, updated_at = ?, lease_until = NULL,
           last_error = NULL WHERE ${KEY_WHERE} AND status = 'pending'`,
        )
        .bind(providerId, at, at, ...keyValues(key))
        .run();
    },

    async release(key, error, now) {
      await db
        .prepare(
          `UPDATE deliveries SET lease_until = NULL, last_error = ?, updated_at = ? WHERE ${KEY_WHERE} AND status = 'pending'`,
        )
        .bind(error.slice(0, 1000), now.toISOString(), ...keyValues(key))
        .run();
    },

    async markFailed(key, error, now) {
      await endPending(key, "failed", error.slice(0, 1000), now);
    },

    async markSkipped(key, reason, now) {
      await endPending(key, "skipped", reason, now);
    },
  };
}

// --- captured mail (EMAIL_TRANSPORT=capture) ---

interface RawCapturedMail {
  id: string;
  created_at: string;
  mail_from: string;
  mail_to: string;
  subject: string;
  html: string;
  text: string;
  headers: string;
}

function toCapturedMail(r: RawCapturedMail): CapturedMail {
  let headers: Record<string, string> = {};
  try {
    const parsed: unknown = JSON.parse(r.headers);
    if (parsed && typeof parsed === "object") {
      headers = Object.fromEntries(
        Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"),
      );
    }
  } catch {
    headers = {};
  }
  return {
    id: r.id,
    createdAt: r.created_at,
    from: r.mail_from,
    to: r.mail_to,
    subject: r.subject,
    html: r.html,
    text: r.text,
    headers,
  };
}

/** Keeps captured mail in D1. */
export function d1MailStore(db: SqlDatabase): CapturedMailStore {
  return {
    async save(mail) {
      await db
        .prepare(
          `INSERT INTO captured_mail (id, created_at, mail_from, mail_to, subject, html, text, headers)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(
          mail.id,
          mail.createdAt,
          mail.from,
          mail.to,
          mail.subject,
          mail.html,
          mail.text,
          JSON.stringify(mail.headers),
        )
        .run();
    },
  };
}

/** The newest captured mails (without bodies), for the /dev/mail list. */
export async function listCapturedMail(
  db: SqlDatabase,
  limit: number,
): Promise<Pick<CapturedMail, "id" | "createdAt" | "from" | "to" | "subject">[]> {
  const { results } = await db
    .prepare(
      "SELECT id, created_at, mail_from, mail_to, subject FROM captured_mail ORDER BY created_at DESC, id LIMIT ?",
    )
    .bind(limit)
    .all<Pick<RawCapturedMail, "id" | "created_at" | "mail_from" | "mail_to" | "subject">>();
  return results.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    from: r.mail_from,
    to: r.mail_to,
    subject: r.subject,
  }));
}

/** One captured mail, or null. */
export async function getCapturedMail(db: SqlDatabase, id: string): Promise<CapturedMail | null> {
  const row = await db.prepare("SELECT * FROM captured_mail WHERE id = ?").bind(id).first<RawCapturedMail>();
  return row ? toCapturedMail(row) : null;
}
