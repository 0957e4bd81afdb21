import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createTransport, type Transporter } from 'nodemailer';
import type { Config } from '../config';
import { claimEmail, markEmailSent, releaseEmail } from '../db/email-deliveries';
import type { Db } from '../db/pool';
import { mailDomainOf, mailOf } from '../domain/notification-mail';
import type { Notification } from '../domain/notifications';
import { DeliveryError, type Notifier } from './notifier';

export type SmtpSettings = NonNullable<Config['notifier']['smtp']>;

/**
 * A send takes at most this long (connecting, TLS, the server's replies): well inside the `notify` activity's 30 s
 * and shorter than the claim's lease, so a claim older than the lease belongs to an attempt that is gone.
 */
const SEND_TIMEOUT_MS = 25_000;
const LEASE_S = 120;

/**
 * Notification e-mails through the county's SMTP relay (nodemailer): a Chinese subject and body
 * (domain/notification-mail.ts), a Message-ID derived from the notification id, to the addresses `to` gives
 * (the notification directory's).
 *
 * SMTP has no idempotency key, so each send is recorded in the read model's database (db/email-deliveries.ts): an
 * attempt claims the id, sends, and marks it sent; a retried activity finds it sent and does nothing, or finds a
 * fresh claim of an attempt still sending and fails (retryable) until that one has finished. What remains: an attempt
 * that stops after the server accepted the message and before the mark is written (a crash, the database down, a
 * time-out after the last byte) leaves a claim that the next attempt takes over once its lease has passed and sends
 * again — one repeat, with the same Message-ID, which mail clients and servers treat as the same message.
 *
 * A 5xx reply to the message or its recipients is the server refusing it for good (permanent: the case records
 * `notify_failed`); 4xx replies, connection and TLS faults, and a refused login (a configuration to fix, the message
 * itself is fine) are retried.
 */
export class EmailNotifier implements Notifier {
  readonly name = 'email';
  private readonly transport: Transporter;
  private readonly domain: string;

  constructor(
    private readonly settings: SmtpSettings,
    private readonly db: Db,
    private readonly to: (n: Notification) => readonly string[],
  ) {
    this.domain = mailDomainOf(settings.from) ?? 'huiying.invalid';
    this.transport = createTransport({
      host: settings.host,
      port: settings.port,
      // STARTTLS whenever the server offers it (nodemailer's default), required, or TLS from the first byte.
      secure: settings.secure === 'implicit',
      requireTLS: settings.secure === 'require-starttls',
      ...(settings.user !== undefined ? { auth: { user: settings.user, pass: settings.password } } : {}),
      tls: { minVersion: 'TLSv1.2', ...(settings.caFile !== undefined ? { ca: readFileSync(settings.caFile, 'utf8') } : {}) },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 15_000,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async deliver(notification: Notification): Promise<{ delivered: boolean }> {
    const to = [...this.to(notification)];
    if (to.length === 0) throw new EmailError(`no e-mail address for ${notification.to.kind} (${notification.id})`, true);
    const messageId = messageIdOf(notification.id, this.domain);
    const claim = await claimEmail(this.db, notification.id, messageId, LEASE_S);
    if (claim.outcome === 'sent') return { delivered: false };
    if (claim.outcome === 'busy') throw new EmailError(`e-mail ${notification.id} is being sent by another attempt`, false);

    const { subject, text } = mailOf(notification);
    let response: string;
    try {
      const info = await this.transport.sendMail({
        from: this.settings.from,
        to,
        subject,
        text,
        textEncoding: 'base64',
        messageId,
        headers: { 'X-Huiying-Notification': notification.id },
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
      response = String(info.response ?? '');
    } catch (err) {
      await releaseEmail(this.db, notification.id, claim.claim).catch(() => undefined); // the lease frees it anyway
      throw refusalOf(err, notification.id);
    }
    await markEmailSent(this.db, notification.id, response);
    return { delivered: true };
  }

  /** Checks that the server answers and takes our login (for start-up and tests). */
  async verify(): Promise<void> {
    await this.transport.verify();
  }

  close(): void {
    this.transport.close();
  }
}

export class EmailError extends DeliveryError {
  constructor(message: string, permanent: boolean) {
    super(message, permanent);
    this.name = 'EmailError';
  }
}

/** `<huiying.<id>@<sender's domain>>`: the same for every attempt, so a repeat is recognisably the same message. */
export function messageIdOf(notificationId: string, domain: string): string {
  const local = notificationId.replace(/[^A-Za-z0-9._-]/g, '_');
  // Replaced characters could make two ids one: a short hash of the original keeps them apart.
  const tag = local === notificationId ? '' : `.${createHash('sha256').update(notificationId).digest('hex').slice(0, 10)}`;
  return `<huiying.${local}${tag}@${domain}>`;
}

/** The server's verdict on the message (5xx to MAIL, RCPT or DATA: permanent), or a fault that may pass. */
function refusalOf(err: unknown, id: string): EmailError {
  const e = err as { message?: string; code?: string; responseCode?: number; command?: string };
  const message = `SMTP ${e.responseCode ?? e.code ?? 'error'} for ${id}: ${e.message ?? String(err)}`.slice(0, 500);
  const refusedMessage = e.code === 'EENVELOPE' || e.code === 'EMESSAGE';
  const permanent = refusedMessage && typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
  return new EmailError(message, permanent);
}
