// The small HTML pages the development identity providers (OIDC and SAML) show.

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A bilingual page; `accent` tells the two development IdPs apart at a glance. */
export function devIdpPage(title: string, body: string, accent: string): string {
  return `<!DOCTYPE html>
<html lang="ja">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <style>
    body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1f2937}
    form{display:grid;gap:.5rem}input,button{font:inherit;padding:.5rem}
    button{margin-top:.5rem;background:${accent};color:#fff;border:0;border-radius:4px;cursor:pointer}
    .error,[role=alert]{color:#b91c1c;font-weight:600}section{margin-top:2rem;font-size:.9rem}
  </style>
</head>
<body>
  <h1>${escapeHtml(title)}</h1>
  ${body}
</body>
</html>`;
}

/** The sign-in form both development IdPs show, with their demo accounts listed under it. */
export function devLoginForm(opts: { action: string; username?: string; error?: string; accounts: { username: string; password: string; who: string }[] }): string {
  const list = opts.accounts.map((a) => `<li><code>${escapeHtml(a.username)}</code> / <code>${escapeHtml(a.password)}</code> — ${escapeHtml(a.who)}</li>`).join('');
  return `${opts.error ? `<p role="alert" class="error">${escapeHtml(opts.error)}</p>` : ''}
    <form method="post" action="${escapeHtml(opts.action)}" autocomplete="off">
      <label for="username">ユーザー名 / Username</label>
      <input id="username" name="username" autocomplete="username" required autofocus value="${escapeHtml(opts.username ?? '')}">
      <label for="password">パスワード / Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <button type="submit">サインイン / Sign in</button>
    </form>
    <section>
      <h2>デモアカウント / Demo accounts</h2>
      <p>開発用 IdP です。本番では使用しないでください / Development IdP only, never use in production.</p>
      <ul>${list}</ul>
    </section>`;
}
