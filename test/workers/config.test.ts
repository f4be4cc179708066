/**
 * One configuration per isolate, and each feature validates its own secrets: a bad admin or
 * Telegram secret turns that feature off, never the public pages; /healthz says which features
 * are configured without showing a value.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";

const site = "https://feed.example";

async function call(bindings: Record<string, unknown>, path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${site}${path}`, init) as Request<unknown, IncomingRequestCfProperties>,
    { ...env, ...bindings } as Env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

interface Health {
  status: string;
  features: Record<string, string | boolean>;
}

describe("/healthz", () => {
  it("reports which features are configured, without values", async () => {
    const res = await call({}, "/healthz");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Health;
    expect(body).toEqual({
      status: "ok",
      features: {
        signedLinks: "configured",
        admin: "configured",
        email: "configured",
        telegram: "configured",
        devRoutes: expect.any(Boolean),
      },
    });
    const text = JSON.stringify(body);
    for (const secret of [env.ADMIN_TOKEN, env.TOKEN_SECRET, env.TELEGRAM_WEBHOOK_SECRET]) {
      expect(text).not.toContain(secret);
    }
  });

  it("says not_configured for an unset secret", async () => {
    const res = await call(
      { ADMIN_TOKEN: "", TELEGRAM_BOT_TOKEN: "", TELEGRAM_WEBHOOK_SECRET: "" },
      "/healthz",
    );
    const { features } = (await res.json()) as Health;
    expect(features.admin).toBe("not_configured");
    expect(features.telegram).toBe("not_configured");
  });
});

describe("a misconfigured secret disables its feature only", () => {
  const shortAdmin = { ADMIN_TOKEN: "7-chars" };

  it("keeps public pages up with a 7-character ADMIN_TOKEN", async () => {
    for (const path of ["/", "/issues", "/feed.xml"]) {
      expect((await call(shortAdmin, path)).status).toBe(200);
    }
    const health = (await (await call(shortAdmin, "/healthz")).json()) as Health;
    expect(health.features.admin).toBe("misconfigured");
    expect(JSON.stringify(health)).not.toContain("7-chars");
  });

  it("closes /admin with 503 not_configured, even to the short token itself", async () => {
    const res = await call(shortAdmin, "/admin/runs", { headers: { authorization: "Bearer 7-chars" } });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: "not_configured" } });
  });

  it("closes the Telegram webhook with 503 when its secret breaks Telegram's rules, pages stay up", async () => {
    const bad = { TELEGRAM_WEBHOOK_SECRET: "has spaces and !" };
    const res = await call(bad, "/telegram/webhook", {
      method: "POST",
      headers: { "x-telegram-bot-api-secret-token": "has spaces and !" },
      body: "{}",
    });
    expect(res.status).toBe(503);
    expect((await call(bad, "/")).status).toBe(200);
    const health = (await (await call(bad, "/healthz")).json()) as Health;
    expect(health.features.telegram).toBe("misconfigured");
  });

  it("answers config_invalid, naming the variable but not its value, when a core variable is bad", async () => {
    const res = await call({ SITE_URL: "javascript:alert(1)" }, "/");
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe("config_invalid");
    expect(body.error.message).toContain("SITE_URL");
    expect(body.error.message).not.toContain("alert");
    expect(body.error.requestId).toBeTruthy();
  });
});
