import { randomUUID } from 'node:crypto';
import type { Db } from './pool';

/** What an attempt to send a notification e-mail found (table email_deliveries). */
export type EmailClaim =
  /** This attempt sends it; `claims` above 1 means an earlier attempt stopped mid-way and may have sent it already. */
  | { outcome: 'claimed'; claim: string; claims: number }
  /** The server accepted it before: nothing to do. */
  | { outcome: 'sent' }
  /** Another attempt is sending it now (its claim is younger than the lease). */
  | { outcome: 'busy' };

/** Claims `notificationId` for sending, unless it was sent or another attempt holds a claim younger than `leaseS`. */
export async function claimEmail(db: Db, notificationId: string, messageId: string, leaseS: number): Promise<EmailClaim> {
  const claim = randomUUID();
  const { rows } = await db.query(
    `INSERT INTO email_deliveries (notification_id, message_id, state, claim) VALUES ($1, $2, 'sending', $3)
     ON CONFLICT (notification_id) DO UPDATE SET claim = EXCLUDED.claim, claimed_at = now(), claims = email_deliveries.claims + 1
       WHERE email_deliveries.state = 'sending' AND email_deliveries.claimed_at < now() - make_interval(secs => $4)
     RETURNING claims`,
    [notificationId, messageId, claim, leaseS],
  );
  if (rows[0]) return { outcome: 'claimed', claim, claims: rows[0].claims as number };
  const found = await db.query(`SELECT state FROM email_deliveries WHERE notification_id = $1`, [notificationId]);
  // Released between the two statements (the other attempt failed): busy, the next try claims it.
  return found.rows[0]?.state === 'sent' ? { outcome: 'sent' } : { outcome: 'busy' };
}

/** The server accepted the message. Whatever attempt holds the claim now: the message is out. */
export async function markEmailSent(db: Db, notificationId: string, response: string): Promise<void> {
  await db.query(`UPDATE email_deliveries SET state = 'sent', sent_at = now(), response = $2 WHERE notification_id = $1`, [
    notificationId,
    response.slice(0, 500),
  ]);
}

/** The attempt failed before the server accepted the message: the next attempt may claim it at once. */
export async function releaseEmail(db: Db, notificationId: string, claim: string): Promise<void> {
  await db.query(`DELETE FROM email_deliveries WHERE notification_id = $1 AND state = 'sending' AND claim = $2`, [notificationId, claim]);
}
