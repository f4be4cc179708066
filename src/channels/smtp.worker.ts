/**
 * SMTP transport over `cloudflare:sockets` (through the `worker-mailer` package). Workers-only, hence
 * the `.worker.ts` name (the Node type check leaves it out). Implicit TLS on 465 (`secure`), or plain
 * for a local server; STARTTLS is never attempted, it has had trouble in workerd.
 */
import { LogLevel, WorkerMailer } from "worker-mailer";
import { type MailTransport, PermanentMailError, parseAddress } from "./mail";

export interface SmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  user?: string | undefined;
  pass?: string | undefined;
  timeoutMs?: number;
}

/** One connection per message: simple, and a broken session never poisons the next send. */
export function smtpTransport(opts: SmtpOptions): MailTransport {
  return {
    async send(msg) {
      const from = parseAddress(msg.from);
      const messageId =
        msg.headers["Message-ID"] ?? `<${crypto.randomUUID()}@${from.email.split("@")[1] ?? "localhost"}>`;
      try {
        await WorkerMailer.send(
          {
            host: opts.host,
            port: opts.port,
            secure: opts.secure,
            startTls: false,
            ...(opts.user && opts.pass
              ? { credentials: { username: opts.user, password: opts.pass }, authType: ["plain", "login"] }
              : {}),
            logLevel: LogLevel.WARN,
            socketTimeoutMs: opts.timeoutMs ?? 15_000,
            responseTimeoutMs: opts.timeoutMs ?? 15_000,
          },
          {
            from: from.name ? { name: from.name, email: from.email } : from.email,
            to: msg.to,
            subject: msg.subject,
            text: msg.text,
            html: msg.html,
            headers: { ...msg.headers, "Message-ID": messageId },
          },
        );
      } catch (err) {
        const text = err instanceof Error ? err.message : String(err);
        // 5xx on RCPT or MAIL: the server refuses this message for good.
        if (/^Invalid (RCPT TO|MAIL FROM).*\b5\d\d\b/s.test(text)) throw new PermanentMailError(text);
        throw err;
      }
      return { id: messageId };
    },
  };
}
