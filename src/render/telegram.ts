/**
 * The issue as Telegram messages: HTML mode, split on item boundaries under Telegram's 4,096-character
 * limit, with 👍/👎 buttons for every item in a message. Same sections, order and words as the web
 * page and the email; fields go through `fieldToTelegramHtml`.
 */
import {
  type InlineKeyboardButton,
  type InlineKeyboardMarkup,
  TELEGRAM_LIMITS,
  type TelegramMessage,
} from "../channels/telegram";
import { safeHref } from "../http-url";
import type { Issue, Item, Video } from "../issue";
import { fieldToTelegramHtml } from "./field-serializers";
import { discussionLabel, SECTION, talkFor, videoFacts, videoSections } from "./labels";

export interface TelegramContext {
  siteUrl: string;
  /** The issue's web page; a subscriber's is private (default: the public archive's page). */
  webUrl?: string;
  /** The reader's own page (`/me/<signed token>`). */
  meUrl?: string;
  /** Longest message text; Telegram's limit unless a test wants a smaller one. */
  maxChars?: number;
}

/** A vote button's payload: `v|u|2026-02-13|0` (vote, up/down, issue date, item index) — 16 bytes. */
export function voteCallbackData(date: string, itemIndex: number, vote: "up" | "down"): string {
  return `v|${vote === "up" ? "u" : "d"}|${date}|${itemIndex}`;
}

/** Parses what `voteCallbackData` wrote; undefined for anything else. */
export function parseVoteCallback(
  data: string,
): { date: string; itemIndex: number; vote: "up" | "down" } | undefined {
  const m = /^v\|([ud])\|(\d{4}-\d{2}-\d{2})\|(\d{1,3})$/.exec(data);
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  return { vote: m[1] === "u" ? "up" : "down", date: m[2], itemIndex: Number(m[3]) };
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A link when `url` is http(s) (checked again here), else the bare text. */
function link(url: string, text: string): string {
  const href = safeHref(url);
  if (!href) return esc(text);
  return `<a href="${esc(href).replace(/"/g, "&quot;")}">${esc(text)}</a>`;
}

function field(label: string, md: string): string {
  return `<b>${esc(label)}:</b> ${fieldToTelegramHtml(md)}`;
}

function itemBlock(item: Item): string {
  const parts = [
    `<b>${link(item.url, item.title)}</b>\n<b>Domain:</b> ${esc(item.domain)} | <b>Time cost:</b> ${esc(item.timeCost)}`,
    field("Intuition", item.intuition),
    field("Concrete punch", item.punch),
    field("Significance", item.significance),
    field("Why it matches", item.whyItMatches),
  ];
  if (item.discussion) parts.push(link(item.discussion.url, discussionLabel(item.discussion)));
  return parts.join("\n\n");
}

function videoBlock(issue: Issue, v: Video): string {
  const forPick = talkFor(issue, v);
  return [
    `<b>${link(v.url, v.title)}</b>`,
    esc(videoFacts(v)),
    ...(forPick ? [esc(forPick)] : []),
    "",
    esc(v.reason),
  ].join("\n");
}

function bullets(entries: string[]): string {
  return entries.map((e) => `• ${esc(e)}`).join("\n");
}

/** A unit of text that is never split across messages unless it alone exceeds the limit. */
interface Block {
  text: string;
  /** Index of the research item the block holds, for its vote buttons. */
  itemIndex?: number;
}

function blocksOf(issue: Issue): Block[] {
  const blocks: Block[] = [
    { text: `<b>${esc(issue.title)}</b>\n<i>${esc(issue.summary)}</i>\n\n${esc(issue.countLine)}` },
  ];
  issue.items.forEach((item, itemIndex) => {
    blocks.push({ text: itemBlock(item), itemIndex });
  });
  for (const { heading, videos } of videoSections(issue)) {
    videos.forEach((v, i) => {
      const body = videoBlock(issue, v);
      blocks.push({ text: i === 0 ? `<b>${heading}</b>\n\n${body}` : body });
    });
  }
  if (issue.notes.length > 0) blocks.push({ text: `<b>${SECTION.notes}</b>\n${bullets(issue.notes)}` });
  const { received, rules } = issue.feedback;
  if (received.length > 0 || rules.length > 0) {
    const parts = [`<b>${SECTION.feedback}</b>`];
    if (received.length > 0) parts.push(`<b>${SECTION.received}</b>\n${bullets(received)}`);
    if (rules.length > 0) parts.push(`<b>${SECTION.rules}</b>\n${bullets(rules.map((r) => r.text))}`);
    blocks.push({ text: parts.join("\n\n") });
  }
  return blocks;
}

/** Tags that may span a blank line inside a field; a split point must be outside all of them. */
const PAIRED = /<(\/?)(pre|blockquote|code|b|i|s|u|a)\b[^>]*>/g;

/** Paragraph boundaries ("\n\n") outside any open tag. */
function safeParagraphs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let i = 0;
  while (i < text.length) {
    if (text[i] === "<") {
      PAIRED.lastIndex = i;
      const m = PAIRED.exec(text);
      if (m && m.index === i) {
        depth += m[1] === "/" ? -1 : 1;
        i = PAIRED.lastIndex;
        continue;
      }
    }
    if (depth === 0 && text.startsWith("\n\n", i)) {
      out.push(text.slice(start, i));
      i += 2;
      start = i;
      continue;
    }
    i++;
  }
  out.push(text.slice(start));
  return out.filter((p) => p.length > 0);
}

/** Last resort for a paragraph longer than a whole message: its text without markup, in pieces. */
function hardSplit(text: string, max: number): string[] {
  const plain = text
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
  const pieces: string[] = [];
  let current = "";
  for (const ch of plain) {
    const e = esc(ch);
    if (current.length + e.length > max) {
      pieces.push(current);
      current = "";
    }
    current += e;
  }
  if (current) pieces.push(current);
  return pieces;
}

/** Splits one over-long block into blocks that fit, at paragraph boundaries where possible. */
function splitBlock(block: Block, max: number): Block[] {
  if (block.text.length <= max) return [block];
  const out: Block[] = [];
  let current = "";
  const flush = () => {
    if (current) out.push({ ...block, text: current });
    current = "";
  };
  for (const para of safeParagraphs(block.text)) {
    const pieces = para.length <= max ? [para] : hardSplit(para, max);
    for (const piece of pieces) {
      if (current && current.length + 2 + piece.length > max) flush();
      current = current ? `${current}\n\n${piece}` : piece;
    }
  }
  flush();
  return out;
}

function shortTitle(title: string, max = 28): string {
  return title.length <= max ? title : `${title.slice(0, max - 1).trimEnd()}…`;
}

function keyboardFor(issue: Issue, itemIndexes: number[]): InlineKeyboardMarkup | undefined {
  if (itemIndexes.length === 0) return undefined;
  const rows: InlineKeyboardButton[][] = itemIndexes.map((i) => {
    const label = itemIndexes.length === 1 ? undefined : shortTitle(issue.items[i]?.title ?? `#${i + 1}`);
    return [
      { text: label ? `👍 ${label}` : "👍 Good pick", callback_data: voteCallbackData(issue.date, i, "up") },
      {
        text: label ? `👎 ${label}` : "👎 Not for me",
        callback_data: voteCallbackData(issue.date, i, "down"),
      },
    ];
  });
  return { inline_keyboard: rows };
}

/**
 * The issue as Telegram messages, in order. Blocks (header, each item, each talk, notes, feedback)
 * are packed greedily without ever splitting an item across two messages, unless one item alone
 * exceeds the limit. Each message carries a 👍/👎 row for every item whose text starts in it.
 */
export function renderTelegram(issue: Issue, ctx: TelegramContext): TelegramMessage[] {
  const max = ctx.maxChars ?? TELEGRAM_LIMITS.messageChars;
  // The reader's own page is chrome, not content: it closes the last message.
  const chrome: Block[] = ctx.meUrl
    ? [{ text: `${link(ctx.meUrl, "Your page")}: interests, feedback, rules, pause, export, delete.` }]
    : [];
  const blocks = [...blocksOf(issue), ...chrome].flatMap((b) => splitBlock(b, max));
  const messages: { text: string; items: number[] }[] = [];
  let current: { text: string; items: number[] } | undefined;
  for (const block of blocks) {
    if (current && current.text.length + 2 + block.text.length > max) {
      messages.push(current);
      current = undefined;
    }
    if (!current) current = { text: block.text, items: [] };
    else current.text = `${current.text}\n\n${block.text}`;
    if (block.itemIndex !== undefined && !current.items.includes(block.itemIndex))
      current.items.push(block.itemIndex);
  }
  if (current) messages.push(current);
  // An item split across messages gets its buttons under its last part, where reading it ends.
  messages.forEach((m, i) => {
    m.items = m.items.filter((item) => !messages.slice(i + 1).some((later) => later.items.includes(item)));
  });
  const webUrl = ctx.webUrl ?? `${ctx.siteUrl}/issues/${issue.date}`;
  return messages.map((m, i) => {
    const keyboard = keyboardFor(issue, m.items);
    // A link button only for a public https site: Telegram rejects buttons that point at localhost.
    const last = i === messages.length - 1;
    const webRow: InlineKeyboardButton[][] =
      last && webUrl.startsWith("https://") ? [[{ text: "Read on the web", url: webUrl }]] : [];
    const rows = [...(keyboard?.inline_keyboard ?? []), ...webRow];
    return {
      text: m.text,
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      ...(rows.length > 0 ? { reply_markup: { inline_keyboard: rows } } : {}),
    };
  });
}
