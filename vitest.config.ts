import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { replayOutbound } from "./test/support/replay-outbound.ts";
import { maskDevVars } from "./test/support/shipped-config.ts";
import { SlowestFilesReporter } from "./test/support/slowest-files.ts";

const migrations = await readD1Migrations(path.join(import.meta.dirname, "d1/migrations"));

/** Bindings every Workers-runtime test sees on top of wrangler.toml. */
const testBindings = {
  TEST_MIGRATIONS: migrations,
  TOKEN_SECRET: "test-token-secret",
  ADMIN_TOKEN: "test-admin-token-0123456789abcdef",
  TELEGRAM_BOT_TOKEN: "123456:TEST",
  TELEGRAM_WEBHOOK_SECRET: "test_webhook_secret",
  SITE_URL: "https://feed.example",
  // The embedded default of `npm start`: sources read the recorded payloads from the static assets,
  // mail is captured in D1.
  SOURCE_MODE: "replay",
  EMAIL_TRANSPORT: "capture",
  // Tests insert issues and look at once: no isolate may trust an older archive version.
  ARCHIVE_CACHE_SECONDS: "0",
};

export default defineConfig({
  test: {
    reporters: ["default", new SlowestFilesReporter()],
    projects: [
      {
        // Workers runtime: D1, Durable Objects, Queues, the Hono app and the scheduled handler.
        // Outbound fetch() is answered by local handlers that replay the recorded real payloads.
        plugins: [
          cloudflareTest({
            main: "./workers/index.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: testBindings, outboundService: replayOutbound },
          }),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          setupFiles: ["./test/workers/setup.ts"],
        },
      },
      {
        // Workers runtime without an outbound hook: cloudflare:sockets (SMTP) needs it absent. Its implicit-TLS
        // server's CA is trusted through NODE_EXTRA_CA_CERTS, set by scripts/test.mjs (npm test).
        plugins: [
          cloudflareTest({
            main: "./workers/index.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: { ...testBindings, EMAIL_TRANSPORT: "smtp" } },
          }),
        ],
        test: {
          name: "sockets",
          include: ["test/sockets/**/*.test.ts"],
          setupFiles: ["./test/workers/setup.ts"],
          globalSetup: ["./test/support/smtp-server.ts"],
        },
      },
      {
        // Workers runtime with wrangler.toml alone, as deployed: no test bindings, no secrets, and a
        // local .dev.vars (which wrangler always reads) masked.
        plugins: [
          cloudflareTest({
            main: "./workers/index.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: maskDevVars(import.meta.dirname) },
          }),
        ],
        test: { name: "production", include: ["test/production/**/*.test.ts"], testTimeout: 20_000 },
      },
      {
        // Node: domain code (parsers, scoring, writer, renderers), the CLI, GPU kernels via Dawn, the browser.
        test: {
          name: "node",
          environment: "node",
          include: ["test/unit/**/*.test.ts", "test/gpu/**/*.test.ts", "test/browser/**/*.test.ts"],
          // Chromium and SwiftShader from npm, in the environment before the workers start (see the file).
          globalSetup: ["./test/support/browser-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
