/**
 * Email transport: one interface, three implementations (Cloudflare `send_email` binding, SMTP over
 * `cloudflare:sockets` in `smtp.worker.ts`, and a capture store for local use). Runtime-agnostic:
 * bindings and stores come in as arguments.
 */

/** One email, multipart: every message carries an HTML and a plain-text part. */
export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers (List-Unsubscribe, Message-ID, …). */
  headers: Record<string, string>;
}

/** Anything that can send a `MailMessage`; `id` is the provider's (or our) message id. */
export interface MailTransport {
  send(msg: MailMessage): Promise<{ id: string }>;
}

/**
 * A send that must not be retried: the address or the message is refused for good (e.g. SMTP 5xx on
 * RCPT). Delivery marks such a row failed instead of retrying it.
 */
export class PermanentMailError extends Error {
  override readonly name = "PermanentMailError";
}

/** A mail kept by the capture transport. */
export interface CapturedMail extends MailMessage {
  id: string;
  createdAt: string;
}

/** Where the capture transport keeps mail (D1 in the Worker, memory in benchmarks). */
export interface CapturedMailStore {
  save(mail: CapturedMail): Promise<void>;
}

/** Keeps every message in `store` instead of sending it (EMAIL_TRANSPORT=capture, `/dev/mail`). */
export function captureTransport(
  store: CapturedMailStore,
  now: () => Date = () => new Date(),
): MailTransport {
  return {
    async send(msg) {
      const id = crypto.randomUUID();
      await store.save({ ...msg, id, createdAt: now().toISOString() });
      return { id };
    },
  };
}

/** The subset of the `send_email` binding (`SendEmail`) this transport uses. */
export interface SendEmailBinding {
  send(message: {
    from: string | { name: string; email: string };
    to: string;
    subject: string;
    html: string;
    text: string;
    headers: Record<string, string>;
  }): Promise<{ messageId: string }>;
}

/**
 * Headers Cloudflare Email Service generates itself and rejects (`E_HEADER_NOT_ALLOWED`) when set,
 * per its header reference; Message-ID is among them, so the deterministic id is SMTP-only.
 */
const PLATFORM_HEADERS = new Set([
  "date",
  "message-id",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
]);

/** Cloudflare Email Service through the `send_email` binding (`env.EMAIL`). */
export function cloudflareTransport(binding: SendEmailBinding): MailTransport {
  return {
    async send(msg) {
      const from = parseAddress(msg.from);
      const headers = Object.fromEntries(
        Object.entries(msg.headers).filter(([name]) => !PLATFORM_HEADERS.has(name.toLowerCase())),
      );
      const { messageId } = await binding.send({
        from: from.name ? { name: from.name, email: from.email } : from.email,
        to: msg.to,
        subject: msg.subject,
        html: msg.html,
        text: msg.text,
        headers,
      });
      return { id: messageId };
    },
  };
}

/** `Name <addr@host>` or `addr@host` → its parts. */
export function parseAddress(address: string): { name?: string; email: string } {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(address);
  if (m?.[2]) return m[1] ? { name: m[1], email: m[2].trim() } : { email: m[2].trim() };
  return { email: address.trim() };
}

/**
 * RFC 8058 one-click unsubscribe headers: an https URL that accepts `POST List-Unsubscribe=One-Click`
 * with no login or confirmation, plus a mailto fallback for clients that only do mail. The mailto's
 * subject carries the same signed token, so the Worker's email handler (`unsubscribeByMail`) can act on
 * it without trusting the sender address.
 */
export function listUnsubscribeHeaders(unsubscribeUrl: string, from: string): Record<string, string> {
  const mailbox = parseAddress(from).email;
  const token = new URL(unsubscribeUrl).pathname.split("/").pop() ?? "";
  return {
    "List-Unsubscribe": `<${unsubscribeUrl}>, <mailto:${mailbox}?subject=${encodeURIComponent(`unsubscribe ${token}`)}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
}

/**
 * A Message-ID derived from the delivery key: if a crash makes delivery send one mail a second time,
 * the copy carries the same Message-ID and most clients show it once (SMTP and capture; Cloudflare
 * Email Service assigns its own).
 */
export async function deliveryMessageId(key: string, from: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
  const hex = [...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const host = parseAddress(from).email.split("@")[1] ?? "daily-feed.invalid";
  return `<${hex}@${host}>`;
}

/** The unsubscribe token in a mailto unsubscribe's subject ("unsubscribe <token>"), if any. */
export function unsubscribeTokenOfSubject(subject: string | null): string | undefined {
  return /\bunsubscribe\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/i.exec(subject ?? "")?.[1];
}
