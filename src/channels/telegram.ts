/**
 * A small Telegram Bot API client and the shapes of what Telegram sends us. Errors follow the Bot API
 * documentation: 429 carries `parameters.retry_after` (we wait and try again), 403 means the user
 * blocked the bot (the caller deactivates the subscription), 400 is a request Telegram will never
 * accept (logged with its description, not retried).
 */
import { z } from "zod";

export interface InlineKeyboardButton {
  text: string;
  callback_data?: string;
  url?: string;
}

export interface InlineKeyboardMarkup {
  inline_keyboard: InlineKeyboardButton[][];
}

/** One `sendMessage` worth of an issue: HTML-mode text (≤ 4,096 characters) and its buttons. */
export interface TelegramMessage {
  text: string;
  parse_mode: "HTML";
  reply_markup?: InlineKeyboardMarkup;
  link_preview_options?: { is_disabled: boolean };
}

/** Telegram's limits that shape our messages. */
export const TELEGRAM_LIMITS = { messageChars: 4096, callbackDataBytes: 64 } as const;

// --- what Telegram sends (validated at the edge; unknown fields pass through) ---

const Chat = z.looseObject({ id: z.number().int(), type: z.string() });
const User = z.looseObject({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
});

export const TelegramIncomingMessage = z.looseObject({
  message_id: z.number().int(),
  date: z.number().int(),
  chat: Chat,
  from: User.optional(),
  text: z.string().optional(),
});
export type TelegramIncomingMessage = z.infer<typeof TelegramIncomingMessage>;

export const TelegramCallbackQuery = z.looseObject({
  id: z.string(),
  from: User,
  /** Absent or "inaccessible" (date 0) for old messages; only chat and message_id are relied on. */
  message: z.looseObject({ message_id: z.number().int(), chat: Chat }).optional(),
  data: z.string().optional(),
});
export type TelegramCallbackQuery = z.infer<typeof TelegramCallbackQuery>;

export const TelegramUpdate = z.looseObject({
  update_id: z.number().int(),
  message: TelegramIncomingMessage.optional(),
  callback_query: TelegramCallbackQuery.optional(),
});
export type TelegramUpdate = z.infer<typeof TelegramUpdate>;

const ApiResponse = z.looseObject({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.number().int().optional(),
  description: z.string().optional(),
  parameters: z
    .looseObject({ retry_after: z.number().optional(), migrate_to_chat_id: z.number().optional() })
    .optional(),
});

const SentMessage = z.looseObject({ message_id: z.number().int() });

// --- errors ---

/** A Bot API call Telegram refused; `code` is its `error_code` (or the HTTP status). */
export class TelegramApiError extends Error {
  override name = "TelegramApiError";
  constructor(
    readonly method: string,
    readonly code: number,
    readonly description: string,
  ) {
    super(`Telegram ${method} failed: ${code} ${description}`);
  }
}

/** 403: the user blocked the bot or left; sending again will not help. */
export class TelegramBlockedError extends TelegramApiError {
  override name = "TelegramBlockedError";
}

/** 400: Telegram will never accept this request (bad chat, bad markup). */
export class TelegramBadRequestError extends TelegramApiError {
  override name = "TelegramBadRequestError";
}

/** 429 with a wait longer than the client may spend inline: retry after `retryAfter` seconds. */
export class TelegramRateLimitError extends TelegramApiError {
  override name = "TelegramRateLimitError";
  constructor(
    method: string,
    description: string,
    readonly retryAfter: number,
  ) {
    super(method, 429, description);
  }
}

// --- client ---

export interface TelegramClientOptions {
  token: string;
  /** Base URL of the Bot API, without the `/bot<token>` part. */
  apiUrl?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  log?: (entry: Record<string, unknown>) => void;
  /** Longest `retry_after` (seconds) waited inline; longer waits throw `TelegramRateLimitError`. */
  maxInlineWaitSeconds?: number;
  /** How many 429s in a row one call sits out before giving up. */
  maxRateLimitRetries?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A Bot API client; every dependency (fetch, sleep, log) can be injected. */
export class TelegramClient {
  private readonly apiUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly log: (entry: Record<string, unknown>) => void;
  private readonly maxInlineWaitSeconds: number;
  private readonly maxRateLimitRetries: number;

  constructor(private readonly opts: TelegramClientOptions) {
    this.apiUrl = (opts.apiUrl ?? "https://api.telegram.org").replace(/\/+$/, "");
    // Resolve the global at call time, so tests that spy on globalThis.fetch see the calls.
    this.fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = opts.sleep ?? defaultSleep;
    this.log = opts.log ?? ((entry) => console.warn(JSON.stringify(entry)));
    this.maxInlineWaitSeconds = opts.maxInlineWaitSeconds ?? 30;
    this.maxRateLimitRetries = opts.maxRateLimitRetries ?? 3;
  }

  /** Calls `method` with a JSON body; returns `result`, or throws one of the errors above. */
  async call(method: string, params: Record<string, unknown>): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.fetchFn(`${this.apiUrl}/bot${this.opts.token}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(params),
      });
      const raw = await res.text();
      let body: z.infer<typeof ApiResponse> | undefined;
      try {
        const parsed = ApiResponse.safeParse(JSON.parse(raw));
        body = parsed.success ? parsed.data : undefined;
      } catch {
        body = undefined;
      }
      if (body?.ok) return body.result;
      const code = body?.error_code ?? res.status;
      const description = body?.description ?? `HTTP ${res.status}: ${raw.slice(0, 200)}`;
      if (code === 429) {
        const retryAfter = body?.parameters?.retry_after ?? Number(res.headers.get("retry-after") ?? "1");
        if (retryAfter > this.maxInlineWaitSeconds || attempt >= this.maxRateLimitRetries) {
          throw new TelegramRateLimitError(method, description, retryAfter);
        }
        this.log({ telegram: method, status: 429, retryAfter, description });
        await this.sleep(retryAfter * 1000);
        continue;
      }
      if (code === 403) throw new TelegramBlockedError(method, code, description);
      if (code === 400) {
        this.log({ telegram: method, status: 400, description, chat_id: params.chat_id });
        throw new TelegramBadRequestError(method, code, description);
      }
      throw new TelegramApiError(method, code, description);
    }
  }

  /** Sends one message; returns its message id. */
  async sendMessage(chatId: string | number, msg: TelegramMessage | string): Promise<number> {
    const payload: TelegramMessage =
      typeof msg === "string"
        ? { text: msg, parse_mode: "HTML", link_preview_options: { is_disabled: true } }
        : msg;
    const result = await this.call("sendMessage", { chat_id: chatId, ...payload });
    const sent = SentMessage.safeParse(result);
    return sent.success ? sent.data.message_id : 0;
  }

  /** Answers a callback query (Telegram shows `text` as a toast); every query must be answered. */
  async answerCallbackQuery(callbackQueryId: string, text?: string): Promise<void> {
    await this.call("answerCallbackQuery", { callback_query_id: callbackQueryId, ...(text ? { text } : {}) });
  }

  /** Replaces the text and buttons of a message the bot sent. */
  async editMessageText(chatId: string | number, messageId: number, msg: TelegramMessage): Promise<void> {
    await this.call("editMessageText", { chat_id: chatId, message_id: messageId, ...msg });
  }

  /** Registers the webhook; Telegram echoes `secretToken` in `X-Telegram-Bot-Api-Secret-Token`. */
  async setWebhook(url: string, secretToken: string): Promise<unknown> {
    return this.call("setWebhook", {
      url,
      secret_token: secretToken,
      allowed_updates: ["message", "callback_query"],
      drop_pending_updates: false,
    });
  }

  async getWebhookInfo(): Promise<unknown> {
    return this.call("getWebhookInfo", {});
  }
}

/**
 * Sends the messages of one issue to one chat, starting after the `alreadySent` ones; `onSent` is
 * told after each message so a crash can resume where it stopped. Returns the last message id.
 */
export async function sendTelegramIssue(
  client: TelegramClient,
  chatId: string | number,
  messages: TelegramMessage[],
  alreadySent = 0,
  onSent: (partsSent: number) => Promise<void> = async () => {},
): Promise<number> {
  let lastId = 0;
  for (let i = alreadySent; i < messages.length; i++) {
    const msg = messages[i];
    if (!msg) continue;
    lastId = await client.sendMessage(chatId, msg);
    await onSent(i + 1);
  }
  return lastId;
}
