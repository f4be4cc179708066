/**
 * A throwaway certificate authority and a server certificate for 127.0.0.1, made fresh for each test run, so
 * that the SMTP server can speak implicit TLS and the Worker under test (workerd) can verify it like a real one.
 *
 * workerd trusts the CA because miniflare adds the certificates in the file named by NODE_EXTRA_CA_CERTS to
 * its outbound TLS trust store. Miniflare reads that variable once, when its module loads, so vitest.config.ts
 * calls `throwawayTls()` before it imports @cloudflare/vitest-plugin (which imports miniflare).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generate } from "selfsigned";

/** Where the throwaway TLS material lies; the SMTP globalSetup reads it back from here. */
export const TLS_DIR_ENV = "DAILY_FEED_TEST_TLS_DIR";

export interface TestTls {
  /** PEM of the CA that signed `cert` (what clients trust). */
  ca: string;
  /** PEM of the server's private key. */
  key: string;
  /** PEM of the server certificate (SAN: IP 127.0.0.1 and DNS localhost). */
  cert: string;
}

const FILES = { ca: "ca.pem", key: "server-key.pem", cert: "server-cert.pem" } as const;

/**
 * Generates the CA and the server certificate into a temporary folder (removed when the process exits), points
 * NODE_EXTRA_CA_CERTS at the CA and TLS_DIR_ENV at the folder. A NODE_EXTRA_CA_CERTS already set (a corporate
 * proxy's CA, say) is kept: its certificates are copied into the new bundle, in front of the CA.
 */
export async function throwawayTls(): Promise<TestTls> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 7 * 24 * 3600_000);
  const caPems = await generate([{ name: "commonName", value: "Daily Feed test CA (throwaway)" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: caPems.private, cert: caPems.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  const tls: TestTls = { ca: caPems.cert, key: server.private, cert: server.cert };

  const dir = mkdtempSync(path.join(tmpdir(), "daily-feed-tls-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, FILES.key), tls.key, { mode: 0o600 });
  writeFileSync(path.join(dir, FILES.cert), tls.cert);
  writeFileSync(path.join(dir, FILES.ca), tls.ca);
  const previous = process.env.NODE_EXTRA_CA_CERTS;
  const kept = previous && existsSync(previous) ? `${readFileSync(previous, "utf8").trim()}\n` : "";
  const bundle = path.join(dir, "trusted.pem");
  writeFileSync(bundle, `${kept}${tls.ca}`);
  process.env.NODE_EXTRA_CA_CERTS = bundle;
  process.env[TLS_DIR_ENV] = dir;
  return tls;
}

/** The material `throwawayTls()` made in this run (read by the SMTP globalSetup, in the same process). */
export function readTestTls(): TestTls {
  const dir = process.env[TLS_DIR_ENV];
  if (!dir) throw new Error(`${TLS_DIR_ENV} is not set: vitest.config.ts generates the test TLS certificate`);
  const read = (name: string) => readFileSync(path.join(dir, name), "utf8");
  return { ca: read(FILES.ca), key: read(FILES.key), cert: read(FILES.cert) };
}
