// HTML of the development SAML IdP: its login form and the HTTP-POST binding's auto-submit page.
import type { DemoSamlAccount } from './dev-idp';
import { devIdpPage, devLoginForm, escapeHtml } from '@/lib/dev-idp/html-page';

export function loginPage(action: string, accounts: readonly DemoSamlAccount[], state: { username?: string; error?: string } = {}): string {
  return page(
    '学認 SAML デモ IdP / GakuNin SAML demo IdP',
    devLoginForm({ action, ...state, accounts: accounts.map((a) => ({ ...a, who: `${a.jaDisplayName} (${a.displayName}, ${a.eppn})` })) }),
  );
}

/** HTTP-POST binding: the browser carries the response to the SP's ACS. */
export function autoPostPage(acsUrl: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  return page(
    'サービスへ戻ります / Returning to the service',
    `<form method="post" action="${escapeHtml(acsUrl)}">${inputs}<noscript><button type="submit">続ける / Continue</button></noscript></form>
    <script>document.forms[0].submit()</script>`,
  );
}

export function page(title: string, body: string): string {
  return devIdpPage(title, body, '#047857');
}
