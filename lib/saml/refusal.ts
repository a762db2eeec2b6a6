import { translate, type MessageKey } from '@/lib/i18n/messages';

// Why a SAML response was refused. The reason goes to the audit log (details.reason) and picks the
// bilingual text the user sees; the technical message goes only to the audit log.

const STATUS = {
  noPendingRequest: 400,
  malformed: 400,
  unknownIdp: 403,
  signature: 403,
  audience: 403,
  destination: 403,
  expired: 403,
  inResponseTo: 403,
  replay: 403,
  idpStatus: 403,
  missingAttribute: 403,
  scope: 403,
  accountConflict: 409,
} as const;

export type SamlRefusalReason = keyof typeof STATUS;

export class SamlRefusal extends Error {
  constructor(
    readonly reason: SamlRefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'SamlRefusal';
  }

  get status(): number {
    return STATUS[this.reason];
  }
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page shown instead of signing in: Japanese, then English, and a way back. */
export function refusalPage(reason: SamlRefusalReason): string {
  const key = `saml.refused.${reason}` as MessageKey;
  const block = (locale: 'ja' | 'en') => `<section lang="${locale}">
    <h1>${escapeHtml(translate(locale, 'saml.refused.title'))}</h1>
    <p role="alert">${escapeHtml(translate(locale, key))}</p>
    <p><a href="/signin">${escapeHtml(translate(locale, 'saml.refused.back'))}</a></p>
  </section>`;
  return `<!DOCTYPE html>
<html lang="ja">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(translate('ja', 'saml.refused.title'))} / ${escapeHtml(translate('en', 'saml.refused.title'))}</title>
  <style>
    body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2937}
    h1{font-size:1.25rem;color:#be123c}section+section{margin-top:2rem;border-top:1px solid #e2e8f0;padding-top:1rem}
    a{color:#4338ca}
  </style>
</head>
<body>
  ${block('ja')}
  ${block('en')}
  <p><small>reason: ${escapeHtml(reason)}</small></p>
</body>
</html>`;
}
