/**
 * The Telegram bot's conversation: commands and button presses, turned into subscriptions, issue
 * messages and feedback. Each chat is a reader of its own: /subscribe asks for its interests in the
 * chat (the question is kept in that reader's Durable Object), and its issue, feedback and rules are
 * its own. Editor chats may also steer the public reader with /editor. Everything it touches comes in as ports, so it runs (and is
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

/** What the bot needs from a reader's Durable Object (`ReaderState` RPC). */
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

/** One chat's own reader: its feedback, its interests, its conversation state, its issues. */
export interface ChatReaderPort extends ReaderFeedbackPort {
  readonly readerId: string;
  /** The reader's interests, or null while it has no profile yet. */
  interests(): Promise<string[] | null>;
  /** Sets the interests (creating the profile if needed) and makes the reader active. */
  setInterests(interests: string[]): Promise<void>;
  /** Starts the reader from a copy of the public reader's profile and makes it active. */
  copyPublicProfile(): Promise<void>;
  /** The question the chat was asked last ("interests"), or null. */
  conversation(): Promise<string | null>;
  setConversation(state: string | null): Promise<void>;
  latest(): Promise<Issue | null>;
  byDate(date: string): Promise<Issue | null>;
  list(limit: number): Promise<{ date: string; title: string; summary: string }[]>;
  /** The private web page of one of its issues, and the reader's own page. */
  webUrl(date: string): string | undefined;
  meUrl(): Promise<string | undefined>;
}

/** Telegram subscriptions: each chat is a reader of its own. */
export interface ChatSubscriptionPort {
  /** Subscribes the chat, creating its reader on first use. */
  subscribe(chatId: string): Promise<{ wasActive: boolean }>;
  /** False when the chat was not subscribed. */
  unsubscribe(chatId: string): Promise<boolean>;
  /** The chat's reader, or undefined when the chat never subscribed. */
  readerOf(chatId: string): Promise<ChatReaderPort | undefined>;
}

export interface BotDeps {
  client: TelegramClient;
  subscriptions: ChatSubscriptionPort;
  /** The public reader, which only editor chats (TELEGRAM_EDITOR_CHAT_IDS) may steer with /editor. */
  publicReader: ReaderFeedbackPort;
  siteUrl: string;
  isEditor(chatId: string): boolean;
  log?: (entry: Record<string, unknown>) => void;
}

const HELP = `<b>Daily Feed</b> — research picks for your interests, every morning.

/subscribe — get your own issue here each day
/interests — see or change what your issue is picked for
/stop — stop the daily issue
/today — your latest issue now
/archive — links to your recent issues
/feedback &lt;text&gt; — tell the feed what to change
/rules — your standing rules drawn from feedback (and remove them)
/me — your page: interests, feedback, pause, export, delete
/help — this list

Use 👍/👎 under each pick to rate it: it shapes your next issues only.`;

const ASK_INTERESTS = `What should your issue be about? Send your interests, one per line (1–10 lines, 3–300 characters each), e.g.

<i>Gravitational-wave signals from black hole mergers
Dark matter in galaxy formation</i>

Or /skip to start from the editor's profile.`;

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
/** The editor's remove button for a rule of the public reader. */
const REMOVE_PUBLIC_RULE_PREFIX = "r|p|";

/** The remove-button payload of a rule, if its id fits in Telegram's 64 bytes. */
function removeRuleData(rule: Rule, prefix = REMOVE_RULE_PREFIX): string | undefined {
  const data = `${prefix}${rule.id}`;
  return new TextEncoder().encode(data).length <= TELEGRAM_LIMITS.callbackDataBytes ? data : undefined;
}

function shorten(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

/** The /rules message: every standing rule, with a remove button each. */
export function rulesMessage(rules: Rule[], prefix = REMOVE_RULE_PREFIX): TelegramMessage {
  if (rules.length === 0)
    return plain("No standing rules yet. /feedback &lt;text&gt; says what to change in your issue.");
  const lines = rules.map((r, i) => `${i + 1}. ${esc(r.text)}`);
  const rows: InlineKeyboardButton[][] = [];
  rules.forEach((r, i) => {
    const data = removeRuleData(r, prefix);
    if (data) rows.push([{ text: `✖ Remove ${i + 1}: ${shorten(r.text, 40)}`, callback_data: data }]);
  });
  return plain(`<b>Standing rules</b>\n\n${lines.join("\n")}\n\nTap a button to remove a rule.`, {
    ...(rows.length > 0 ? { reply_markup: { inline_keyboard: rows } } : {}),
  });
}

const NOT_SUBSCRIBED = "You have no feed here yet: /subscribe starts your own.";

/** Interests from a message (one per line): the list, or what is wrong with it. */
function interestLines(text: string): string[] | string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/^[-•*\d.)\s]+/, "").trim())
    .filter((l) => l !== "");
  if (lines.length === 0) return "Send at least one interest.";
  if (lines.length > 10) return `At most 10 interests (you sent ${lines.length}).`;
  const bad = lines.findIndex((l) => l.length < 3 || l.length > 300);
  if (bad >= 0) return `Line ${bad + 1}: each interest needs 3–300 characters.`;
  return [...new Set(lines)];
}

async function saveInterests(reader: ChatReaderPort, text: string, reply: (m: string) => Promise<unknown>) {
  const parsed = interestLines(text);
  if (typeof parsed === "string") {
    await reply(`${esc(parsed)} Nothing was changed; try again, or /skip.`);
    return;
  }
  await reader.setInterests(parsed);
  await reader.setConversation(null);
  await reply(
    `Saved ${parsed.length} interest${parsed.length === 1 ? "" : "s"}:\n${parsed.map((i) => `• ${esc(i)}`).join("\n")}\n\nYour own issue arrives here each morning. /interests changes them, /me opens your page.`,
  );
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
    case "start":
    case "subscribe": {
      const { wasActive } = await deps.subscriptions.subscribe(chatId);
      const reader = await deps.subscriptions.readerOf(chatId);
      if (reader && (await reader.interests()) === null) {
        await reader.setConversation("interests");
        await reply(`${command === "start" ? `${HELP}\n\n` : ""}${ASK_INTERESTS}`);
        return;
      }
      await reply(
        wasActive
          ? "You are subscribed already. /today shows your latest issue."
          : `Subscribed: your own issue will arrive here each morning. /today shows the latest one.${command === "start" ? `\n\n${HELP}` : ""}`,
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
    case "help":
      await reply(HELP);
      return;
    case "editor":
      await onEditor(chatId, args, deps, reply);
      return;
  }
  const reader = await deps.subscriptions.readerOf(chatId);
  if (!reader) {
    await reply(NOT_SUBSCRIBED);
    return;
  }
  switch (command) {
    case "skip": {
      if ((await reader.conversation()) !== "interests") {
        await reply("Nothing to skip. /interests changes what your issue is picked for.");
        return;
      }
      await reader.copyPublicProfile();
      await reader.setConversation(null);
      await reply(
        "Your issue starts from the editor's profile and learns from your 👍/👎. /interests sets your own.",
      );
      return;
    }
    case "interests": {
      if (args) {
        await saveInterests(reader, args, reply);
        return;
      }
      const current = await reader.interests();
      await reader.setConversation("interests");
      await reply(
        current
          ? `<b>Your interests</b>\n${current.map((i) => `• ${esc(i)}`).join("\n")}\n\nSend new ones (one per line) to replace them, or /cancel.`
          : ASK_INTERESTS,
      );
      return;
    }
    case "cancel":
      await reader.setConversation(null);
      await reply("OK, nothing changed.");
      return;
    case "today": {
      const issue = await reader.latest();
      if (!issue) {
        await reply("No issue yet: your first one comes with the next morning run.");
        return;
      }
      const webUrl = reader.webUrl(issue.date);
      const meUrl = await reader.meUrl();
      await sendTelegramIssue(
        deps.client,
        chatId,
        renderTelegram(issue, {
          siteUrl: deps.siteUrl,
          ...(webUrl ? { webUrl } : {}),
          ...(meUrl ? { meUrl } : {}),
        }),
      );
      return;
    }
    case "archive": {
      const issues = await reader.list(10);
      if (issues.length === 0) {
        await reply("No issues yet: your first one comes with the next morning run.");
        return;
      }
      const lines = issues.map((i) => {
        const url = reader.webUrl(i.date);
        const label = url ? `<a href="${esc(url)}">${i.date}</a>` : i.date;
        return `${label} — ${esc(shorten(i.summary || i.title, 160))}`;
      });
      await reply(`<b>Your recent issues</b>\n\n${lines.join("\n\n")}`);
      return;
    }
    case "me": {
      const url = await reader.meUrl();
      await reply(
        url
          ? `<a href="${esc(url)}">Your page</a>: interests, feedback, rules, pause, export, delete. Keep the link to yourself.`
          : "Your page is not available on this server.",
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
      const { newRules } = await reader.recordFeedback({
        text: args.slice(0, 4000),
        channel: "telegram",
      });
      const rules =
        newRules.length > 0
          ? `\n\nNew standing rules:\n${newRules.map((r) => `• ${esc(r.text)}`).join("\n")}`
          : "";
      await reply(`Thanks, noted: it shapes your next issues.${rules}`);
      return;
    }
    case "rules":
      await reply(rulesMessage(await reader.listRules()));
      return;
    default:
      await reply(`Unknown command /${esc(command)}.\n\n${HELP}`);
  }
}

/** `/editor <note>` and `/editor rules`: the public reader, for editor chats only. */
async function onEditor(
  chatId: string,
  args: string,
  deps: BotDeps,
  reply: (m: TelegramMessage | string) => Promise<unknown>,
): Promise<void> {
  if (!deps.isEditor(chatId)) {
    await reply("Only the feed's editor changes the public issue. /feedback shapes your own.");
    return;
  }
  if (args === "" || args === "rules") {
    await reply(rulesMessage(await deps.publicReader.listRules(), REMOVE_PUBLIC_RULE_PREFIX));
    return;
  }
  const { newRules } = await deps.publicReader.recordFeedback({
    text: args.slice(0, 4000),
    channel: "telegram",
  });
  await reply(
    `Noted for the public issue.${newRules.length > 0 ? `\n\nNew standing rules:\n${newRules.map((r) => `• ${esc(r.text)}`).join("\n")}` : ""}`,
  );
}

async function onCallback(query: TelegramCallbackQuery, deps: BotDeps): Promise<void> {
  let answer: string | undefined;
  const chatId = String(query.message?.chat.id ?? query.from.id);
  try {
    const data = query.data ?? "";
    if (data.startsWith(REMOVE_PUBLIC_RULE_PREFIX)) {
      if (!deps.isEditor(chatId)) {
        answer = "Only the feed's editor can remove the public issue's rules.";
        return;
      }
      const removed = await deps.publicReader.removeRule(data.slice(REMOVE_PUBLIC_RULE_PREFIX.length));
      answer = removed ? "Rule removed." : "That rule was already gone.";
      if (query.message) {
        await deps.client.editMessageText(
          query.message.chat.id,
          query.message.message_id,
          rulesMessage(await deps.publicReader.listRules(), REMOVE_PUBLIC_RULE_PREFIX),
        );
      }
      return;
    }
    const reader = await deps.subscriptions.readerOf(chatId);
    if (!reader) {
      answer = "Send /subscribe to get your own feed; your 👍/👎 then shape it.";
      return;
    }
    const vote = parseVoteCallback(data);
    if (vote) {
      const issue = await reader.byDate(vote.date);
      const item = issue?.items[vote.itemIndex];
      if (!item) {
        answer = "That issue is no longer available.";
        return;
      }
      await reader.recordFeedback({
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
      const removed = await reader.removeRule(data.slice(REMOVE_RULE_PREFIX.length));
      answer = removed ? "Rule removed." : "That rule was already gone.";
      if (query.message) {
        await deps.client.editMessageText(
          query.message.chat.id,
          query.message.message_id,
          rulesMessage(await reader.listRules()),
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

/** Handles one webhook update: a command, a button press, a reply to a question, or nothing. */
export async function handleUpdate(update: TelegramUpdate, deps: BotDeps): Promise<void> {
  if (update.callback_query) {
    await onCallback(update.callback_query, deps);
    return;
  }
  const msg = update.message;
  if (!msg?.text) return;
  const parsed = parseCommand(msg.text);
  if (!parsed) {
    const chatId = String(msg.chat.id);
    const reader = await deps.subscriptions.readerOf(chatId);
    const reply = (m: string) => deps.client.sendMessage(chatId, plain(m));
    // The answer to "what should your issue be about?" (the question lives in the chat's reader).
    if (reader && (await reader.conversation()) === "interests") {
      await saveInterests(reader, msg.text, reply);
      return;
    }
    if (msg.chat.type === "private") {
      await reply("I answer commands. /interests changes what your issue is about; /help lists the rest.");
    }
    return;
  }
  await onCommand(msg, parsed.command, parsed.args, deps);
}
