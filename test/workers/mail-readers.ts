/**
 * Readers whose subscriptions are all email, and what the capture transport (EMAIL_TRANSPORT=capture) holds for
 * them: the queue and sweeper tests count copies per address to see lost or doubled mail.
 */
import { env } from "cloudflare:workers";
import { ensureReader } from "../../d1/readers";
import { demoProfile } from "../../src/demo-profile";

/**
 * Reader `id` with `emails` active email subscriptions (`id-s0`, … addressed `id-0@example.org`, …) and,
 * when `profile`, the demo reader's profile.
 */
export async function emailReader(id: string, emails: number, profile: boolean): Promise<void> {
  const at = new Date().toISOString();
  await ensureReader(env.DB, id, id, new Date());
  if (profile) await env.READER_STATE.getByName(id).setProfile({ ...demoProfile, id });
  for (let i = 0; i < emails; i++) {
    await env.DB.prepare(
      `INSERT INTO subscriptions (id, reader_id, channel, address, status, created_at, updated_at)
       VALUES (?, ?, 'email', ?, 'active', ?, ?)`,
    )
      .bind(`${id}-s${i}`, id, `${id}-${i}@example.org`, at, at)
      .run();
  }
}

/** Addresses of `readerId`'s recipients that received mail, one entry per copy. */
export async function received(readerId: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT mail_to FROM captured_mail WHERE mail_to LIKE ? ORDER BY mail_to",
  )
    .bind(`${readerId}-%`)
    .all<{ mail_to: string }>();
  return results.map((r) => r.mail_to);
}
