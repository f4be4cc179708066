/**
 * The Telegram bot's conversation: commands and button presses, turned into subscriptions, issue
 * messages and feedback. Telegram subscribers all read the public reader's issue; feedback and rules
 * go to that reader's Durable Object. Everything it touches comes in as ports, so it runs (and is
 * tested) the same with D1 and a Durable Object or with in-memory fakes.
 */
import type { FeedbackChannel, Issue, Rule } from "../issue";
import { parseVoteCallback, renderTelegram } from "../render/telegram";
import {
  type InlineKeyboardButton,
  sendTelegramIssue,
  TELEGRAM_LIMITS,
  type TelegramCallbackQuery,
  type TelegramClient,
  type TelegramIncomingMessage,
  type TelegramMessage,
  type TelegramUpdate,
} from "./telegram";

/** What the bot needs from the reader's Durable Object (`ReaderState` RPC). */
export interface ReaderFeedbackPort {
  recordFeedback(f: {
    issueDate?: string;
    itemId?: string;
    rating?: "up" | "down";
    text?: string;
    channel: FeedbackChannel;
    /** What was rated, so the reader model can learn from it. */
    item?: { title: string; summary: string };
  }): Promise<{ newRules: Rule[] }>;
  listRules(): Promise<Rule[]>;
  removeRule(id: string): Promise<boolean>;
}

/** Telegram subscriptions of the public reader, keyed by chat id. */
export interface ChatSubscriptionPort {
  subscribe(chatId: string): Promise<{ wasActive: boolean }>;
  /** False when the chat was not subscribed. */
  unsubscribe(chatId: string): Promise<boolean>;
}

/** The public reader's issues. */
export interface IssuePort {
  latest(): Promise<Issue | null>;
  byDate(date: string): Promise<Issue | null>;
  list(limit: number): Promise<{ date: string; title: string; summary: string }[]>;
}

export interface BotDeps {
  client: TelegramClient;
  subscriptions: ChatSubscriptionPort;
  issues: IssuePort;
  reader: ReaderFeedbackPort;
  siteUrl: string;
  /** Whether a chat may remove standing rules (they shape the issue every subscriber reads). */
  canEditRules(chatId: string): boolean;
  log?: (entry: Record<string, unknown>) => void;
}

const HELP = `<b>Daily Feed</b> — research picks, every morning.

/subscribe — get each day's issue here
/stop — stop the daily issue
/today — the latest issue now
/archive — links to recent issues
/feedback &lt;text&gt; — tell the editor what to change
/rules — standing rules drawn from feedback (and remove them)
/help — this list

Use 👍/👎 under each pick to rate it.`;

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function plain(text: string, extra: Partial<TelegramMessage> = {}): TelegramMessage {
  return { text, parse_mode: "HTML", link_preview_options: { is_disabled: true }, ...extra };
}

/** `/cmd@BotName args` → { command: "cmd", args }. */
export function parseCommand(text: string): { command: string; args: string } | undefined {
  const m = /^\/([A-Za-z0-9_]+)(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m?.[1]) return undefined;
  return { command: m[1].toLowerCase(), args: (m[2] ?? "").trim() };
}

const REMOVE_RULE_PREFIX = "r|x|";

/** The remove-button payload of a rule, if its id fits in Telegram's 64 bytes. */
function removeRuleData(rule: Rule): string | undefined {
  const data = `${REMOVE_RULE_PREFIX}${rule.id}`;
  return new TextEncoder().encode(data).length <= TELEGRAM_LIMITS.callbackDataBytes ? data : undefined;
}

function shorten(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

/** The /rules message: every standing rule, with a remove button each for a chat that may edit them. */
export function rulesMessage(rules: Rule[], editable = true): TelegramMessage {
  if (rules.length === 0)
    return plain("No standing rules yet. /feedback &lt;text&gt; tells the editor what to change.");
  const lines = rules.map((r, i) => `${i + 1}. ${esc(r.text)}`);
  if (!editable) {
    return plain(
      `<b>Standing rules</b>\n\n${lines.join("\n")}\n\n/feedback &lt;text&gt; asks the editor to change them.`,
    );
  }
  const rows: InlineKeyboardButton[][] = [];
  rules.forEach((r, i) => {
    const data = removeRuleData(r);
    if (data) rows.push([{ text: `✖ Remove ${i + 1}: ${shorten(r.text, 40)}`, callback_data: data }]);
  });
  return plain(`<b>Standing rules</b>\n\n${lines.join("\n")}\n\nTap a button to remove a rule.`, {
    ...(rows.length > 0 ? { reply_markup: { inline_keyboard: rows } } : {}),
  });
}

async function onCommand(
  msg: TelegramIncomingMessage,
  command: string,
  args: string,
  deps: BotDeps,
): Promise<void> {
  const chatId = String(msg.chat.id);
  const reply = (m: TelegramMessage | string) =>
    deps.client.sendMessage(chatId, typeof m === "string" ? plain(m) : m);
  switch (command) {
    case "start": {
      const { wasActive } = await deps.subscriptions.subscribe(chatId);
      await reply(
        `${wasActive ? "You are subscribed already." : "Subscribed: each morning's issue will arrive here."}\n\n${HELP}`,
      );
      return;
    }
    case "subscribe": {
      const { wasActive } = await deps.subscriptions.subscribe(chatId);
      await reply(
        wasActive
          ? "You are subscribed already. /today shows the latest issue."
          : "Subscribed: each morning's issue will arrive here. /today shows the latest one now.",
      );
      return;
    }
    case "stop":
    case "unsubscribe": {
      const was = await deps.subscriptions.unsubscribe(chatId);
      await reply(
        was ? "Unsubscribed: no more daily issues. /subscribe brings them back." : "You were not subscribed.",
      );
      return;
    }
    case "today": {
      const issue = await deps.issues.latest();
      if (!issue) {
        await reply("No issue yet: the first one appears after the next morning run.");
        return;
      }
      await sendTelegramIssue(deps.client, chatId, renderTelegram(issue, { siteUrl: deps.siteUrl }));
      return;
    }
    case "archive": {
      const issues = await deps.issues.list(10);
      if (issues.length === 0) {
        await reply("The archive is empty so far.");
        return;
      }
      const lines = issues.map(
        (i) =>
          `<a href="${esc(`${deps.siteUrl}/issues/${i.date}`)}">${i.date}</a> — ${esc(shorten(i.summary || i.title, 160))}`,
      );
      await reply(
        `<b>Recent issues</b>\n\n${lines.join("\n\n")}\n\nAll issues: ${esc(`${deps.siteUrl}/issues`)}`,
      );
      return;
    }
    case "feedback": {
      if (!args) {
        await reply(
          "Write it after the command, e.g. <code>/feedback more talks on optimal transport</code>.",
        );
        return;
      }
      const { newRules } = await deps.reader.recordFeedback({
        text: args.slice(0, 4000),
        channel: "telegram",
      });
      const rules =
        newRules.length > 0
          ? `\n\nNew standing rules:\n${newRules.map((r) => `• ${esc(r.text)}`).join("\n")}`
          : "";
      await reply(`Thanks, noted: it shapes the next issues.${rules}`);
      return;
    }
    case "rules": {
      await reply(rulesMessage(await deps.reader.listRules(), deps.canEditRules(String(msg.chat.id))));
      return;
    }
    case "help":
      await reply(HELP);
      return;
    default:
      await reply(`Unknown command /${esc(command)}.\n\n${HELP}`);
  }
}

async function onCallback(query: TelegramCallbackQuery, deps: BotDeps): Promise<void> {
  let answer: string | undefined;
  try {
    const data = query.data ?? "";
    const vote = parseVoteCallback(data);
    if (vote) {
      const issue = await deps.issues.byDate(vote.date);
      const item = issue?.items[vote.itemIndex];
      if (!item) {
        answer = "That issue is no longer available.";
        return;
      }
      await deps.reader.recordFeedback({
        issueDate: vote.date,
        itemId: item.candidateId,
        rating: vote.vote,
        channel: "telegram",
        item: { title: item.title, summary: item.intuition.slice(0, 5000) },
      });
      answer =
        vote.vote === "up"
          ? `👍 Noted: more like “${shorten(item.title, 60)}”`
          : "👎 Noted: fewer picks like this";
      return;
    }
    if (data.startsWith(REMOVE_RULE_PREFIX)) {
      if (!deps.canEditRules(String(query.message?.chat.id ?? query.from.id))) {
        answer = "Only the feed's editor can remove rules; /feedback asks for a change.";
        return;
      }
      const removed = await deps.reader.removeRule(data.slice(REMOVE_RULE_PREFIX.length));
      answer = removed ? "Rule removed." : "That rule was already gone.";
      if (query.message) {
        await deps.client.editMessageText(
          query.message.chat.id,
          query.message.message_id,
          rulesMessage(await deps.reader.listRules()),
        );
      }
      return;
    }
    answer = "This button no longer does anything.";
  } finally {
    // Every callback query must be answered, or the button spins on the user's screen.
    await deps.client.answerCallbackQuery(query.id, answer);
  }
}

/** Handles one webhook update: a command, a button press, or nothing (other update kinds). */
export async function handleUpdate(update: TelegramUpdate, deps: BotDeps): Promise<void> {
  if (update.callback_query) {
    await onCallback(update.callback_query, deps);
    return;
  }
  const msg = update.message;
  if (!msg?.text) return;
  const parsed = parseCommand(msg.text);
  if (!parsed) {
    if (msg.chat.type === "private") {
      await deps.client.sendMessage(
        String(msg.chat.id),
        plain("I answer commands. /feedback &lt;text&gt; sends a note to the editor; /help lists the rest."),
      );
    }
    return;
  }
  await onCommand(msg, parsed.command, parsed.args, deps);
}
