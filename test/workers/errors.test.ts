/**
 * One error shape: every failure, JSON or page, from any route, carries a code, a message and the
 * request id (also in the `x-request-id` header).
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const site = "https://feed.example";
const fetchApp = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(new Request(`${site}${path}`, init));

const ErrorShape = {
  error: { code: expect.any(String), message: expect.any(String), requestId: expect.any(String) },
};

async function expectJsonError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = (await res.json()) as { error: { code: string; requestId: string } };
  expect(body).toEqual(ErrorShape);
  expect(body.error.code).toBe(code);
  expect(res.headers.get("x-request-id")).toBe(body.error.requestId);
}

describe("the one error shape", () => {
  it("answers an unknown route with not_found and a request id", async () => {
    await expectJsonError(await fetchApp("/nope"), 404, "not_found");
  });

  it("shows browsers an error page that prints the request id", async () => {
    const res = await fetchApp("/nope", { headers: { accept: "text/html" } });
    expect(res.status).toBe(404);
    const page = await res.text();
    const id = res.headers.get("x-request-id");
    expect(id).toBeTruthy();
    expect(page).toContain(`Request id: <code>${id}</code>`);
  });

  it("gives every route's errors the same shape", async () => {
    await expectJsonError(await fetchApp("/issues/yesterday.json"), 400, "bad_request");
    await expectJsonError(await fetchApp("/issues/2031-01-01.json"), 404, "not_found");
    await expectJsonError(
      await fetchApp("/feedback/not-a-token", { headers: { accept: "application/json" } }),
      400,
      "invalid_token",
    );
    await expectJsonError(
      await fetchApp("/feedback/text", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{bad",
      }),
      400,
      "bad_request",
    );
    await expectJsonError(
      await fetchApp("/telegram/webhook", { method: "POST", body: "{}" }),
      401,
      "unauthorized",
    );
    await expectJsonError(await fetchApp("/admin/runs"), 401, "unauthorized");
  });

  it("keeps Cloudflare's ray id as the request id and ignores ids a client makes up", async () => {
    const ray = await fetchApp("/nope", { headers: { "cf-ray": "8f2a6c1d9e0b4a73-AMS" } });
    expect(((await ray.json()) as { error: { requestId: string } }).error.requestId).toBe(
      "8f2a6c1d9e0b4a73-AMS",
    );
    const forged = await fetchApp("/nope", { headers: { "cf-ray": "<script>alert(1)</script>" } });
    const id = ((await forged.json()) as { error: { requestId: string } }).error.requestId;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("puts a request id on successful answers too", async () => {
    const res = await fetchApp("/healthz");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(env.DB).toBeDefined();
  });
});
