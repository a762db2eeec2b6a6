// HTML of the development SAML IdP: its login form and the HTTP-POST binding's auto-submit page.
import type { DemoSamlAccount } from './dev-idp';
import { devIdpPage, escapeHtml } from '@/lib/dev-idp/html-page';

export function loginPage(action: string, accounts: readonly DemoSamlAccount[], state: { username?: string; error?: string } = {}): string {
  const list = accounts
    .map((a) => `<li><code>${escapeHtml(a.username)}</code> / <code>${escapeHtml(a.password)}</code> — ${escapeHtml(a.jaDisplayName)} (${escapeHtml(a.displayName)}, ${escapeHtml(a.eppn)})</li>`)
    .join('');
  return page(
    '学認 SAML デモ IdP / GakuNin SAML demo IdP',
    `${state.error ? `<p role="alert" class="error">${escapeHtml(state.error)}</p>` : ''}
    <form method="post" action="${escapeHtml(action)}" autocomplete="off">
      <label for="username">ユーザー名 / Username</label>
      <input id="username" name="username" autocomplete="username" required autofocus value="${escapeHtml(state.username ?? '')}">
      <label for="password">パスワード / Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <button type="submit">サインイン / Sign in</button>
    </form>
    <section>
      <h2>デモアカウント / Demo accounts</h2>
      <p>開発用 IdP です。本番では使用しないでください / Development IdP only, never use in production.</p>
      <ul>${list}</ul>
    </section>`,
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
