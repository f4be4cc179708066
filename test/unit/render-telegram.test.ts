import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import {
  TelegramBadRequestError,
  TelegramBlockedError,
  TelegramClient,
  type TelegramMessage,
  TelegramRateLimitError,
} from "../../src/channels/telegram";
import { Issue, type Item } from "../../src/issue";
import { parseVoteCallback, renderTelegram, voteCallbackData } from "../../src/render/telegram";
import example from "../fixtures/issue-2026-02-13.json";

const issue = Issue.parse(example);
const siteUrl = "https://feed.example";
const TELEGRAM_TAGS = new Set(["b", "i", "u", "s", "code", "pre", "a", "blockquote"]);

function fixture(name: string): string {
  return readFileSync(path.join(import.meta.dirname, "../fixtures", name), "utf8");
}

/** A long issue: the example's picks repeated under distinct ids and titles. */
function longIssue(copies: number): Issue {
  const items: Item[] = [];
  for (let c = 0; c < copies; c++) {
    for (const item of issue.items) {
      items.push({
        ...item,
        candidateId: `${item.candidateId}#${c}`,
        title: `${item.title} (part ${c + 1})`,
      });
    }
  }
  return { ...issue, items };
}

function buttonsOf(messages: TelegramMessage[]): string[] {
  return messages.flatMap(
    (m) => m.reply_markup?.inline_keyboard.flat().flatMap((b) => b.callback_data ?? []) ?? [],
  );
}

/** True when every Telegram tag opened in `html` is closed, in order. */
function balanced(html: string): boolean {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-z]+)\b[^>]*>/g)) {
    const [, close, tag = ""] = m;
    if (!close) stack.push(tag);
    else if (stack.pop() !== tag) return false;
  }
  return stack.length === 0;
}

describe("renderTelegram", () => {
  it("splits a long issue into messages of at most 4,096 characters without cutting an item", () => {
    const long = longIssue(4);
    const messages = renderTelegram(long, { siteUrl });
    expect(messages.length).toBeGreaterThan(4);
    for (const m of messages) {
      expect(m.text.length).toBeLessThanOrEqual(4096);
      expect(m.parse_mode).toBe("HTML");
      expect(balanced(m.text)).toBe(true);
    }
    for (const item of long.items) {
      const holding = messages.filter((m) => m.text.includes(`>${item.title}</a>`));
      expect(holding, item.title).toHaveLength(1);
      // The whole item is in that one message: its last field too.
      expect(holding[0]?.text).toContain("<b>Why it matches:</b>");
    }
  });

  it("puts 👍 and 👎 for every item under the message that holds it, in ≤ 64-byte callback data", () => {
    const long = longIssue(3);
    const messages = renderTelegram(long, { siteUrl });
    const data = buttonsOf(messages);
    expect(data).toHaveLength(long.items.length * 2);
    for (const d of data) expect(new TextEncoder().encode(d).length).toBeLessThanOrEqual(64);
    long.items.forEach((item, i) => {
      const m = messages.find((msg) => msg.text.includes(`>${item.title}</a>`));
      const own = m?.reply_markup?.inline_keyboard.flat().map((b) => b.callback_data) ?? [];
      expect(own).toContain(voteCallbackData(long.date, i, "up"));
      expect(own).toContain(voteCallbackData(long.date, i, "down"));
    });
  });

  it("uses only the tags Telegram's HTML mode accepts", () => {
    for (const m of renderTelegram(issue, { siteUrl })) {
      for (const tag of m.text.matchAll(/<\/?([a-z][a-z0-9-]*)/gi)) {
        expect(TELEGRAM_TAGS.has((tag[1] ?? "").toLowerCase()), tag[0]).toBe(true);
      }
    }
  });

  it("carries every section of the issue, in order", () => {
    const all = renderTelegram(issue, { siteUrl })
      .map((m) => m.text)
      .join("\n\n");
    const sequence = [
      issue.title,
      issue.countLine,
      ...issue.items.map((i) => i.title),
      "Talks",
      "Notes",
      "Standing rules",
    ];
    let from = 0;
    for (const s of sequence) {
      const at = all.indexOf(s, from);
      expect(at, s).toBeGreaterThanOrEqual(0);
      from = at + s.length;
    }
  });

  it("splits an item longer than one message at paragraph boundaries, keeping markup balanced", () => {
    const messages = renderTelegram(issue, { siteUrl, maxChars: 700 });
    for (const m of messages) {
      expect(m.text.length).toBeLessThanOrEqual(700);
      expect(balanced(m.text)).toBe(true);
    }
    // The FlashSinkhorn punch (display math in <pre>) survives whole.
    expect(messages.some((m) => m.text.includes("<pre>") && m.text.includes("</pre>"))).toBe(true);
    expect(buttonsOf(messages)).toHaveLength(issue.items.length * 2);
  });

  it("round-trips vote callback data", () => {
    expect(parseVoteCallback(voteCallbackData("2026-02-13", 3, "down"))).toEqual({
      date: "2026-02-13",
      itemIndex: 3,
      vote: "down",
    });
    expect(parseVoteCallback("r|x|rule-1")).toBeUndefined();
    expect(parseVoteCallback("v|u|2026-02-13|x")).toBeUndefined();
  });
});

describe("TelegramClient errors", () => {
  const ok = fixture("telegram_sendMessage_response_ok_2021.json");

  function replies(...bodies: [number, string][]) {
    const queue = [...bodies];
    return vi.fn(async () => {
      const [status, body] = queue.shift() ?? [500, "{}"];
      return new Response(body, { status, headers: { "content-type": "application/json" } });
    });
  }

  it("waits retry_after on 429, then sends once", async () => {
    const fetch = replies([429, fixture("telegram_error_429_retry_after_2020.json")], [200, ok]);
    const sleep = vi.fn(async () => {});
    const client = new TelegramClient({ token: "1:T", fetch, sleep, log: () => {} });
    const id = await client.sendMessage(42, "hello");
    expect(id).toBe(2746);
    expect(sleep).toHaveBeenCalledExactlyOnceWith(1000);
    expect(fetch).toHaveBeenCalledTimes(2);
    const body = JSON.parse(String((fetch.mock.calls[1] as unknown as [string, RequestInit])[1].body));
    expect(body).toMatchObject({ chat_id: 42, text: "hello", parse_mode: "HTML" });
  });

  it("hands a 429 back to the caller when the wait is longer than it may block", async () => {
    const long = JSON.stringify({
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 120",
      parameters: { retry_after: 120 },
    });
    const client = new TelegramClient({
      token: "1:T",
      fetch: replies([429, long]),
      sleep: async () => {},
      log: () => {},
    });
    const err = await client.sendMessage(42, "hello").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TelegramRateLimitError);
    expect((err as TelegramRateLimitError).retryAfter).toBe(120);
  });

  it("reports 403 (bot blocked) as TelegramBlockedError", async () => {
    const client = new TelegramClient({
      token: "1:T",
      fetch: replies([403, fixture("telegram_error_403_bot_blocked_2020.json")]),
      log: () => {},
    });
    const err = await client.sendMessage(42, "hello").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TelegramBlockedError);
    expect((err as TelegramBlockedError).description).toBe("Forbidden: bot was blocked by the user");
  });

  it("logs a 400 with Telegram's description and does not retry it", async () => {
    const log = vi.fn();
    const fetch = replies([400, fixture("telegram_error_400_chat_not_found_2021.json")]);
    const client = new TelegramClient({ token: "1:T", fetch, log });
    const err = await client.sendMessage(42, "hello").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TelegramBadRequestError);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith(
      expect.objectContaining({ status: 400, description: "Bad Request: chat not found" }),
    );
  });
});
