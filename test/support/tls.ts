/**
 * The throwaway TLS material of this run: a certificate authority and a server certificate for 127.0.0.1
 * signed by it, made by scripts/test.mjs (`npm test`) before vitest starts, so that workerd, which loads
 * its trust list once at startup (NODE_EXTRA_CA_CERTS), trusts this CA and no server the run did not make.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

/** The folder scripts/test.mjs writes the certificates to. */
export const TLS_DIR_ENV = "DAILY_FEED_TEST_TLS_DIR";

export interface TestTls {
  /** PEM of the CA that signed `cert` (what clients trust). */
  ca: string;
  /** PEM of the server's private key. */
  key: string;
  /** PEM of the server certificate (SAN: IP 127.0.0.1 and DNS localhost). */
  cert: string;
}

/** Reads the run's TLS material; throws, saying how to run, when vitest was started without it. */
export function readTestTls(): TestTls {
  const dir = process.env[TLS_DIR_ENV];
  if (!dir) {
    throw new Error(
      "the sockets tests need the run's TLS certificate authority trusted by workerd from its start: " +
        "run them through npm test (e.g. `npm test -- test/sockets`), which makes it before vitest starts",
    );
  }
  const read = (name: string) => readFileSync(path.join(dir, name), "utf8");
  return { ca: read("ca.pem"), key: read("server-key.pem"), cert: read("server-cert.pem") };
}
