/**
 * ReaderState: one Durable Object per reader (keyed by reader id), SQLite-backed, typed RPC only.
 * It holds the profile, every feedback event, the standing rules drawn from feedback, and the seen
 * set (every identity key of every item ever sent), and builds the reader model the scorer uses.
 */
import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { DEMO_READER_ID, demoFeedback, demoProfile, demoRules, demoSeen } from "../src/demo-profile";
import { canonicalId } from "../src/identity";
import { Feedback, FeedbackChannel, Rule } from "../src/issue";
import { ReaderProfile, type ReaderProfileInput } from "../src/profile";
import { rulesFromFeedback, sameRule, supersedes } from "../src/rules";
import { type RatedFeedback, type ReaderModel, readerModelFromProfile } from "../src/scoring/index";

/** Bumped with every change to `MIGRATIONS`; stored in `meta` so each step runs once. */
export const SCHEMA_VERSION = 2;

const MIGRATIONS: readonly (readonly string[])[] = [
  // v1
  [
    `CREATE TABLE IF NOT EXISTS profile (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       json TEXT NOT NULL,
       updated_at TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS feedback (
       id TEXT PRIMARY KEY,
       at TEXT NOT NULL,
       issue_date TEXT,
       item_id TEXT,
       kind TEXT NOT NULL CHECK (kind IN ('rating', 'text')),
       rating TEXT CHECK (rating IN ('up', 'down')),
       text TEXT,
       channel TEXT NOT NULL,
       item_title TEXT,
       item_summary TEXT)`,
    "CREATE INDEX IF NOT EXISTS feedback_at ON feedback (at)",
    `CREATE TABLE IF NOT EXISTS rules (
       id TEXT PRIMARY KEY,
       text TEXT NOT NULL,
       constrains TEXT NOT NULL,
       params TEXT NOT NULL,
       since TEXT NOT NULL,
       from_feedback TEXT,
       seq INTEGER NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS seen (
       key TEXT PRIMARY KEY,
       item_key TEXT NOT NULL,
       date TEXT NOT NULL,
       title TEXT NOT NULL)`,
  ],
  // v2: the sent item's summary, so that a bare Telegram 👍/👎 (item id only) still teaches the scorer.
  ["ALTER TABLE seen ADD COLUMN summary TEXT"],
];

/** Everything stored for one reader, as `exportState` returns it. */
export interface ReaderExport {
  readerId: string | null;
  schemaVersion: number;
  exportedAt: string;
  profile: ReaderProfile | null;
  feedback: RatedFeedback[];
  rules: Rule[];
  seen: { key: string; itemKey: string; date: string; title: string }[];
}

/** A feedback event as the delivery channels and routes hand it in (validated at this RPC edge). */
export const FeedbackInput = z
  .object({
    issueDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    itemId: z.string().min(1).max(300).optional(),
    rating: z.enum(["up", "down"]).optional(),
    text: z.string().trim().min(1).max(4000).optional(),
    channel: FeedbackChannel,
    item: z.object({ title: z.string().max(500), summary: z.string().max(5000) }).optional(),
  })
  .refine((f) => f.rating !== undefined || f.text !== undefined, "feedback needs a rating or a text")
  .refine((f) => f.rating === undefined || f.itemId !== undefined, "a rating needs the item it rates");
export type FeedbackInput = z.input<typeof FeedbackInput>;

export const SeenEntry = z.object({
  keys: z.array(z.string().min(1)).min(1),
  date: z.string(),
  title: z.string(),
  /** Optional: the item's summary, used when a later rating arrives without the item's text. */
  summary: z.string().max(5000).optional(),
});
export type SeenEntry = z.infer<typeof SeenEntry>;

export const RuleInput = Rule.omit({ id: true, since: true });
export type RuleInput = z.input<typeof RuleInput>;

/**
 * Normalizes an identity key for the seen set with the project's canonical identity
 * (`arxiv:2602.03067v2`, `2602.03067` and the HF page are all `arxiv:2602.03067`), so a new
 * version of a sent paper, or the same work from another source, is still seen.
 */
export function seenKey(key: string): string {
  return canonicalId(key) ?? key.trim();
}

/** FNV-1a, base 36: short stable ids for text feedback (so a resubmitted note is not duplicated). */
function shortHash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0).toString(36);
}

/** Parses RPC input; a failure is an Error whose message says precisely what is wrong (it crosses RPC). */
function parseInput<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new Error(`invalid ${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

type Row = Record<string, SqlStorageValue>;

interface FeedbackRow extends Row {
  id: string;
  at: string;
  issue_date: string | null;
  item_id: string | null;
  kind: string;
  rating: string | null;
  text: string | null;
  channel: string;
  item_title: string | null;
  item_summary: string | null;
}

interface RuleRow extends Row {
  id: string;
  text: string;
  constrains: string;
  params: string;
  since: string;
  from_feedback: string | null;
}

/** SQLite's bound-parameter limit in Durable Objects is 100; stay under it. */
const IN_CHUNK = 90;

export class ReaderState extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.migrate();
      this.seedDemoIfEmpty();
    });
  }

  /** Runs a statement; every interpolated value becomes a bound parameter. */
  private sql<T extends Row>(strings: TemplateStringsArray, ...values: SqlStorageValue[]): T[] {
    return this.ctx.storage.sql.exec<T>(strings.join("?"), ...values).toArray();
  }

  private migrate(): void {
    const storage = this.ctx.storage;
    storage.transactionSync(() => {
      storage.sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      const row = this.sql<{ value: string }>`SELECT value FROM meta WHERE key = 'schema_version'`[0];
      const current = row ? Number(row.value) : 0;
      for (let v = current; v < SCHEMA_VERSION; v++) {
        for (const statement of MIGRATIONS[v] ?? []) storage.sql.exec(statement);
      }
      if (current !== SCHEMA_VERSION) {
        this
          .sql`INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ${String(SCHEMA_VERSION)})`;
      }
    });
  }

  private meta(key: string): string | undefined {
    return this.sql<{ value: string }>`SELECT value FROM meta WHERE key = ${key}`[0]?.value;
  }

  private setMeta(key: string, value: string): void {
    this.sql`INSERT OR REPLACE INTO meta (key, value) VALUES (${key}, ${value})`;
  }

  /** The demo reader seeds itself from the example issues once; a deleted demo stays deleted. */
  private seedDemoIfEmpty(): void {
    if (this.ctx.id.name !== DEMO_READER_ID || this.meta("seeded") !== undefined) return;
    if (this.readProfile() !== null) return;
    this.ctx.storage.transactionSync(() => {
      this.writeProfile(demoProfile);
      let seq = 0;
      for (const r of demoRules) this.insertRule(r, seq++);
      for (const f of demoFeedback) this.insertFeedback(f);
      this.insertSeen(demoSeen);
      this.setMeta("seeded", "demo");
    });
  }

  private readProfile(): ReaderProfile | null {
    const row = this.sql<{ json: string }>`SELECT json FROM profile WHERE id = 1`[0];
    return row ? ReaderProfile.parse(JSON.parse(row.json)) : null;
  }

  private writeProfile(p: ReaderProfile): void {
    this
      .sql`INSERT OR REPLACE INTO profile (id, json, updated_at) VALUES (1, ${JSON.stringify(p)}, ${new Date().toISOString()})`;
  }

  private insertRule(r: Rule, seq: number): void {
    this.sql`INSERT OR REPLACE INTO rules (id, text, constrains, params, since, from_feedback, seq)
      VALUES (${r.id}, ${r.text}, ${r.constrains}, ${JSON.stringify(r.params)}, ${r.since}, ${r.fromFeedback ?? null}, ${seq})`;
  }

  private insertFeedback(f: RatedFeedback): void {
    this
      .sql`INSERT OR REPLACE INTO feedback (id, at, issue_date, item_id, kind, rating, text, channel, item_title, item_summary)
      VALUES (${f.id}, ${f.at}, ${f.issueDate ?? null}, ${f.itemId ?? null}, ${f.kind}, ${f.rating ?? null},
              ${f.text ?? null}, ${f.channel}, ${f.item?.title ?? null}, ${f.item?.summary ?? null})`;
  }

  private insertSeen(entries: readonly SeenEntry[]): void {
    for (const e of entries) {
      const keys = [...new Set(e.keys.map(seenKey))];
      const itemKey = keys[0];
      if (!itemKey) continue;
      for (const key of keys) {
        this.sql`INSERT OR IGNORE INTO seen (key, item_key, date, title, summary)
          VALUES (${key}, ${itemKey}, ${e.date}, ${e.title}, ${e.summary ?? null})`;
      }
    }
  }

  private readRules(): Rule[] {
    return this
      .sql<RuleRow>`SELECT id, text, constrains, params, since, from_feedback FROM rules ORDER BY since, seq`.map(
      (r) =>
        Rule.parse({
          id: r.id,
          text: r.text,
          constrains: r.constrains,
          params: JSON.parse(r.params),
          since: r.since,
          ...(r.from_feedback ? { fromFeedback: r.from_feedback } : {}),
        }),
    );
  }

  private readFeedback(sinceDate?: string): RatedFeedback[] {
    const rows =
      sinceDate === undefined
        ? this.sql<FeedbackRow>`SELECT * FROM feedback ORDER BY at, id`
        : this
            .sql<FeedbackRow>`SELECT * FROM feedback WHERE coalesce(issue_date, substr(at, 1, 10)) >= ${sinceDate} ORDER BY at, id`;
    const readerId = this.ctx.id.name ?? this.readProfile()?.id ?? "";
    return rows.map((r) => {
      const f: RatedFeedback = Feedback.parse({
        id: r.id,
        readerId,
        at: r.at,
        kind: r.kind,
        channel: r.channel,
        ...(r.issue_date ? { issueDate: r.issue_date } : {}),
        ...(r.item_id ? { itemId: r.item_id } : {}),
        ...(r.rating ? { rating: r.rating } : {}),
        ...(r.text ? { text: r.text } : {}),
      });
      if (r.item_title !== null) f.item = { title: r.item_title, summary: r.item_summary ?? "" };
      return f;
    });
  }

  private nextRuleSeq(): number {
    const row = this.sql<{ seq: number | null }>`SELECT max(seq) AS seq FROM rules`[0];
    return (row?.seq ?? -1) + 1;
  }

  // ── RPC ────────────────────────────────────────────────────────────────────────────────────

  /** The reader's profile, or null when none was set. */
  async getProfile(): Promise<ReaderProfile | null> {
    return this.readProfile();
  }

  /** Validates and stores the profile (replacing any earlier one). */
  async setProfile(p: ReaderProfileInput): Promise<ReaderProfile> {
    const profile = parseInput(ReaderProfile, p, "profile");
    this.writeProfile(profile);
    return profile;
  }

  /** Profile, rules and rated items folded into what the scorer needs. Throws when no profile is set. */
  async readerModel(): Promise<ReaderModel> {
    const profile = this.readProfile();
    if (!profile) throw new Error(`reader ${this.ctx.id.name ?? "(unnamed)"} has no profile`);
    return readerModelFromProfile(profile, this.readRules(), this.readFeedback());
  }

  /** Per candidate (its identity keys: id and aliases), true when none of its keys was ever sent. */
  async filterUnseen(keys: string[][]): Promise<boolean[]> {
    const all = [...new Set(keys.flat().map(seenKey))];
    const seen = new Set<string>();
    for (let i = 0; i < all.length; i += IN_CHUNK) {
      const chunk = all.slice(i, i + IN_CHUNK);
      const placeholders = chunk.map(() => "?").join(",");
      for (const row of this.ctx.storage.sql
        .exec<{ key: string }>(`SELECT key FROM seen WHERE key IN (${placeholders})`, ...chunk)
        .toArray()) {
        seen.add(row.key);
      }
    }
    return keys.map((ks) => !ks.some((k) => seen.has(seenKey(k))));
  }

  /** Adds sent items to the seen set (every key of each); idempotent. */
  async markSeen(
    entries: { keys: string[]; date: string; title: string; summary?: string }[],
  ): Promise<void> {
    const parsed = parseInput(z.array(SeenEntry), entries, "seen entries");
    this.ctx.storage.transactionSync(() => this.insertSeen(parsed));
  }

  /**
   * Records a rating or a free-text note. A rating is one per (issue, item, channel): a second
   * click updates it. A note may state standing rules; new ones are stored and returned (a newer
   * rule on a single-valued constraint, such as the number of videos, replaces the older one).
   */
  async recordFeedback(input: FeedbackInput): Promise<{ feedback: Feedback; newRules: Rule[] }> {
    const f = parseInput(FeedbackInput, input, "feedback");
    const now = new Date();
    const at = now.toISOString();
    const readerId = this.ctx.id.name ?? this.readProfile()?.id ?? "";
    const newRules: Rule[] = [];
    let feedback: RatedFeedback;
    if (f.rating !== undefined && f.itemId !== undefined) {
      // The item's text lets the scorer learn from the rating; fall back to what it was sent with.
      const sent = this.sql<{ title: string; summary: string | null }>`
        SELECT title, summary FROM seen WHERE key = ${seenKey(f.itemId)}`[0];
      const item = f.item ?? (sent ? { title: sent.title, summary: sent.summary ?? "" } : undefined);
      feedback = {
        id: `rating:${f.issueDate ?? "-"}:${f.itemId}:${f.channel}`,
        readerId,
        at,
        ...(f.issueDate ? { issueDate: f.issueDate } : {}),
        itemId: f.itemId,
        kind: "rating",
        rating: f.rating,
        channel: f.channel,
        ...(f.text ? { text: f.text } : {}),
        ...(item ? { item } : {}),
      };
      this.insertFeedback(feedback);
    } else {
      const text = f.text ?? "";
      feedback = {
        id: `text:${f.issueDate ?? at.slice(0, 10)}:${f.channel}:${shortHash(text)}`,
        readerId,
        at,
        ...(f.issueDate ? { issueDate: f.issueDate } : {}),
        ...(f.itemId ? { itemId: f.itemId } : {}),
        kind: "text",
        text,
        channel: f.channel,
      };
      const existing = this.readRules();
      this.ctx.storage.transactionSync(() => {
        this.insertFeedback(feedback);
        let seq = this.nextRuleSeq();
        for (const rule of rulesFromFeedback(text, now, feedback.id)) {
          if (existing.some((r) => sameRule(r, rule))) continue;
          for (const old of existing.filter((r) => supersedes(rule, r)))
            this.sql`DELETE FROM rules WHERE id = ${old.id}`;
          this.insertRule(rule, seq++);
          newRules.push(rule);
        }
      });
    }
    const { item: _item, ...plain } = feedback;
    return { feedback: Feedback.parse(plain), newRules };
  }

  /** Feedback events, oldest first; with `sinceDate`, those about issues from that date on. */
  async listFeedback(sinceDate?: string): Promise<Feedback[]> {
    return this.readFeedback(sinceDate).map(({ item: _item, ...f }) => f);
  }

  /** The standing rules, oldest first. */
  async listRules(): Promise<Rule[]> {
    return this.readRules();
  }

  /** Adds a standing rule directly, not drawn from feedback (tests seed rules this way); dated today. */
  async addRule(r: RuleInput): Promise<Rule> {
    const parsed = parseInput(RuleInput, r, "rule");
    const rule: Rule = {
      ...parsed,
      id: `rule-${crypto.randomUUID().slice(0, 8)}`,
      since: new Date().toISOString().slice(0, 10),
    };
    this.insertRule(rule, this.nextRuleSeq());
    return rule;
  }

  /** Removes a standing rule (the reader's "remove" button); false when there was none. */
  async removeRule(id: string): Promise<boolean> {
    const before = this.sql<{ n: number }>`SELECT count(*) AS n FROM rules WHERE id = ${id}`[0]?.n ?? 0;
    if (before === 0) return false;
    this.sql`DELETE FROM rules WHERE id = ${id}`;
    return true;
  }

  /** Canonical ids of the papers this reader rated 👍, oldest first (Semantic Scholar recommendations). */
  async likedIds(): Promise<string[]> {
    const rows = this.sql<{ item_id: string }>`
      SELECT item_id FROM feedback WHERE kind = 'rating' AND rating = 'up' AND item_id IS NOT NULL ORDER BY at`;
    return [...new Set(rows.map((r) => canonicalId(r.item_id) ?? r.item_id))];
  }

  /**
   * The Telegram conversation's pending question ("interests": the next message is the reader's
   * interests), or null. Kept here so each chat's state lives with its reader.
   */
  async getConversation(): Promise<string | null> {
    return this.meta("conversation") ?? null;
  }

  async setConversation(state: string | null): Promise<void> {
    if (state === null) this.sql`DELETE FROM meta WHERE key = 'conversation'`;
    else this.setMeta("conversation", state);
  }

  /** Everything stored for this reader, as JSON (the export of the reader's page, `/me/:token/export`). */
  async exportState(): Promise<ReaderExport> {
    return {
      readerId: this.ctx.id.name ?? this.readProfile()?.id ?? null,
      schemaVersion: SCHEMA_VERSION,
      exportedAt: new Date().toISOString(),
      profile: this.readProfile(),
      feedback: this.readFeedback(),
      rules: this.readRules(),
      seen: this.sql<{ key: string; item_key: string; date: string; title: string }>`
        SELECT key, item_key, date, title FROM seen ORDER BY date, item_key, key`.map((r) => ({
        key: r.key,
        itemKey: r.item_key,
        date: r.date,
        title: r.title,
      })),
    };
  }

  /**
   * Deletes everything stored for this reader: what a reader's deletion request needs (no route
   * serves one yet). The empty schema is recreated with a marker that keeps the demo reader from
   * re-seeding itself.
   */
  async deleteState(): Promise<void> {
    await this.ctx.storage.deleteAll();
    this.migrate();
    this.setMeta("seeded", "deleted");
  }
}

/** The typed stub of a reader's Durable Object, whether or not the generated `Env` types the namespace. */
export function readerStateStub(
  ns: DurableObjectNamespace<ReaderState> | DurableObjectNamespace,
  readerId: string,
): DurableObjectStub<ReaderState> {
  return (ns as DurableObjectNamespace<ReaderState>).getByName(readerId);
}
