/**
 * Readers: one row per reader (the editor's public reader and every subscriber). The profile itself
 * lives in the reader's Durable Object; this table holds what the morning's fan-out, the sign-up
 * flow and the private pages need without waking it.
 */
import type { Channel } from "../src/profile";

export type ReaderStatus = "pending" | "active" | "paused";
export type ReaderKind = "public" | "subscriber";

/** A reader known to the pipeline. */
export interface ReaderRow {
  id: string;
  name: string;
  createdAt: string;
  status: ReaderStatus;
  kind: ReaderKind;
  /** The slug of the reader's private pages (`/r/<slug>/…`); null for the public reader. */
  feedSlug: string | null;
  /** The sign-up's profile JSON while the reader is pending. */
  pendingProfile: string | null;
  categories: string[];
  liked: string[];
}

interface RawReader {
  id: string;
  name: string;
  created_at: string;
  status: ReaderStatus;
  kind: ReaderKind;
  feed_slug: string | null;
  pending_profile: string | null;
  categories: string;
  liked: string;
}

function stringList(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

function toReader(r: RawReader): ReaderRow {
  return {
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    status: r.status,
    kind: r.kind,
    feedSlug: r.feed_slug,
    pendingProfile: r.pending_profile,
    categories: stringList(r.categories),
    liked: stringList(r.liked),
  };
}

/** 128 random bits, base36-ish lowercase: reader ids and feed slugs (never derived from an address). */
function randomToken(prefix = ""): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Registers the public reader once; later calls leave the row as it is (but mark it public). */
export async function ensureReader(db: D1Database, id: string, name: string, now: Date): Promise<void> {
  await db
    .prepare(
      `INSERT INTO readers (id, name, created_at, kind, status) VALUES (?, ?, ?, 'public', 'active')
       ON CONFLICT (id) DO UPDATE SET kind = 'public'`,
    )
    .bind(id, name, now.toISOString())
    .run();
}

/** One reader by id, or null. */
export async function getReader(db: D1Database, id: string): Promise<ReaderRow | null> {
  const row = await db.prepare("SELECT * FROM readers WHERE id = ?").bind(id).first<RawReader>();
  return row ? toReader(row) : null;
}

/** The reader whose private pages live under `slug`, or null. */
export async function readerBySlug(db: D1Database, slug: string): Promise<ReaderRow | null> {
  const row = await db.prepare("SELECT * FROM readers WHERE feed_slug = ?").bind(slug).first<RawReader>();
  return row ? toReader(row) : null;
}

/**
 * A new subscriber reader: a random id and feed slug. `pendingProfile` set means it waits for the
 * double opt-in (status 'pending'); without it the reader is active at once (Telegram).
 */
export async function createReader(
  db: D1Database,
  opts: { name: string; now: Date; pendingProfile?: string; categories?: string[]; pending?: boolean },
): Promise<ReaderRow> {
  const id = randomToken("r");
  const pending = opts.pending === true || opts.pendingProfile !== undefined;
  const row = await db
    .prepare(
      `INSERT INTO readers (id, name, created_at, active, status, kind, pending_profile, feed_slug, categories)
       VALUES (?, ?, ?, ?, ?, 'subscriber', ?, ?, ?) RETURNING *`,
    )
    .bind(
      id,
      opts.name,
      opts.now.toISOString(),
      pending ? 0 : 1,
      pending ? "pending" : "active",
      opts.pendingProfile ?? null,
      randomToken(),
      JSON.stringify(opts.categories ?? []),
    )
    .first<RawReader>();
  if (!row) throw new Error("reader insert returned no row");
  return toReader(row);
}

/**
 * Keeps a sign-up's profile until its confirmation (the same address signed up again, or a reader
 * who had unsubscribed signs up anew): it replaces the profile when the link is clicked.
 */
export async function setPendingProfile(db: D1Database, id: string, profile: string): Promise<void> {
  await db.prepare("UPDATE readers SET pending_profile = ? WHERE id = ?").bind(profile, id).run();
}

/** A confirmed sign-up: a pending reader becomes active, and the pending profile is dropped. */
export async function activateReader(db: D1Database, id: string): Promise<void> {
  await db
    .prepare(
      `UPDATE readers SET status = CASE WHEN status = 'pending' THEN 'active' ELSE status END,
         active = CASE WHEN status = 'paused' THEN 0 ELSE 1 END, pending_profile = NULL WHERE id = ?`,
    )
    .bind(id)
    .run();
}

/** Pauses (no issue built or sent) or resumes a reader. */
export async function setPaused(db: D1Database, id: string, paused: boolean): Promise<void> {
  await db
    .prepare(
      "UPDATE readers SET status = ?, active = ? WHERE id = ? AND status IN ('active', 'paused') AND kind = 'subscriber'",
    )
    .bind(paused ? "paused" : "active", paused ? 0 : 1, id)
    .run();
}

/** Mirrors the profile facts the morning's gathering unions over readers. */
export async function setGatherHints(
  db: D1Database,
  id: string,
  hints: { categories?: string[]; liked?: string[] },
): Promise<void> {
  if (hints.categories)
    await db
      .prepare("UPDATE readers SET categories = ? WHERE id = ?")
      .bind(JSON.stringify(hints.categories), id)
      .run();
  if (hints.liked)
    await db
      .prepare("UPDATE readers SET liked = ? WHERE id = ?")
      .bind(JSON.stringify(hints.liked.slice(-200)), id)
      .run();
}

/** Every reader that gets an issue this morning (active), in a stable order. */
export async function activeReaders(db: D1Database): Promise<ReaderRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM readers WHERE status = 'active' ORDER BY id")
    .all<RawReader>();
  return results.map(toReader);
}

/** The ids of every active reader (for the sweeper: who should have an issue today). */
export async function activeReaderIds(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT id FROM readers WHERE status = 'active' ORDER BY id")
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** The subscriber reader an address on a channel belongs to (any status but ended; newest first), or null. */
async function readerOfAddress(db: D1Database, channel: Channel, address: string): Promise<ReaderRow | null> {
  const row = await db
    .prepare(
      `SELECT r.* FROM readers r JOIN subscriptions s ON s.reader_id = r.id
       WHERE s.channel = ? AND s.address = ? AND r.kind = 'subscriber'
       ORDER BY s.created_at DESC LIMIT 1`,
    )
    .bind(channel, address)
    .first<RawReader>();
  return row ? toReader(row) : null;
}

/** The reader a Telegram chat is subscribed as, or null. */
export function readerOfChat(db: D1Database, chatId: string): Promise<ReaderRow | null> {
  return readerOfAddress(db, "telegram", chatId);
}

/** The subscriber reader an email address belongs to, or null. */
export function readerOfEmail(db: D1Database, email: string): Promise<ReaderRow | null> {
  return readerOfAddress(db, "email", email);
}

/**
 * Deletes every D1 row of a subscriber reader: deliveries (ledger), issue items, issues,
 * subscriptions and the reader row, in one batch. The public reader is never deleted this way.
 */
export async function deleteReaderRows(db: D1Database, id: string): Promise<void> {
  const reader = await getReader(db, id);
  if (reader?.kind !== "subscriber") return;
  await db.batch([
    db.prepare("DELETE FROM deliveries WHERE reader_id = ?").bind(id),
    db.prepare("DELETE FROM issue_items WHERE reader_id = ?").bind(id),
    db.prepare("DELETE FROM issues WHERE reader_id = ?").bind(id),
    db.prepare("DELETE FROM subscriptions WHERE reader_id = ?").bind(id),
    db.prepare("DELETE FROM readers WHERE id = ?").bind(id),
  ]);
}

/** Every D1 row of a reader, for its data export. */
export async function readerRows(
  db: D1Database,
  id: string,
): Promise<{ reader: ReaderRow | null; subscriptions: unknown[]; issues: unknown[]; deliveries: unknown[] }> {
  const [reader, subs, issues, deliveries] = await Promise.all([
    getReader(db, id),
    db
      .prepare(
        "SELECT id, channel, address, status, created_at, confirmed_at FROM subscriptions WHERE reader_id = ?",
      )
      .bind(id)
      .all(),
    db.prepare("SELECT date, title, summary FROM issues WHERE reader_id = ? ORDER BY date").bind(id).all(),
    db
      .prepare(
        "SELECT issue_date, subscription_id, channel, status, sent_at FROM deliveries WHERE reader_id = ? ORDER BY issue_date",
      )
      .bind(id)
      .all(),
  ]);
  return { reader, subscriptions: subs.results, issues: issues.results, deliveries: deliveries.results };
}

/**
 * Deletes the sign-ups never confirmed whose every confirmation link has expired: pending readers
 * created before `before` whose subscriptions are all pending and were last (re)sent before it (a
 * second sign-up sends a fresh link and keeps the reader). Their subscriptions go with them; no
 * Durable Object was written (that happens on confirmation). Returns how many readers went.
 */
export async function deleteExpiredSignups(db: D1Database, before: Date): Promise<number> {
  const cutoff = before.toISOString();
  const expired = `SELECT r.id FROM readers r
    WHERE r.status = 'pending' AND r.kind = 'subscriber' AND r.created_at < ?
      AND NOT EXISTS (SELECT 1 FROM subscriptions s
        WHERE s.reader_id = r.id AND (s.status <> 'pending' OR s.updated_at >= ?))`;
  // One transaction: the subscriptions first (they reference the reader), then the readers.
  const [, readers] = await db.batch([
    db.prepare(`DELETE FROM subscriptions WHERE reader_id IN (${expired})`).bind(cutoff, cutoff),
    db.prepare(`DELETE FROM readers WHERE id IN (${expired})`).bind(cutoff, cutoff),
  ]);
  return readers?.meta.changes ?? 0;
}
