import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message as the catcher stored it. */
export interface CapturedMail {
  /** Envelope recipients, i.e. everyone the message was delivered to. */
  to: string[];
  from: string;
  subject: string;
  text: string;
  /** ISO time the message was received. */
  date: string;
}

export interface MailCatcher {
  port: number;
  /** What to put in SMTP_URL. */
  url: string;
  dir: string;
  close(): Promise<void>;
}

/**
 * A local SMTP server for demos and tests: accepts every message (any or no login, no TLS) and
 * writes it as a JSON file into `dir`, instead of delivering it. Port 0 picks a free port.
 */
export async function startMailCatcher(opts: { port: number; dir: string; host?: string }): Promise<MailCatcher> {
  const host = opts.host ?? '127.0.0.1';
  await mkdir(opts.dir, { recursive: true });
  // Time plus a counter keeps file names in arrival order within one millisecond too.
  let received = 0;
  const server = new SMTPServer({
    banner: 'OCS Portal mail catcher',
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anyone' });
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          const mail: CapturedMail = {
            to: session.envelope.rcptTo.map((r) => r.address),
            from: parsed.from?.value.map((a) => (a.name ? `${a.name} <${a.address}>` : (a.address ?? ''))).join(', ') ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            date: new Date().toISOString(),
          };
          // Written before the server answers, so once sendMail resolves the file is there.
          await writeFile(path.join(opts.dir, `${Date.now()}-${String(received++).padStart(6, '0')}-${randomUUID()}.json`), JSON.stringify(mail, null, 2));
          callback();
        })
        .catch((e: Error) => callback(e));
    },
  });
  server.on('error', (e) => console.error('[mail catcher]', e));
  const listening = await new Promise<AddressInfo>((resolve, reject) => {
    const net = server.listen(opts.port, host, () => resolve(net.address() as AddressInfo));
    net.once('error', reject);
  });
  return {
    port: listening.port,
    url: `smtp://${host}:${listening.port}`,
    dir: opts.dir,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Every message captured in `dir`, oldest first. */
export async function readCapturedMail(dir: string): Promise<CapturedMail[]> {
  const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  const files = names.filter((n) => n.endsWith('.json')).sort();
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(dir, f), 'utf8')) as CapturedMail));
}
