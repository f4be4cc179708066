import { z } from "zod";

/** The channels an issue is delivered on (a profile's wishes, a subscription, a delivery job). */
export const Channel = z.enum(["email", "telegram"]);
export type Channel = z.infer<typeof Channel>;

/** A paper the reader already knows; novelty is judged against these. */
export const ReferencePaper = z.object({
  id: z.string().optional(),
  title: z.string().min(1),
  summary: z.string().optional(),
});
export type ReferencePaper = z.infer<typeof ReferencePaper>;

/**
 * The public profile format (`--profile <file>`, the reader's Durable Object, README "Profile JSON").
 * Interests are short statements; lenses are the ways of thinking the reader likes.
 */
export const ReaderProfile = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "reader id: lowercase letters, digits, '-' and '_'"),
  name: z.string().min(1),
  interests: z.array(z.string().min(3)).min(1),
  lenses: z.array(z.string().min(3)).default([]),
  references: z.array(ReferencePaper).default([]),
  categories: z.array(z.string()).default([]),
  /** YouTube channel ids whose keyless RSS feeds supply standalone talks. */
  youtubeChannels: z.array(z.string()).default([]),
  delivery: z
    .object({
      email: z.email().optional(),
      telegramChatId: z.string().optional(),
      channels: z.array(Channel).default([]),
      timezone: z.string().default("UTC"),
    })
    .default({ channels: [], timezone: "UTC" }),
});
export type ReaderProfile = z.infer<typeof ReaderProfile>;
export type ReaderProfileInput = z.input<typeof ReaderProfile>;
