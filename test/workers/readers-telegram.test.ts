/**
 * A Telegram chat is a reader of its own, end to end: interests given in the chat, the morning cron
 * and the real queue consumer, then /interests in one chat changes that chat's next issue only.
 * Bot API calls (replies and deliveries) are answered by a spy on `fetch`.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getIssue } from "../../d1/issues";
import { readerOfChat } from "../../d1/readers";
import type { Issue } from "../../src/issue";
import worker from "../../workers/index";
import sentOk from "../fixtures/telegram_sendMessage_response_ok_2021.json";
import { telegramTextUpdate } from "../support/telegram-updates";
import { morningCron as cron } from "./crons";

const ASTRO =
  "Gravitational waves from binary black hole mergers\nDark matter and the formation of galaxies\nCosmic microwave background constraints on cosmology";
const LANGUAGE =
  "Large language models that reason step by step\nInstruction tuning and alignment of language models\nRetrieval-augmented generation for question answering";
const LANGUAGE_WORDS =
  /language model|\bLLMs?\b|token|reasoning|instruction|retrieval|question answering|prompt|text/i;
const ASTRO_WORDS =
  /galax|black hole|gravitational|cosmolog|dark matter|stellar|star|astro|neutron|supernova|redshift|universe|planet/i;

const sent: { chat: string; text: string }[] = [];

beforeAll(() => {
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.includes("/bot123456:TEST/")) throw new Error(`unexpected fetch ${url}`);
    const body = JSON.parse(String(init?.body ?? "{}")) as { chat_id?: string; text?: string };
    if (url.endsWith("/sendMessage")) sent.push({ chat: String(body.chat_id), text: String(body.text) });
    return new Response(JSON.stringify(url.endsWith("/sendMessage") ? sentOk : { ok: true, result: true }), {
      headers: { "content-type": "application/json" },
    });
  });
});

afterAll(() => {
  vi.restoreAllMocks();
});

let updateId = 9000;

async function say(chat: number, text: string): Promise<void> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request("https://feed.example/telegram/webhook", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-telegram-bot-api-secret-token": "test_webhook_secret",
      },
      body: JSON.stringify(telegramTextUpdate(++updateId, chat, text)),
    }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  expect(res.status).toBe(200);
}

async function issueOfChat(chat: number, date: string): Promise<Issue> {
  const reader = await readerOfChat(env.DB, String(chat));
  if (!reader) throw new Error(`chat ${chat} has no reader`);
  return vi.waitFor(
    async () => {
      const issue = await getIssue(env.DB, reader.id, date);
      if (!issue) throw new Error("not built yet");
      return issue;
    },
    { timeout: 60_000, interval: 200 },
  );
}

const ids = (i: Issue) => [...i.items.map((x) => x.candidateId), ...i.videos.map((v) => v.candidateId)];
const matching = (i: Issue, words: RegExp) =>
  i.items.filter((x) => words.test(`${x.title} ${x.intuition}`)).length;

describe("Telegram chats are readers", { timeout: 180_000 }, () => {
  it("a chat's /interests changes only that chat's issue", async () => {
    const [x, y, z] = [701, 702, 703];
    for (const chat of [x, y, z]) {
      await say(chat, "/start");
      await say(chat, ASTRO);
    }
    await cron("2026-11-23");
    const [x1, y1, z1] = [
      await issueOfChat(x, "2026-11-23"),
      await issueOfChat(y, "2026-11-23"),
      await issueOfChat(z, "2026-11-23"),
    ];
    expect(ids(x1)).toEqual(ids(y1));
    expect(ids(y1)).toEqual(ids(z1));
    // Each chat got its own issue, with its own page link.
    await vi.waitFor(
      () => expect(sent.filter((m) => m.chat === String(y) && m.text.includes("/me/")).length).toBe(1),
      {
        timeout: 30_000,
      },
    );

    await say(x, `/interests ${LANGUAGE}`);
    await cron("2026-11-24");
    const [x2, y2, z2] = [
      await issueOfChat(x, "2026-11-24"),
      await issueOfChat(y, "2026-11-24"),
      await issueOfChat(z, "2026-11-24"),
    ];
    expect(matching(x2, LANGUAGE_WORDS)).toBeGreaterThanOrEqual(x2.items.length - 1);
    expect(matching(y2, ASTRO_WORDS)).toBeGreaterThanOrEqual(y2.items.length - 1);
    expect(ids(y2)).toEqual(ids(z2));
    expect(ids(x2)).not.toEqual(ids(y2));
  });
});
