// HTML of the development SAML IdP: its login form and the HTTP-POST binding's auto-submit page.
import type { DemoSamlAccount } from './dev-idp';

export function loginPage(action: string, accounts: readonly DemoSamlAccount[], state: { username?: string; error?: string } = {}): string {
  const list = accounts
    .map((a) => `<li><code>${escapeXml(a.username)}</code> / <code>${escapeXml(a.password)}</code> — ${escapeXml(a.jaDisplayName)} (${escapeXml(a.displayName)}, ${escapeXml(a.eppn)})</li>`)
    .join('');
  return page(
    '学認 SAML デモ IdP / GakuNin SAML demo IdP',
    `${state.error ? `<p role="alert" class="error">${escapeXml(state.error)}</p>` : ''}
    <form method="post" action="${escapeXml(action)}" autocomplete="off">
      <label for="username">ユーザー名 / Username</label>
      <input id="username" name="username" autocomplete="username" required autofocus value="${escapeXml(state.username ?? '')}">
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
    .map(([k, v]) => `<input type="hidden" name="${escapeXml(k)}" value="${escapeXml(v)}">`)
    .join('');
  return page(
    'サービスへ戻ります / Returning to the service',
    `<form method="post" action="${escapeXml(acsUrl)}">${inputs}<noscript><button type="submit">続ける / Continue</button></noscript></form>
    <script>document.forms[0].submit()</script>`,
  );
}

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="ja">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeXml(title)}</title>
  <style>
    body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1f2937}
    form{display:grid;gap:.5rem}input,button{font:inherit;padding:.5rem}
    button{margin-top:.5rem;background:#047857;color:#fff;border:0;border-radius:4px;cursor:pointer}
    .error,[role=alert]{color:#b91c1c;font-weight:600}section{margin-top:2rem;font-size:.9rem}
  </style>
</head>
<body>
  <h1>${escapeXml(title)}</h1>
  ${body}
</body>
</html>`;
}

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
