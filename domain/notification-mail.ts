/**
 * A notification as an e-mail people read: a Chinese subject a mail client lists usefully (the notice's own tag,
 * the ledger number and the case title, as its text opens: 【交办】LZ-2026-000123「路灯不亮」), and the text itself
 * with where to act. Never more than the notification says (staff notifications name no citizen).
 */
import type { Notification } from './notifications';

const SUBJECT_MAX = 120;
/** The notice's opening up to the case title's closing quote: 【tag】ledger「title」. */
const OPENING = /^【[^】]{1,20}】[^「]{0,40}「[^」]{0,80}」/;
const TAG = /^【[^】]{1,20}】/;

export interface MailText {
  subject: string;
  text: string;
}

export function mailOf(n: Notification): MailText {
  const opening = OPENING.exec(n.text)?.[0] ?? `${TAG.exec(n.text)?.[0] ?? '【12345】'}${n.ledgerNo}`;
  const subject = opening.length > SUBJECT_MAX ? `${opening.slice(0, SUBJECT_MAX - 1)}…` : opening;
  const text = [n.text, '', `工单编号：${n.ledgerNo}`, '请登录回应系统查看和办理。本邮件由系统自动发送，请勿直接回复。', ''].join('\n');
  return { subject, text };
}

/** The domain of a sender such as `回应平台 <huiying@county.gov.cn>` or `huiying@county.gov.cn`; undefined if it is none. */
export function mailDomainOf(from: string): string | undefined {
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
  return /^[^\s@<>]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})$/.exec(address.trim())?.[1];
}
