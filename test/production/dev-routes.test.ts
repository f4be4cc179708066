/**
 * The configuration as shipped (wrangler.toml alone, no test bindings, no .dev.vars): production
 * never captures mail and has no /dev/* routes.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const get = (path: string) => exports.default.fetch(new Request(`https://feed.example${path}`));

describe("wrangler.toml as deployed", () => {
  it.each(["/dev/mail", "/dev/mail/1", "/dev/", "/dev/anything"])("answers 404 on %s", async (path) => {
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found", requestId: expect.any(String) } });
  });

  it("reports dev routes off and mail not captured on /healthz", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { features: Record<string, unknown> };
    expect(body.features.devRoutes).toBe(false);
    // No send_email binding and no secrets in wrangler.toml: those features say so, the site is up.
    expect(body.features).toMatchObject({ email: "not_configured", admin: "not_configured" });
  });
});

describe("static assets as deployed", () => {
  it("carry the security headers from public/_headers", async () => {
    const res = await env.ASSETS.fetch(new Request("https://feed.example/katex/katex.min.css"));
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
  });
});
