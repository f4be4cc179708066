/**
 * The Telegram webhook in the Workers runtime: secret checking, every command, the inline buttons.
 * D1 and the reader's Durable Object are real; Bot API calls go through a spy on `fetch` that
 * answers with the recorded sendMessage response.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { insertIssue } from "../../d1/issues";
import { readerOfChat } from "../../d1/readers";
import { findSubscription } from "../../d1/subscriptions";
import { Issue } from "../../src/issue";
import { renderTelegram, voteCallbackData } from "../../src/render/telegram";
import { telegramRoutes } from "../../workers/routes/telegram";
import example from "../fixtures/issue-2026-02-13.json";
import sentOk from "../fixtures/telegram_sendMessage_response_ok_2021.json";
import { telegramTextUpdate } from "../support/telegram-updates";

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
let chatSeq = 0;

/** A chat of its own per test: each chat is a reader, so nothing leaks between tests. */
function readerEnv(): { bindings: Env; chat: number } {
  return { bindings: env, chat: 500_000 + ++chatSeq };
}

/** The reader the chat became (after /subscribe), and its Durable Object. */
async function readerOf(chat: number) {
  const reader = await readerOfChat(env.DB, String(chat));
  if (!reader) throw new Error(`chat ${chat} has no reader`);
  return { id: reader.id, state: env.READER_STATE.getByName(reader.id) };
}

/** A chat that subscribed and gave its interests. */
async function subscribed(bindings: Env, chat: number, interests = "Optimal transport and Sinkhorn") {
  await post(bindings, message("/subscribe", chat));
  await post(bindings, message(interests, chat));
  calls = [];
  return readerOf(chat);
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
  return telegramTextUpdate(++updateId, chatId, text, "Ayrat");
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
    const { bindings, chat } = readerEnv();
    const res = await post(bindings, message("/start", chat), "test_webhook_secreT");
    expect(res.status).toBe(403);
    expect(calls).toHaveLength(0);
    expect(await readerOfChat(env.DB, String(chat))).toBeNull();
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
  it("/start makes the chat a reader of its own and asks for its interests in the chat", async () => {
    const { bindings, chat } = readerEnv();
    await post(bindings, message("/start", chat));
    const { id, state } = await readerOf(chat);
    expect((await findSubscription(env.DB, id, "telegram", String(chat)))?.status).toBe("active");
    expect(sentTexts()[0]).toContain("/today");
    expect(sentTexts()[0]).toContain("one per line");
    expect(await state.getConversation()).toBe("interests");
    expect(await state.getProfile()).toBeNull();

    await post(bindings, message("no", chat));
    expect(sentTexts()[1]).toContain("3–300 characters");
    expect(await state.getProfile()).toBeNull();

    await post(bindings, message("Black hole mergers\nDark matter in galaxies", chat));
    expect((await state.getProfile())?.interests).toEqual(["Black hole mergers", "Dark matter in galaxies"]);
    expect(await state.getConversation()).toBeNull();
    expect(sentTexts()[2]).toContain("Saved 2 interests");
    // Another chat is another reader.
    const other = readerEnv();
    await post(bindings, message("/start", other.chat));
    expect((await readerOf(other.chat)).id).not.toBe(id);
  });

  it("/skip starts the reader from the public reader's profile", async () => {
    const { bindings, chat } = readerEnv();
    await post(bindings, message("/subscribe", chat));
    await post(bindings, message("/skip", chat));
    const { state } = await readerOf(chat);
    const publicProfile = await env.READER_STATE.getByName("demo").getProfile();
    expect((await state.getProfile())?.interests).toEqual(publicProfile?.interests);
  });

  it("/interests shows the chat's interests and replaces them, for that chat only", async () => {
    const { bindings, chat } = readerEnv();
    const other = readerEnv();
    const a = await subscribed(bindings, chat, "Optimal transport");
    const b = await subscribed(bindings, other.chat, "Optimal transport");
    await post(bindings, message("/interests", chat));
    expect(sentTexts()[0]).toContain("Optimal transport");
    await post(bindings, message("Protein folding\nGenome assembly", chat));
    expect((await a.state.getProfile())?.interests).toEqual(["Protein folding", "Genome assembly"]);
    await post(bindings, message("/interests Single-cell sequencing", chat));
    expect((await a.state.getProfile())?.interests).toEqual(["Single-cell sequencing"]);
    expect((await b.state.getProfile())?.interests).toEqual(["Optimal transport"]);
  });

  it("/subscribe and /stop turn the daily issue on and off", async () => {
    const { bindings, chat } = readerEnv();
    const { id } = await subscribed(bindings, chat);
    expect((await findSubscription(env.DB, id, "telegram", String(chat)))?.status).toBe("active");
    await post(bindings, message("/subscribe@DailyFeedBot", chat));
    expect(sentTexts()[0]).toContain("subscribed already");
    await post(bindings, message("/stop", chat));
    expect((await findSubscription(env.DB, id, "telegram", String(chat)))?.status).toBe("unsubscribed");
    expect(sentTexts()[1]).toContain("Unsubscribed");
  });

  it("/today sends the chat's own latest issue with vote buttons and its private links", async () => {
    const { bindings, chat } = readerEnv();
    const { id } = await subscribed(bindings, chat);
    const issue = await storeIssue(id);
    await post(bindings, message("/today", chat));
    const sends = calls.filter((c) => c.method === "sendMessage");
    expect(sends.length).toBeGreaterThan(1);
    expect(sends.every((c) => c.body.parse_mode === "HTML" && c.body.chat_id === String(chat))).toBe(true);
    expect(JSON.stringify(sends[0]?.body.reply_markup)).toContain(voteCallbackData(issue.date, 0, "up"));
    const last = JSON.stringify(sends.at(-1)?.body);
    expect(last).toContain("https://feed.example/me/");
    expect(last).toMatch(/https:\/\/feed\.example\/r\/[0-9a-f]{32}\/issues\/2026-02-13/);
    expect(sends.map((c) => c.body.text).join("")).toContain(
      renderTelegram(issue, { siteUrl: "https://feed.example" })[0]?.text ?? "?",
    );
  });

  it("/today says so when there is no issue yet; a chat that never subscribed is told how", async () => {
    const { bindings, chat } = readerEnv();
    await post(bindings, message("/today", chat));
    expect(sentTexts()).toEqual([expect.stringContaining("/subscribe")]);
    calls = [];
    await subscribed(bindings, chat);
    await post(bindings, message("/today", chat));
    expect(sentTexts()).toEqual([expect.stringContaining("No issue yet")]);
  });

  it("/archive links the chat's own recent issues at their private addresses", async () => {
    const { bindings, chat } = readerEnv();
    const { id } = await subscribed(bindings, chat);
    await storeIssue(id);
    await post(bindings, message("/archive", chat));
    expect(sentTexts()[0]).toMatch(
      /<a href="https:\/\/feed\.example\/r\/[0-9a-f]{32}\/issues\/2026-02-13">2026-02-13<\/a>/,
    );
  });

  it("/feedback records the note with the chat's reader and reports the standing rules it produced", async () => {
    const { bindings, chat } = readerEnv();
    const { state } = await subscribed(bindings, chat);
    await post(bindings, message("/feedback YouTube videos should be included, 1-2 per day", chat));
    const feedback = await state.listFeedback();
    expect(feedback).toEqual([
      expect.objectContaining({
        kind: "text",
        channel: "telegram",
        text: "YouTube videos should be included, 1-2 per day",
      }),
    ]);
    const rules = await state.listRules();
    expect(rules.length).toBeGreaterThan(0);
    expect(sentTexts()[0]).toContain("Thanks");
    expect(sentTexts()[0]).toContain(rules[0]?.text.replace(/&/g, "&amp;") ?? "?");
    expect(await env.READER_STATE.getByName("demo").listFeedback()).not.toContainEqual(
      expect.objectContaining({ text: "YouTube videos should be included, 1-2 per day" }),
    );
  });

  it("/feedback without text explains how to use it and records nothing", async () => {
    const { bindings, chat } = readerEnv();
    const { state } = await subscribed(bindings, chat);
    await post(bindings, message("/feedback", chat));
    expect(sentTexts()[0]).toContain("/feedback more talks");
    expect(await state.listFeedback()).toEqual([]);
  });

  it("/rules lists the chat's standing rules with a remove button each, and a press removes one", async () => {
    const { bindings, chat } = readerEnv();
    const { state: reader } = await subscribed(bindings, chat);
    const keep = await reader.addRule({
      text: "Both delivery channels must push identical content.",
      constrains: "channels.identical",
    });
    const drop = await reader.addRule({ text: "No videos.", constrains: "videos.max", params: { max: 0 } });
    await post(bindings, message("/rules", chat));
    const listing = calls.find((c) => c.method === "sendMessage");
    expect(String(listing?.body.text)).toContain("No videos.");
    const markup = listing?.body.reply_markup as
      | { inline_keyboard: { callback_data: string }[][] }
      | undefined;
    const buttons = markup?.inline_keyboard.flat() ?? [];
    expect(buttons.map((b) => b.callback_data)).toEqual([`r|x|${keep.id}`, `r|x|${drop.id}`]);

    calls = [];
    await post(bindings, callback(`r|x|${drop.id}`, chat));
    expect((await reader.listRules()).map((r) => r.id)).toEqual([keep.id]);
    expect(calls.find((c) => c.method === "answerCallbackQuery")?.body).toMatchObject({
      text: "Rule removed.",
    });
    const edited = calls.find((c) => c.method === "editMessageText");
    expect(edited?.body).toMatchObject({ chat_id: chat, message_id: 2746 });
    expect(String(edited?.body.text)).not.toContain("No videos.");
  });

  it("only editor chats (TELEGRAM_EDITOR_CHAT_IDS) change the public reader, with /editor", async () => {
    const { chat } = readerEnv();
    const bindings = { ...env, TELEGRAM_EDITOR_CHAT_IDS: "42" } as Env;
    const publicReader = env.READER_STATE.getByName("demo");
    const before = await publicReader.listRules();
    await post(bindings, message("/editor No videos.", chat));
    expect(sentTexts()[0]).toContain("Only the feed's editor");
    const rule = before[0];
    if (rule) {
      await post(bindings, callback(`r|p|${rule.id}`, chat));
      expect(String(calls.find((c) => c.method === "answerCallbackQuery")?.body.text)).toContain(
        "Only the feed's editor",
      );
    }
    expect(await publicReader.listRules()).toEqual(before);

    calls = [];
    await post(bindings, message("/editor rules", 42));
    const listing = calls.find((c) => c.method === "sendMessage");
    expect(JSON.stringify(listing?.body.reply_markup)).toContain("r|p|");
  });

  it("/help lists every command; an unknown command gets the same help", async () => {
    const { bindings, chat } = readerEnv();
    await subscribed(bindings, chat);
    await post(bindings, message("/help", chat));
    await post(bindings, message("/frobnicate", chat));
    for (const command of [
      "/subscribe",
      "/interests",
      "/stop",
      "/today",
      "/archive",
      "/feedback",
      "/rules",
      "/me",
      "/help",
    ]) {
      expect(sentTexts()[0]).toContain(command);
    }
    expect(sentTexts()[1]).toContain("Unknown command /frobnicate");
  });
});

describe("vote buttons", () => {
  it("records 👍 with the chat's own reader for the item under the button and answers the callback", async () => {
    const { bindings, chat } = readerEnv();
    const { id, state } = await subscribed(bindings, chat);
    const issue = await storeIssue(id);
    await post(bindings, callback(voteCallbackData(issue.date, 2, "up"), chat));
    const feedback = await state.listFeedback();
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
    const { bindings, chat } = readerEnv();
    await subscribed(bindings, chat);
    await post(bindings, callback(voteCallbackData("2020-01-01", 0, "down"), chat));
    expect(calls.map((c) => c.method)).toEqual(["answerCallbackQuery"]);
    expect(calls[0]?.body.text).toBe("That issue is no longer available.");
  });
});
