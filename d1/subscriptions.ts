/**
 * Subscriptions (email and Telegram) and the subscribe form's per-IP rate limit: typed queries with
 * row mappers over `SqlDatabase` (D1's API, see `d1/ledger.ts`).
 */
import type { Recipient, RecipientDirectory } from "../src/channels/delivery";
import type { Channel } from "../src/profile";
import type { SqlDatabase } from "./ledger";

export type SubscriptionStatus = "pending" | "active" | "unsubscribed" | "blocked";

export interface Subscription {
  id: string;
  readerId: string;
  channel: Channel;
  /** An email address, or a Telegram chat id. */
  address: string;
  status: SubscriptionStatus;
  createdAt: string;
  updatedAt: string;
  confirmedAt: string | null;
  deactivatedReason: string | null;
}

interface RawSubscription {
  id: string;
  reader_id: string;
  channel: Channel;
  address: string;
  status: SubscriptionStatus;
  created_at: string;
  updated_at: string;
  confirmed_at: string | null;
  deactivated_reason: string | null;
}

function toSubscription(r: RawSubscription): Subscription {
  return {
    id: r.id,
    readerId: r.reader_id,
    channel: r.channel,
    address: r.address,
    status: r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    confirmedAt: r.confirmed_at,
    deactivatedReason: r.deactivated_reason,
  };
}

/** One subscription by id, or null. */
export async function getSubscription(db: SqlDatabase, id: string): Promise<Subscription | null> {
  const row = await db.prepare("SELECT * FROM subscriptions WHERE id = ?").bind(id).first<RawSubscription>();
  return row ? toSubscription(row) : null;
}

/** The subscription of `address` on `channel` to `readerId`'s issues, or null. */
export async function findSubscription(
  db: SqlDatabase,
  readerId: string,
  channel: Channel,
  address: string,
): Promise<Subscription | null> {
  const row = await db
    .prepare("SELECT * FROM subscriptions WHERE reader_id = ? AND channel = ? AND address = ?")
    .bind(readerId, channel, address)
    .first<RawSubscription>();
  return row ? toSubscription(row) : null;
}

/**
 * Records an email sign-up awaiting confirmation (double opt-in). An active subscription stays
 * active; an unsubscribed or blocked one goes back to pending, to be confirmed again.
 */
export async function upsertPendingEmail(
  db: SqlDatabase,
  readerId: string,
  email: string,
  now: Date,
): Promise<Subscription> {
  const at = now.toISOString();
  const row = await db
    .prepare(
      `INSERT INTO subscriptions (id, reader_id, channel, address, status, created_at, updated_at)
       VALUES (?, ?, 'email', ?, 'pending', ?, ?)
       ON CONFLICT (reader_id, channel, address) DO UPDATE SET
         status = CASE WHEN status = 'active' THEN 'active' ELSE 'pending' END,
         updated_at = excluded.updated_at
       RETURNING *`,
    )
    .bind(crypto.randomUUID(), readerId, email, at, at)
    .first<RawSubscription>();
  if (!row) throw new Error(`subscription upsert for ${readerId} returned no row`);
  return toSubscription(row);
}

/** Confirms a pending (or already active) subscription; null when it is gone or was unsubscribed since. */
export async function activateSubscription(
  db: SqlDatabase,
  id: string,
  now: Date,
): Promise<Subscription | null> {
  const at = now.toISOString();
  const row = await db
    .prepare(
      `UPDATE subscriptions SET status = 'active', confirmed_at = COALESCE(confirmed_at, ?), updated_at = ?,
         deactivated_reason = NULL
       WHERE id = ? AND status IN ('pending', 'active') RETURNING *`,
    )
    .bind(at, at, id)
    .first<RawSubscription>();
  return row ? toSubscription(row) : null;
}

/**
 * Subscribes a Telegram chat (no opt-in mail: the user asked from the chat itself). Returns the
 * subscription and whether it was active before.
 */
export async function subscribeChat(
  db: SqlDatabase,
  readerId: string,
  chatId: string,
  now: Date,
): Promise<{ subscription: Subscription; wasActive: boolean }> {
  const before = await findSubscription(db, readerId, "telegram", chatId);
  const at = now.toISOString();
  const row = await db
    .prepare(
      `INSERT INTO subscriptions (id, reader_id, channel, address, status, created_at, updated_at, confirmed_at)
       VALUES (?, ?, 'telegram', ?, 'active', ?, ?, ?)
       ON CONFLICT (reader_id, channel, address) DO UPDATE SET
         status = 'active', updated_at = excluded.updated_at, deactivated_reason = NULL,
         confirmed_at = COALESCE(confirmed_at, excluded.confirmed_at)
       RETURNING *`,
    )
    .bind(crypto.randomUUID(), readerId, chatId, at, at, at)
    .first<RawSubscription>();
  if (!row) throw new Error(`telegram subscription upsert for ${chatId} returned no row`);
  return { subscription: toSubscription(row), wasActive: before?.status === "active" };
}

/**
 * Ends a subscription: `unsubscribed` when the reader asked, `blocked` when the channel refuses
 * (a Telegram 403). Returns false when there was nothing active or pending to end.
 */
export async function deactivateSubscription(
  db: SqlDatabase,
  id: string,
  status: "unsubscribed" | "blocked",
  reason: string,
  now: Date,
): Promise<boolean> {
  const res = await db
    .prepare(
      `UPDATE subscriptions SET status = ?, deactivated_reason = ?, updated_at = ?
       WHERE id = ? AND status IN ('pending', 'active')`,
    )
    .bind(status, reason, now.toISOString(), id)
    .run();
  return res.meta.changes > 0;
}

/** Subscriptions as the delivery code needs them. */
export function d1Recipients(db: SqlDatabase): RecipientDirectory {
  return {
    async get(subscriptionId): Promise<Recipient | null> {
      const s = await getSubscription(db, subscriptionId);
      return s ? { id: s.id, channel: s.channel, address: s.address, status: s.status } : null;
    },
    async block(subscriptionId, reason, now) {
      await deactivateSubscription(db, subscriptionId, "blocked", reason, now);
    },
  };
}
