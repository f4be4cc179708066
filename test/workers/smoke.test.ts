import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("answers health checks and has the migrated schema", async () => {
  const res = await exports.default.fetch("https://feed.example/healthz");
  expect(await res.text()).toBe("ok");
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type='table' AND name='issues'",
  ).all();
  expect(tables.results).toHaveLength(1);
});
