/**
 * Vitest globalSetup of the `sockets` project: a real SMTP server (npm `smtp-server`, from the Nodemailer
 * project) on two ports, and a tiny HTTP "mailbox" that lets tests in workerd (which cannot reach this
 * process's memory) read what it received.
 *
 * - `port`: plain SMTP without STARTTLS or AUTH, like a local relay (2525, wrangler.toml's SMTP_PORT, when free).
 * - `tlsPort`: implicit TLS (what port 465 speaks) with the throwaway certificate from ./tls.ts, and AUTH
 *   required (`tlsUser` / `tlsPass`), like a real submission server.
 * - `untrustedTlsPort`: the same, with a self-signed certificate nobody trusts, to show that the Worker
 *   verifies the server's certificate rather than accepting any.
 *
 * Both refuse recipients whose local part starts with "reject" with 550, like a server refuses an unknown
 * mailbox. Tests get `inject("smtp")`.
 */
import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer } from "node:net";
import { generate } from "selfsigned";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import type { TestProject } from "vitest/node";
import { readTestTls } from "./tls.ts";

export interface SmtpSink {
  /** Plain SMTP. */
  port: number;
  /** Implicit TLS, AUTH required. */
  tlsPort: number;
  /** Implicit TLS with a certificate that no CA the Worker trusts signed. */
  untrustedTlsPort: number;
  tlsUser: string;
  tlsPass: string;
  mailboxUrl: string;
}

/** One message as the mailbox serves it. */
export interface ReceivedMail {
  id: string;
  /** "plain" or "tls": the port it arrived on. */
  via: "plain" | "tls";
  /** The user that authenticated, if any. */
  user: string | null;
  mail_from: string;
  rcpt_tos: string[];
  received_at: number;
  /** The message exactly as received (RFC 5322 with CRLF line ends). */
  raw: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    smtp: SmtpSink;
  }
}

const TLS_USER = "feed-test";
const TLS_PASS = "throwaway-password";

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createTcpServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** Listens on 127.0.0.1 (port 0: any free one) and resolves with the port. */
function listen(server: TcpServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      const addr = server.address();
      resolve(typeof addr === "object" && addr ? addr.port : 0);
    });
  });
}

function close(server: { close(callback: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** An SMTP server that appends every accepted message to `inbox`. */
function smtpServer(via: ReceivedMail["via"], inbox: ReceivedMail[], options: SMTPServerOptions): SMTPServer {
  let sequence = 0;
  const server = new SMTPServer({
    ...options,
    logger: false,
    banner: `Daily Feed test server (${via})`,
    onRcptTo(address, _session, callback) {
      if (/^reject/i.test(address.address.split("@")[0] ?? "")) {
        callback(Object.assign(new Error("5.1.1 mailbox unavailable"), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", callback);
      stream.on("end", () => {
        const from = session.envelope.mailFrom;
        inbox.push({
          id: `${via}-${++sequence}`,
          via,
          user: typeof session.user === "string" ? session.user : null,
          mail_from: from ? from.address : "",
          rcpt_tos: session.envelope.rcptTo.map((r) => r.address),
          received_at: Date.now() / 1000,
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  // A client that drops the connection is no reason to fail the run; the tests see missing mail instead.
  server.on("error", () => {});
  return server;
}

/** Implicit TLS with `key`/`cert`, and AUTH PLAIN or LOGIN with the one test account. */
function tlsOptions(key: string, cert: string): SMTPServerOptions {
  return {
    secure: true,
    key,
    cert,
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, callback) {
      if (auth.username === TLS_USER && auth.password === TLS_PASS) {
        callback(null, { user: auth.username });
        return;
      }
      callback(Object.assign(new Error("5.7.8 authentication failed"), { responseCode: 535 }));
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const inbox: ReceivedMail[] = [];
  const tls = readTestTls();
  const stranger = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });

  const plain = smtpServer("plain", inbox, { disabledCommands: ["AUTH", "STARTTLS"], hideSTARTTLS: true });
  const secure = smtpServer("tls", inbox, tlsOptions(tls.key, tls.cert));
  const untrusted = smtpServer("tls", inbox, tlsOptions(stranger.private, stranger.cert));
  // An SMTPServer listens through the net.Server it wraps (and re-emits that server's errors).
  const port = await listen(plain.server, (await portFree(2525)) ? 2525 : 0);
  const tlsPort = await listen(secure.server, 0);
  const untrustedTlsPort = await listen(untrusted.server, 0);

  // GET /messages → every received message as JSON (optionally ?to=<address>).
  const mailbox = createHttpServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET" || url.pathname !== "/messages") {
      res.writeHead(404).end();
      return;
    }
    const to = url.searchParams.get("to");
    const list = to ? inbox.filter((m) => m.rcpt_tos.includes(to)) : inbox;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(list));
  });
  const mailboxPort = await listen(mailbox, 0);

  project.provide("smtp", {
    port,
    tlsPort,
    untrustedTlsPort,
    tlsUser: TLS_USER,
    tlsPass: TLS_PASS,
    mailboxUrl: `http://127.0.0.1:${mailboxPort}`,
  });

  return async () => {
    await Promise.all([close(plain), close(secure), close(untrusted), close(mailbox)]);
  };
}
