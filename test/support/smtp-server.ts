/**
 * Vitest globalSetup of the `sockets` project: a real SMTP server (Debian's python3-aiosmtpd, with the
 * `smtp_sink.py` handler beside this file) that writes every message it accepts to a directory, and a
 * tiny HTTP "mailbox" that lets tests in workerd (which cannot read the host's files) list them.
 *
 * Tests get `inject("smtp")`: { port, mailboxUrl, dir }. The SMTP port is 2525 (wrangler.toml's
 * SMTP_PORT) when free, else a free one; tests pass the port to the Worker's env either way.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { connect, createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

export interface SmtpSink {
  port: number;
  mailboxUrl: string;
  dir: string;
}

/** One message as the mailbox serves it. */
export interface ReceivedMail {
  id: string;
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

const here = import.meta.dirname;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createTcpServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createTcpServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The first Python that can import aiosmtpd (pyenv shims often hide Debian's packages). */
function findPython(): string {
  const candidates = [process.env.SMTP_PYTHON, "/usr/bin/python3", "python3"].filter((p): p is string => !!p);
  for (const py of candidates) {
    const probe = spawnSync(py, ["-c", "import aiosmtpd"], { stdio: "ignore" });
    if (probe.status === 0) return py;
  }
  throw new Error("no python3 with aiosmtpd found: apt-get install python3-aiosmtpd (or set SMTP_PYTHON)");
}

/** Resolves once the server answers with its 220 greeting. */
async function waitForGreeting(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`aiosmtpd exited with ${child.exitCode}`);
    const greeted = await new Promise<boolean>((resolve) => {
      const sock = connect(port, "127.0.0.1");
      sock.setTimeout(1000);
      sock.once("data", (d) => {
        sock.end("QUIT\r\n");
        resolve(d.toString().startsWith("220"));
      });
      sock.once("error", () => resolve(false));
      sock.once("timeout", () => {
        sock.destroy();
        resolve(false);
      });
    });
    if (greeted) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`aiosmtpd did not greet on port ${port} within ${timeoutMs} ms`);
}

async function readMailbox(dir: string): Promise<ReceivedMail[]> {
  const index = await readFile(path.join(dir, "messages.jsonl"), "utf8").catch(() => "");
  const out: ReceivedMail[] = [];
  for (const line of index.split("\n")) {
    if (!line.trim()) continue;
    const entry = JSON.parse(line) as Omit<ReceivedMail, "raw"> & { eml: string };
    out.push({
      id: entry.id,
      mail_from: entry.mail_from,
      rcpt_tos: entry.rcpt_tos,
      received_at: entry.received_at,
      raw: await readFile(entry.eml, "utf8"),
    });
  }
  return out;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(tmpdir(), "daily-feed-smtp-"));
  const port = (await portFree(2525)) ? 2525 : await freePort();
  const child = spawn(
    findPython(),
    ["-m", "aiosmtpd", "-n", "-l", `127.0.0.1:${port}`, "-c", "smtp_sink.DirectorySink", dir],
    { env: { ...process.env, PYTHONPATH: here, PYTHONUNBUFFERED: "1" }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  try {
    await waitForGreeting(port, child);
  } catch (err) {
    child.kill();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${stderr}`);
  }

  // GET /messages → every received message as JSON (optionally ?to=<address>).
  const mailbox: Server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET" || url.pathname !== "/messages") {
      res.writeHead(404).end();
      return;
    }
    readMailbox(dir)
      .then((all) => {
        const to = url.searchParams.get("to");
        const list = to ? all.filter((m) => m.rcpt_tos.includes(to)) : all;
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(list));
      })
      .catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  const mailboxPort = await new Promise<number>((resolve) => {
    mailbox.listen(0, "127.0.0.1", () => {
      const addr = mailbox.address();
      resolve(typeof addr === "object" && addr ? addr.port : 0);
    });
  });

  project.provide("smtp", { port, mailboxUrl: `http://127.0.0.1:${mailboxPort}`, dir });

  return async () => {
    child.kill("SIGTERM");
    await new Promise<void>((resolve) => mailbox.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  };
}
