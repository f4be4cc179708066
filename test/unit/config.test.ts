import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config";

const base = { SITE_URL: "https://feed.example/", PUBLIC_READER: "demo", SOURCE_MODE: "replay" };

describe("parseConfig", () => {
  it("parses every section from string vars, with production defaults", () => {
    const config = parseConfig({ ...base, TOKEN_SECRET: "a-secret-of-sixteen+", DB: {} });
    expect(config.site).toEqual({
      url: "https://feed.example",
      publicReader: "demo",
      archiveCacheSeconds: 30,
    });
    expect(config.sources.mode).toBe("replay");
    expect(config.sources.arxivCategories).toContain("cs.LG");
    expect(config.writer.kind).toBe("deterministic");
    expect(config.scoring.embeddings).toBe("off");
    expect(config.tokens?.secret).toBe("a-secret-of-sixteen+");
    // Mail is never captured and dev routes never exist unless asked for.
    expect(config.email?.transport).toBe("cloudflare");
    expect(config.dev.routes).toBe(false);
    expect(config.problems).toEqual([]);
  });

  it("turns a feature off, naming the variable and not the value, when its secret is bad", () => {
    const config = parseConfig({
      ...base,
      ADMIN_TOKEN: "short-secret",
      TELEGRAM_BOT_TOKEN: "nope",
      TELEGRAM_EDITOR_CHAT_IDS: "12,abc",
      TELEGRAM_WEBHOOK_SECRET: "ok_secret",
    });
    expect(config.admin).toBeUndefined();
    expect(config.features.admin).toBe("misconfigured");
    expect(config.telegram.botToken).toBeUndefined();
    expect(config.telegram.webhookSecret).toBe("ok_secret");
    expect(config.features.telegram).toBe("misconfigured");
    expect(config.problems.join("\n")).toContain("ADMIN_TOKEN");
    expect(config.problems.join("\n")).not.toContain("short-secret");
  });

  it("reads EMBEDDINGS=workers-ai, and refuses a value it does not know, by name", () => {
    expect(parseConfig({ ...base, EMBEDDINGS: "workers-ai" }).scoring.embeddings).toBe("workers-ai");
    expect(() => parseConfig({ ...base, EMBEDDINGS: "openai" })).toThrow(/EMBEDDINGS/);
  });

  it("accepts an admin token of 32 characters", () => {
    const config = parseConfig({ ...base, ADMIN_TOKEN: "x".repeat(32) });
    expect(config.admin?.token).toHaveLength(32);
    expect(config.features.admin).toBe("configured");
  });

  it("treats blank values as unset", () => {
    const config = parseConfig({ ...base, ADMIN_TOKEN: "", TOKEN_SECRET: "  ", EMAIL_TRANSPORT: "" });
    expect(config.features.admin).toBe("not_configured");
    expect(config.features.tokens).toBe("not_configured");
    expect(config.email?.transport).toBe("cloudflare");
  });

  it("throws one error naming every bad core variable", () => {
    expect(() => parseConfig({ SITE_URL: "ftp://x", PUBLIC_READER: "Demo!", SOURCE_MODE: "replay" })).toThrow(
      ConfigError,
    );
    try {
      parseConfig({ SITE_URL: "ftp://x", PUBLIC_READER: "Demo!", SOURCE_MODE: "replay", HF_API_URL: "nope" });
    } catch (err) {
      const message = String(err);
      for (const name of ["SITE_URL", "PUBLIC_READER", "HF_API_URL"]) expect(message).toContain(name);
    }
  });

  it("switches dev routes on only with an explicit flag", () => {
    expect(parseConfig({ ...base, DEV_ROUTES: "true" }).dev.routes).toBe(true);
    for (const off of ["false", "1", "yes", "TRUE", ""]) {
      expect(parseConfig({ ...base, DEV_ROUTES: off }).dev.routes).toBe(false);
    }
  });
});
