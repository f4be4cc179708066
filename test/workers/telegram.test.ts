/**
 * The Telegram webhook in the Workers runtime: secret checking, every command, the inline buttons.
 * D1 and the reader's Durable Object are real; Bot API calls go through a spy on `fetch` that
 * answers with the recorded sendMessage response.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { insertIssue } from "../../d1/issues";
import { ensureReader } from "../../d1/readers";
import { findSubscription } from "../../d1/subscriptions";
import { Issue } from "../../src/issue";
import { renderTelegram, voteCallbackData } from "../../src/render/telegram";
import { telegramRoutes } from "../../workers/routes/telegram";
import example from "../fixtures/issue-2026-02-13.json";
import sentOk from "../fixtures/telegram_sendMessage_response_ok_2021.json";

const SECRET = "test_webhook_secret";

interface ApiCall {
  method: string;
  body: Record<string, unknown>;
}

let calls: ApiCall[] = [];

beforeEach(() => {
  calls = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = /\/bot123456:TEST\/(\w+)$/.exec(url)?.[1] ?? `unexpected ${url}`;
    calls.push({ method, body: JSON.parse(String(init?.body ?? "{}")) as Record<string, unknown> });
    const result = method === "sendMessage" ? sentOk : { ok: true, result: true };
    return new Response(JSON.stringify(result), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

let updateId = 1000;
let readerSeq = 0;

/** A public reader of its own per test, so D1 rows and the Durable Object do not leak between tests. */
function readerEnv(): { bindings: Env; readerId: string } {
  const readerId = `tg-reader-${++readerSeq}-${Date.now()}`;
  return { bindings: { ...env, PUBLIC_READER: readerId } as Env, readerId };
}

async function post(bindings: Env, body: unknown, secret: string | null = SECRET): Promise<Response> {
  const ctx = createExecutionContext();
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret !== null) headers["x-telegram-bot-api-secret-token"] = secret;
  const res = await telegramRoutes.fetch(
    new Request("https://feed.example/telegram/webhook", {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    }),
    bindings,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

function message(text: string, chatId = 275808073) {
  return {
    update_id: ++updateId,
    message: {
      message_id: updateId,
      from: { id: chatId, is_bot: false, first_name: "Ayrat" },
      chat: { id: chatId, type: "private", first_name: "Ayrat" },
      date: 1618207352,
      text,
    },
  };
}

function callback(data: string, chatId = 275808073, messageId = 2746) {
  return {
    update_id: ++updateId,
    callback_query: {
      id: `cb-${updateId}`,
      from: { id: chatId, is_bot: false, first_name: "Ayrat" },
      message: { message_id: messageId, date: 1618207352, chat: { id: chatId, type: "private" } },
      chat_instance: "-1",
      data,
    },
  };
}

function sentTexts(): string[] {
  return calls.filter((c) => c.method === "sendMessage").map((c) => String(c.body.text));
}

async function storeIssue(readerId: string): Promise<Issue> {
  await ensureReader(env.DB, readerId, readerId, new Date());
  const issue = Issue.parse({ ...example, readerId });
  await insertIssue(env.DB, issue);
  return issue;
}

describe("webhook security", () => {
  it("rejects a request without the secret header with 401 and does nothing", async () => {
    const { bindings } = readerEnv();
    const res = await post(bindings, message("/start"), null);
    expect(res.status).toBe(401);
    expect(calls).toHaveLength(0);
  });

  it("rejects a wrong secret with 403 and does nothing", async () => {
    const { bindings, readerId } = readerEnv();
    const res = await post(bindings, message("/start"), "test_webhook_secreT");
    expect(res.status).toBe(403);
    expect(calls).toHaveLength(0);
    expect(await findSubscription(env.DB, readerId, "telegram", "275808073")).toBeNull();
  });

  it("accepts the right secret with 200", async () => {
    const { bindings } = readerEnv();
    expect((await post(bindings, message("/help"))).status).toBe(200);
  });

  it("answers 400 to a body that is not a Telegram update", async () => {
    const { bindings } = readerEnv();
    expect((await post(bindings, { hello: "world" })).status).toBe(400);
    expect(calls).toHaveLength(0);
  });

  it("ignores update kinds it does not handle (a channel post from the recorded getUpdates)", async () => {
    const { bindings } = readerEnv();
    const channelPost = {
      update_id: 252965476,
      channel_post: {
        message_id: 4,
        chat: { id: -1001144599139, title: "Much channel", type: "channel" },
        date: 1506782283,
        text: "channel",
      },
    };
    expect((await post(bindings, channelPost)).status).toBe(200);
    expect(calls).toHaveLength(0);
  });
});

describe("commands", () => {
  it("/start subscribes the chat to the public issue and explains the commands", async () => {
    const { bindings, readerId } = readerEnv();
    await post(bindings, message("/start"));
    expect((await findSubscription(env.DB, readerId, "telegram", "275808073"))?.status).toBe("active");
    expect(sentTexts()[0]).toContain("Subscribed");
    expect(sentTexts()[0]).toContain("/today");
  });

  it("/subscribe and /stop turn the daily issue on and off", async () => {
    const { bindings, readerId } = readerEnv();
    await post(bindings, message("/subscribe@DailyFeedBot"));
    expect((await findSubscription(env.DB, readerId, "telegram", "275808073"))?.status).toBe("active");
    await post(bindings, message("/subscribe"));
    expect(sentTexts()[1]).toContain("subscribed already");
    await post(bindings, message("/stop"));
    expect((await findSubscription(env.DB, readerId, "telegram", "275808073"))?.status).toBe("unsubscribed");
    expect(sentTexts()[2]).toContain("Unsubscribed");
  });

  it("/today sends the latest issue as HTML messages with vote buttons", async () => {
    const { bindings, readerId } = readerEnv();
    const issue = await storeIssue(readerId);
    await post(bindings, message("/today"));
    const expected = renderTelegram(issue, { siteUrl: "https://feed.example" });
    const sends = calls.filter((c) => c.method === "sendMessage");
    expect(sends.map((c) => c.body.text)).toEqual(expected.map((m) => m.text));
    expect(sends.every((c) => c.body.parse_mode === "HTML" && c.body.chat_id === "275808073")).toBe(true);
    expect(JSON.stringify(sends[0]?.body.reply_markup)).toContain(voteCallbackData(issue.date, 0, "up"));
  });

  it("/today says so when there is no issue yet", async () => {
    const { bindings } = readerEnv();
    await post(bindings, message("/today"));
    expect(sentTexts()).toEqual([expect.stringContaining("No issue yet")]);
  });

  it("/archive links recent issues", async () => {
    const { bindings, readerId } = readerEnv();
    await storeIssue(readerId);
    await post(bindings, message("/archive"));
    expect(sentTexts()[0]).toContain('<a href="https://feed.example/issues/2026-02-13">2026-02-13</a>');
  });

  it("/feedback records the note with the reader and reports the standing rules it produced", async () => {
    const { bindings, readerId } = readerEnv();
    await post(bindings, message("/feedback YouTube videos should be included, 1-2 per day"));
    const feedback = await env.READER_STATE.getByName(readerId).listFeedback();
    expect(feedback).toEqual([
      expect.objectContaining({
        kind: "text",
        channel: "telegram",
        text: "YouTube videos should be included, 1-2 per day",
      }),
    ]);
    const rules = await env.READER_STATE.getByName(readerId).listRules();
    expect(rules.length).toBeGreaterThan(0);
    expect(sentTexts()[0]).toContain("Thanks");
    expect(sentTexts()[0]).toContain(rules[0]?.text.replace(/&/g, "&amp;") ?? "?");
  });

  it("/feedback without text explains how to use it and records nothing", async () => {
    const { bindings, readerId } = readerEnv();
    await post(bindings, message("/feedback"));
    expect(sentTexts()[0]).toContain("/feedback more talks");
    expect(await env.READER_STATE.getByName(readerId).listFeedback()).toEqual([]);
  });

  it("/rules lists the standing rules with a remove button each, and a press removes one", async () => {
    const { bindings, readerId } = readerEnv();
    const reader = env.READER_STATE.getByName(readerId);
    const keep = await reader.addRule({
      text: "Both delivery channels must push identical content.",
      constrains: "channels.identical",
    });
    const drop = await reader.addRule({ text: "No videos.", constrains: "videos.max", params: { max: 0 } });
    await post(bindings, message("/rules"));
    const listing = calls.find((c) => c.method === "sendMessage");
    expect(String(listing?.body.text)).toContain("No videos.");
    const markup = listing?.body.reply_markup as
      | { inline_keyboard: { callback_data: string }[][] }
      | undefined;
    const buttons = markup?.inline_keyboard.flat() ?? [];
    expect(buttons.map((b) => b.callback_data)).toEqual([`r|x|${keep.id}`, `r|x|${drop.id}`]);

    calls = [];
    await post(bindings, callback(`r|x|${drop.id}`));
    expect((await reader.listRules()).map((r) => r.id)).toEqual([keep.id]);
    expect(calls.find((c) => c.method === "answerCallbackQuery")?.body).toMatchObject({
      text: "Rule removed.",
    });
    const edited = calls.find((c) => c.method === "editMessageText");
    expect(edited?.body).toMatchObject({ chat_id: 275808073, message_id: 2746 });
    expect(String(edited?.body.text)).not.toContain("No videos.");
  });

  it("lets only the editor chats remove rules once TELEGRAM_EDITOR_CHAT_IDS is set", async () => {
    const { bindings: base, readerId } = readerEnv();
    const bindings = { ...base, TELEGRAM_EDITOR_CHAT_IDS: "42" } as Env;
    const reader = env.READER_STATE.getByName(readerId);
    const rule = await reader.addRule({ text: "No videos.", constrains: "videos.max", params: { max: 0 } });
    await post(bindings, message("/rules"));
    const listing = calls.find((c) => c.method === "sendMessage");
    expect(String(listing?.body.text)).toContain("No videos.");
    expect(listing?.body.reply_markup).toBeUndefined();

    calls = [];
    await post(bindings, callback(`r|x|${rule.id}`));
    expect((await reader.listRules()).map((r) => r.id)).toContain(rule.id);
    expect(String(calls.find((c) => c.method === "answerCallbackQuery")?.body.text)).toContain(
      "Only the feed's editor",
    );

    calls = [];
    await post(bindings, message("/rules", 42));
    expect(calls.find((c) => c.method === "sendMessage")?.body.reply_markup).toBeDefined();
  });

  it("/help lists every command; an unknown command gets the same help", async () => {
    const { bindings } = readerEnv();
    await post(bindings, message("/help"));
    await post(bindings, message("/frobnicate"));
    for (const command of ["/subscribe", "/stop", "/today", "/archive", "/feedback", "/rules", "/help"]) {
      expect(sentTexts()[0]).toContain(command);
    }
    expect(sentTexts()[1]).toContain("Unknown command /frobnicate");
  });
});

describe("vote buttons", () => {
  it("records 👍 for the item under the button and answers the callback", async () => {
    const { bindings, readerId } = readerEnv();
    const issue = await storeIssue(readerId);
    await post(bindings, callback(voteCallbackData(issue.date, 2, "up")));
    const feedback = await env.READER_STATE.getByName(readerId).listFeedback();
    expect(feedback).toEqual([
      expect.objectContaining({
        kind: "rating",
        rating: "up",
        itemId: issue.items[2]?.candidateId,
        issueDate: "2026-02-13",
        channel: "telegram",
      }),
    ]);
    const answer = calls.find((c) => c.method === "answerCallbackQuery");
    expect(answer?.body.callback_query_id).toBe(`cb-${updateId}`);
    expect(String(answer?.body.text)).toContain("👍");
  });

  it("answers a button for an issue that no longer exists instead of leaving it spinning", async () => {
    const { bindings } = readerEnv();
    await post(bindings, callback(voteCallbackData("2020-01-01", 0, "down")));
    expect(calls.map((c) => c.method)).toEqual(["answerCallbackQuery"]);
    expect(calls[0]?.body.text).toBe("That issue is no longer available.");
  });
});
