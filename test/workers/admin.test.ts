/**
 * Admin auth: `Authorization: Bearer <ADMIN_TOKEN>` only, compared as hashes in constant time;
 * a malformed body is a 400 and starts nothing.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { recentRuns } from "../../d1/runs";

const site = "https://feed.example";
const admin = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(new Request(`${site}/admin${path}`, init));
const bearer = { authorization: `Bearer ${env.ADMIN_TOKEN}` };

describe("admin auth", () => {
  it("lets the Bearer token in", async () => {
    const res = await admin("/runs", { headers: bearer });
    expect(res.status).toBe(200);
    expect(Array.isArray(await res.json())).toBe(true);
  });

  it.each([
    ["no header", {}],
    ["the token without the Bearer scheme", { authorization: env.ADMIN_TOKEN }],
    ["another scheme", { authorization: `Basic ${env.ADMIN_TOKEN}` }],
    ["a wrong token", { authorization: `Bearer ${env.ADMIN_TOKEN.slice(0, -1)}x` }],
    ["a prefix of the token", { authorization: `Bearer ${env.ADMIN_TOKEN.slice(0, 8)}` }],
    ["the token with more after it", { authorization: `Bearer ${env.ADMIN_TOKEN} x` }],
    ["an empty Bearer", { authorization: "Bearer " }],
  ])("refuses %s with 401 and a Bearer challenge", async (_, headers) => {
    const res = await admin("/runs", { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
    expect(await res.json()).toMatchObject({
      error: { code: "unauthorized", requestId: expect.any(String) },
    });
  });

  it("answers 400 to a malformed JSON body and starts no run", async () => {
    const before = (await recentRuns(env.DB, 100)).length;
    for (const body of ["{bad", '{"date":"tomorrow"}', '{"date":"2026-02-13","extra":1}', "[]"]) {
      const res = await admin("/run", {
        method: "POST",
        headers: { ...bearer, "content-type": "application/json" },
        body,
      });
      expect(res.status, body).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "bad_request" } });
    }
    expect((await recentRuns(env.DB, 100)).length).toBe(before);
  });

  it("refuses a wrong token before reading the body", async () => {
    const before = (await recentRuns(env.DB, 100)).length;
    const res = await admin("/run", {
      method: "POST",
      headers: { authorization: "Bearer nope" },
      body: "{}",
    });
    expect(res.status).toBe(401);
    expect((await recentRuns(env.DB, 100)).length).toBe(before);
  });
});
