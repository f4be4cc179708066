// npm test: `vitest run` with what must be in the environment before vitest starts.
//
// The SMTP tests' implicit-TLS server presents a certificate from a certificate authority made for this run
// (selfsigned), and workerd must trust that CA: miniflare adds the certificates of the file named by
// NODE_EXTRA_CA_CERTS to workerd's outbound trust store, but reads the variable once, when it is first loaded,
// and vitest.config.ts loads it (through the plugin and wrangler) before any code of the config runs. So the
// CA is made here and the variable set for the vitest process. Arguments pass through: npm test -- test/sockets
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generate } from "selfsigned";

const root = path.resolve(import.meta.dirname, "..");

/** A throwaway CA and a server certificate for 127.0.0.1 signed by it, into `dir`. */
async function makeTls(dir) {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 7 * 24 * 3600_000);
  const ca = await generate([{ name: "commonName", value: "Daily Feed test CA (throwaway)" }], {
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
    ca: { key: ca.private, cert: ca.cert },
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
  writeFileSync(path.join(dir, "server-key.pem"), server.private, { mode: 0o600 });
  writeFileSync(path.join(dir, "server-cert.pem"), server.cert);
  writeFileSync(path.join(dir, "ca.pem"), ca.cert);
  // A NODE_EXTRA_CA_CERTS already set (a corporate proxy's CA, say) is kept, in front of the test CA.
  const previous = process.env.NODE_EXTRA_CA_CERTS;
  const kept = previous && existsSync(previous) ? `${readFileSync(previous, "utf8").trim()}\n` : "";
  const bundle = path.join(dir, "trusted.pem");
  writeFileSync(bundle, `${kept}${ca.cert}`);
  return bundle;
}

const tlsDir = mkdtempSync(path.join(tmpdir(), "daily-feed-tls-"));
let status = 1;
try {
  const bundle = await makeTls(tlsDir);
  const vitest = path.join(root, "node_modules/vitest/vitest.mjs");
  const run = spawnSync(process.execPath, [vitest, "run", ...process.argv.slice(2)], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, DAILY_FEED_TEST_TLS_DIR: tlsDir },
  });
  status = run.status ?? 1;
} finally {
  rmSync(tlsDir, { recursive: true, force: true });
}
process.exit(status);
