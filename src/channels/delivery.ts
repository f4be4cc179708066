/**
 * Delivering one issue to one recipient, exactly once as far as a sender can promise it.
 *
 * Semantics: at-least-once, with the duplicate window shrunk to the instant between the provider
 * accepting a message and the ledger recording it.
 * - Before sending, a sender claims the recipient's ledger row: an atomic UPDATE that only succeeds
 *   while the row is pending and not leased by someone else, and that takes a lease. Two consumers
 *   (a rerun, a redelivered queue message) can never both hold it at once.
 * - After sending it marks the row sent. A crash between claim and send leaves a pending row whose
 *   lease expires; the queue redelivers the message (or a rerun re-enqueues pending rows) and the
 *   row is claimed again, so no one is skipped.
 * - A crash after the provider accepted but before the mark is the one case that resends. We accept
 *   that rather than at-most-once: a silently missing issue is permanent and invisible, a rare
 *   duplicate is visible and harmless. Email copies carry the same Message-ID (derived from the
 *   ledger key), so most clients show them once; a Telegram issue records each message it sent
 *   (`partsSent`) and resumes after the last one.
 */
import { z } from "zod";
import { type Issue, IssueDate } from "../issue";
import { Channel } from "../profile";
import { type RenderedEmail, renderEmail } from "../render/email";
import { renderTelegram } from "../render/telegram";
import { deliveryMessageId, listUnsubscribeHeaders, type MailTransport, PermanentMailError } from "./mail";
import {
  sendTelegramIssue,
  TelegramBadRequestError,
  TelegramBlockedError,
  type TelegramClient,
  type TelegramMessage,
  TelegramRateLimitError,
} from "./telegram";

/** The queue message: deliver `date`'s issue of `readerId` to one subscription. */
export const DeliveryMessage = z.object({
  type: z.literal("deliver"),
  readerId: z.string().min(1),
  date: IssueDate,
  subscriptionId: z.string().min(1),
  channel: Channel,
});
export type DeliveryMessage = z.infer<typeof DeliveryMessage>;

/** The ledger key: one row per (issue, recipient, channel). */
export interface DeliveryKey {
  readerId: string;
  date: string;
  subscriptionId: string;
  channel: Channel;
}

export type DeliveryStatus = "pending" | "sent" | "failed" | "skipped";

export interface ClaimedDelivery {
  /** Claims so far, this one included. */
  attempts: number;
  /** Messages of a multi-part (Telegram) issue already sent by an earlier attempt. */
  partsSent: number;
}

/** Why a claim did not succeed. */
export type ClaimRefusal =
  | { reason: "done"; status: Exclude<DeliveryStatus, "pending"> }
  | { reason: "leased"; leaseUntil: Date }
  | { reason: "missing" };

/** The delivery ledger (D1 in the Worker: `d1/ledger.ts`). */
export interface DeliveryLedger {
  /** Atomically takes the row for `leaseSeconds` if it is pending and not leased by someone else. */
  claim(key: DeliveryKey, now: Date, leaseSeconds: number): Promise<ClaimedDelivery | ClaimRefusal>;
  /** Creates the row if it is missing (a message enqueued without one); never changes an existing row. */
  ensure(key: DeliveryKey, now: Date): Promise<void>;
  recordPart(key: DeliveryKey, partsSent: number, now: Date): Promise<void>;
  markSent(key: DeliveryKey, providerId: string, now: Date): Promise<void>;
  /** A transient failure: the lease is dropped, the row stays pending for the next attempt. */
  release(key: DeliveryKey, error: string, now: Date): Promise<void>;
  markFailed(key: DeliveryKey, error: string, now: Date): Promise<void>;
  markSkipped(key: DeliveryKey, reason: string, now: Date): Promise<void>;
}

export interface Recipient {
  id: string;
  channel: Channel;
  address: string;
  status: "pending" | "active" | "unsubscribed" | "blocked";
}

/** Subscriptions as delivery sees them (D1 in the Worker: `d1/subscriptions.ts`). */
export interface RecipientDirectory {
  get(subscriptionId: string): Promise<Recipient | null>;
  /** The recipient cannot be reached any more (Telegram 403): stop sending to it. */
  block(subscriptionId: string, reason: string, now: Date): Promise<void>;
}

export interface DeliveryLinks {
  unsubscribe(subscriptionId: string): Promise<string>;
  feedback(readerId: string, date: string, itemId: string, vote: "up" | "down"): Promise<string>;
  /** The free-text feedback form of one issue, if the site has one. */
  note?(readerId: string, date: string): Promise<string>;
  /**
   * The reader's own links: its page (`/me/…`), the issue's private web page, and whether its
   * issues carry feedback links at all (the public reader's do not: only the editor steers it).
   */
  reader?(readerId: string, date: string): Promise<ReaderLinks>;
}

export interface ReaderLinks {
  meUrl?: string;
  webUrl?: string;
  votes: boolean;
}

export interface DeliveryDeps {
  ledger: DeliveryLedger;
  recipients: RecipientDirectory;
  loadIssue(readerId: string, date: string): Promise<Issue | null>;
  mail: MailTransport;
  mailFrom: string;
  /** Absent when no bot token is configured: Telegram rows then wait (retry) instead of failing. */
  telegram?: TelegramClient;
  links: DeliveryLinks;
  siteUrl: string;
  now: () => Date;
  /** How long a claim holds a row; longer than one send can take. */
  leaseSeconds?: number;
  /** Claims after which a row is marked failed instead of tried again. */
  maxAttempts?: number;
  log?: (entry: Record<string, unknown>) => void;
}

/** What happened to one message; the queue handler acks or retries from it. */
export type DeliveryOutcome =
  | { kind: "sent"; providerId: string }
  | { kind: "done"; status: DeliveryStatus }
  | { kind: "failed"; error: string }
  | { kind: "skipped"; reason: string }
  | { kind: "retry"; delaySeconds: number; error: string };

/**
 * A queue consumer invocation cannot run longer than 15 minutes of wall time, so a lease of that
 * length is never taken over while its holder is still sending (Telegram 429 waits included):
 * only a dead sender's rows are claimed again.
 */
const DEFAULT_LEASE_SECONDS = 15 * 60;
const DEFAULT_MAX_ATTEMPTS = 5;

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * Rendering an email is most of a send's CPU; only the unsubscribe link differs between recipients,
 * so the issue is rendered once with this placeholder and each copy gets its link by replacement.
 * Signed links are base64url and dots, which HTML escaping leaves alone, so one replacement fits
 * both parts.
 */
const UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.invalid/__recipient__";

function personalize(email: RenderedEmail, unsubscribeUrl: string): RenderedEmail {
  return {
    subject: email.subject,
    html: email.html.replaceAll(UNSUBSCRIBE_PLACEHOLDER, unsubscribeUrl),
    text: email.text.replaceAll(UNSUBSCRIBE_PLACEHOLDER, unsubscribeUrl),
  };
}

/** Renders shared per issue, not per recipient: the email, the Telegram messages, the links. */
class IssueCache {
  private readonly issues = new Map<string, Promise<Issue | null>>();
  private readonly feedback = new Map<string, Promise<Map<string, { up: string; down: string }>>>();
  private readonly telegram = new Map<string, TelegramMessage[]>();
  private readonly notes = new Map<string, Promise<string | undefined>>();
  private readonly emails = new Map<string, Promise<RenderedEmail>>();
  private readonly readers = new Map<string, Promise<ReaderLinks>>();

  constructor(private readonly deps: DeliveryDeps) {}

  issue(readerId: string, date: string): Promise<Issue | null> {
    const key = `${readerId}|${date}`;
    let hit = this.issues.get(key);
    if (!hit) {
      hit = this.deps.loadIssue(readerId, date);
      this.issues.set(key, hit);
    }
    return hit;
  }

  readerLinks(issue: Issue): Promise<ReaderLinks> {
    const key = `${issue.readerId}|${issue.date}`;
    let hit = this.readers.get(key);
    if (!hit) {
      hit = this.deps.links.reader
        ? this.deps.links.reader(issue.readerId, issue.date)
        : Promise.resolve({ votes: true });
      this.readers.set(key, hit);
    }
    return hit;
  }

  feedbackLinks(issue: Issue): Promise<Map<string, { up: string; down: string }>> {
    const key = `${issue.readerId}|${issue.date}`;
    let hit = this.feedback.get(key);
    if (!hit) {
      hit = (async () => {
        if (!(await this.readerLinks(issue)).votes) return new Map();
        const entries = await Promise.all(
          issue.items.map(async (item) => {
            const [up, down] = await Promise.all([
              this.deps.links.feedback(issue.readerId, issue.date, item.candidateId, "up"),
              this.deps.links.feedback(issue.readerId, issue.date, item.candidateId, "down"),
            ]);
            return [item.candidateId, { up, down }] as const;
          }),
        );
        return new Map(entries);
      })();
      this.feedback.set(key, hit);
    }
    return hit;
  }

  noteUrl(issue: Issue): Promise<string | undefined> {
    const key = `${issue.readerId}|${issue.date}`;
    let hit = this.notes.get(key);
    if (!hit) {
      hit = (async () =>
        this.deps.links.note && (await this.readerLinks(issue)).votes
          ? this.deps.links.note(issue.readerId, issue.date)
          : undefined)();
      this.notes.set(key, hit);
    }
    return hit;
  }

  /** The issue's email with a placeholder where each recipient's unsubscribe link goes. */
  email(issue: Issue): Promise<RenderedEmail> {
    const key = `${issue.readerId}|${issue.date}`;
    let hit = this.emails.get(key);
    if (!hit) {
      hit = (async () => {
        const noteUrl = await this.noteUrl(issue);
        const { meUrl, webUrl } = await this.readerLinks(issue);
        return renderEmail(issue, {
          siteUrl: this.deps.siteUrl,
          ...(meUrl ? { meUrl } : {}),
          ...(webUrl ? { webUrl } : {}),
          unsubscribeUrl: UNSUBSCRIBE_PLACEHOLDER,
          feedbackLinks: await this.feedbackLinks(issue),
          ...(noteUrl ? { noteUrl } : {}),
        });
      })();
      this.emails.set(key, hit);
    }
    return hit;
  }

  async telegramMessages(issue: Issue): Promise<TelegramMessage[]> {
    const key = `${issue.readerId}|${issue.date}`;
    let hit = this.telegram.get(key);
    if (!hit) {
      const { meUrl, webUrl } = await this.readerLinks(issue);
      hit = renderTelegram(issue, {
        siteUrl: this.deps.siteUrl,
        ...(meUrl ? { meUrl } : {}),
        ...(webUrl ? { webUrl } : {}),
      });
      this.telegram.set(key, hit);
    }
    return hit;
  }
}

/**
 * Sends the issue to one recipient under a ledger claim. A failed send becomes an outcome (retry,
 * failed); only the ledger itself failing (D1 unreachable) throws.
 */
export async function deliverOne(
  msg: DeliveryMessage,
  deps: DeliveryDeps,
  cache: IssueCache = new IssueCache(deps),
): Promise<DeliveryOutcome> {
  const log = deps.log ?? ((entry) => console.log(JSON.stringify(entry)));
  const key: DeliveryKey = {
    readerId: msg.readerId,
    date: msg.date,
    subscriptionId: msg.subscriptionId,
    channel: msg.channel,
  };
  const leaseSeconds = deps.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  const maxAttempts = deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const now = deps.now();

  let claim = await deps.ledger.claim(key, now, leaseSeconds);
  if ("reason" in claim && claim.reason === "missing") {
    await deps.ledger.ensure(key, now);
    claim = await deps.ledger.claim(key, now, leaseSeconds);
  }
  if ("reason" in claim) {
    if (claim.reason === "done") return { kind: "done", status: claim.status };
    if (claim.reason === "leased") {
      // Someone else holds it; come back when their lease ends and see whether they finished.
      const wait = Math.max(1, Math.ceil((claim.leaseUntil.getTime() - now.getTime()) / 1000));
      return { kind: "retry", delaySeconds: wait, error: "leased by another sender" };
    }
    return { kind: "failed", error: "no ledger row" };
  }

  const recipient = await deps.recipients.get(key.subscriptionId);
  if (recipient?.status !== "active") {
    const reason = recipient ? `subscription ${recipient.status}` : "subscription deleted";
    await deps.ledger.markSkipped(key, reason, now);
    return { kind: "skipped", reason };
  }

  const transient = async (err: unknown, delaySeconds: number): Promise<DeliveryOutcome> => {
    const error = errorText(err);
    if (claim.attempts >= maxAttempts) {
      await deps.ledger.markFailed(key, `gave up after ${claim.attempts} attempts: ${error}`, deps.now());
      log({ delivery: key, failed: error, attempts: claim.attempts });
      return { kind: "failed", error };
    }
    await deps.ledger.release(key, error, deps.now());
    return { kind: "retry", delaySeconds, error };
  };

  try {
    const issue = await cache.issue(key.readerId, key.date);
    if (!issue) return await transient(new Error(`no issue ${key.readerId}/${key.date}`), 60);
    let providerId: string;
    if (key.channel === "email") {
      const unsubscribeUrl = await deps.links.unsubscribe(recipient.id);
      const rendered = personalize(await cache.email(issue), unsubscribeUrl);
      const messageId = await deliveryMessageId(
        `${key.readerId}|${key.date}|${key.subscriptionId}|${key.channel}`,
        deps.mailFrom,
      );
      const sent = await deps.mail.send({
        from: deps.mailFrom,
        to: recipient.address,
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        headers: { ...listUnsubscribeHeaders(unsubscribeUrl, deps.mailFrom), "Message-ID": messageId },
      });
      providerId = sent.id;
    } else {
      if (!deps.telegram) return await transient(new Error("TELEGRAM_BOT_TOKEN is not configured"), 300);
      const messages = await cache.telegramMessages(issue);
      const lastId = await sendTelegramIssue(
        deps.telegram,
        recipient.address,
        messages,
        claim.partsSent,
        (parts) => deps.ledger.recordPart(key, parts, deps.now()),
      );
      providerId = `${recipient.address}:${lastId}`;
    }
    await deps.ledger.markSent(key, providerId, deps.now());
    return { kind: "sent", providerId };
  } catch (err) {
    if (err instanceof TelegramBlockedError) {
      await deps.recipients.block(recipient.id, err.description, deps.now());
      await deps.ledger.markFailed(key, err.description, deps.now());
      log({ delivery: key, blocked: err.description });
      return { kind: "failed", error: err.description };
    }
    if (err instanceof TelegramBadRequestError || err instanceof PermanentMailError) {
      const error = errorText(err);
      await deps.ledger.markFailed(key, error, deps.now());
      log({ delivery: key, failed: error });
      return { kind: "failed", error };
    }
    if (err instanceof TelegramRateLimitError) return transient(err, Math.ceil(err.retryAfter));
    // Back off 30 s, 60 s, 120 s, … between attempts.
    return transient(err, Math.min(3600, 30 * 2 ** (claim.attempts - 1)));
  }
}

/** The part of a queue message delivery touches (a Workers `Message`, or a stand-in in benchmarks). */
export interface DeliveryQueueMessage {
  readonly body: unknown;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

/**
 * Delivers a batch of queue messages, `concurrency` at a time, acking each on success or final
 * failure and retrying it (with a delay) on a transient one. Malformed messages are acked and logged:
 * retrying them would never help.
 */
export async function processDeliveryBatch(
  messages: readonly DeliveryQueueMessage[],
  deps: DeliveryDeps,
  concurrency = 4,
): Promise<DeliveryOutcome[]> {
  const log = deps.log ?? ((entry) => console.log(JSON.stringify(entry)));
  const cache = new IssueCache(deps);
  const outcomes: DeliveryOutcome[] = new Array(messages.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < messages.length; i = next++) {
      const message = messages[i];
      if (!message) continue;
      const parsed = DeliveryMessage.safeParse(message.body);
      if (!parsed.success) {
        log({ delivery: "dropped malformed message", error: z.prettifyError(parsed.error) });
        message.ack();
        outcomes[i] = { kind: "failed", error: "malformed message" };
        continue;
      }
      let outcome: DeliveryOutcome;
      try {
        outcome = await deliverOne(parsed.data, deps, cache);
      } catch (err) {
        // The ledger itself failed (D1 unavailable): the row is unchanged or leased; try again later.
        outcome = { kind: "retry", delaySeconds: 30, error: errorText(err) };
      }
      outcomes[i] = outcome;
      if (outcome.kind === "retry") message.retry({ delaySeconds: outcome.delaySeconds });
      else message.ack();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, messages.length)) }, worker));
  return outcomes;
}
