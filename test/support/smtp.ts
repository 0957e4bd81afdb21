/**
 * A real SMTP server for the e-mail tests (the `smtp-server` package) on a free loopback port, offering STARTTLS with a
 * certificate made for the test by `openssl` (its CA file is what HUIYING_SMTP_CA_FILE would name), and keeping every
 * message it accepted, decoded: envelope, headers (encoded words undone), the text body, whether the session was
 * encrypted. Recipients steer its answers: `refuse-550…@` is refused for good, `busy-451…@` for now.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { getFreePort } from '../../scripts/ports';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** Header names in lower case, values unfolded and decoded. */
  headers: Record<string, string>;
  subject: string;
  messageId: string;
  text: string;
  /** The session was TLS (STARTTLS) when the message came. */
  secure: boolean;
  raw: string;
}

export interface TestSmtpServer {
  host: string;
  port: number;
  /** A PEM file of the certificate the server presents (self-signed: it is its own CA). */
  caFile: string;
  messages: ReceivedMail[];
  stop(): Promise<void>;
}

export async function startSmtpServer(opts: { starttls?: boolean } = {}): Promise<TestSmtpServer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-smtp-'));
  const keyFile = path.join(dir, 'key.pem');
  const caFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      caFile,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );

  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    key: await fs.readFile(keyFile),
    cert: await fs.readFile(caFile),
    disabledCommands: opts.starttls === false ? ['STARTTLS'] : [],
    onRcptTo(address, _session, callback) {
      const reply = /^(refuse-550|busy-451)/.exec(address.address)?.[1];
      if (!reply) return callback();
      const err = Object.assign(new Error(reply === 'refuse-550' ? 'mailbox unavailable' : 'try again later'), {
        responseCode: reply === 'refuse-550' ? 550 : 451,
      });
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        messages.push(
          parseMail(
            raw,
            from,
            session.envelope.rcptTo.map((r) => r.address),
            session.secure,
          ),
        );
        callback();
      });
    },
  });
  const host = '127.0.0.1';
  const port = await getFreePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    host,
    port,
    caFile,
    messages,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

function parseMail(raw: string, from: string, to: string[], secure: boolean): ReceivedMail {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body.replace(/=\r?\n/g, ''))
        : body;
  return {
    from,
    to,
    headers,
    subject: headers.subject ?? '',
    messageId: headers['message-id'] ?? '',
    text: text.replace(/\r\n/g, '\n'),
    secure,
    raw,
  };
}

/** RFC 2047 encoded words (=?UTF-8?B?…?=, =?UTF-8?Q?…?=): adjacent ones are one byte sequence (a character may span two). */
function decodeWords(value: string): string {
  return value.replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=\s*)+/g, (run) => {
    const bytes = [...run.matchAll(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g)].map(([, enc, data]) =>
      enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : qpBytes(data.replace(/_/g, ' ')),
    );
    return Buffer.concat(bytes).toString('utf8') + (/\s$/.test(run) ? ' ' : '');
  });
}

function decodeQuotedPrintable(text: string): string {
  return qpBytes(text).toString('utf8');
}

function qpBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i], 'utf8'));
  }
  return Buffer.from(bytes);
}
