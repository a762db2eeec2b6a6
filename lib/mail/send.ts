import nodemailer, { type Transporter } from 'nodemailer';

export interface MailMessage {
  to: string | string[];
  subject: string;
  text: string;
}

/** How a message went: over SMTP, only into the log (no SMTP_URL), or not at all. */
export type MailResult = { ok: true; via: 'smtp' | 'log' } | { ok: false; error: string };

export const DEFAULT_MAIL_FROM = 'OCS Portal <noreply@ocs.example>';

// One transport per SMTP URL, so a process reuses it across messages (and tests may switch URLs).
const transports = new Map<string, Transporter>();

function transportFor(url: string): Transporter {
  let transport = transports.get(url);
  if (!transport) {
    // Short timeouts: a notification waits for the server, and a dead one must not hold a request for minutes.
    transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
    transports.set(url, transport);
  }
  return transport;
}

/**
 * Sends a plain-text message through SMTP_URL from MAIL_FROM, or logs it when SMTP_URL is unset.
 * Never throws: a notification that cannot be delivered must not undo the action it reports,
 * so failures are logged and returned for the caller to record.
 */
export async function sendMail(message: MailMessage): Promise<MailResult> {
  const to = [...new Set([message.to].flat().map((a) => a.trim()).filter(Boolean))];
  const url = process.env.SMTP_URL?.trim();
  const from = process.env.MAIL_FROM?.trim() || DEFAULT_MAIL_FROM;
  if (!to.length) return { ok: true, via: 'log' };
  if (!url) {
    console.info(`[mail] SMTP_URL is not set, so this message is only logged:\nFrom: ${from}\nTo: ${to.join(', ')}\nSubject: ${message.subject}\n\n${message.text}`);
    return { ok: true, via: 'log' };
  }
  try {
    await transportFor(url).sendMail({ from, to, subject: message.subject, text: message.text });
    return { ok: true, via: 'smtp' };
  } catch (e) {
    const error = `could not send "${message.subject}" to ${to.join(', ')}: ${e instanceof Error ? e.message : String(e)}`;
    console.error(`[mail] ${error}`);
    return { ok: false, error };
  }
}
