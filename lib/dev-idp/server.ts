/**
 * Development OpenID Connect identity provider for demos and tests.
 *
 * Built on the certified `oidc-provider` package so the portal exercises a
 * real authorization-code flow (PKCE, state, nonce, signed id_token,
 * userinfo) rather than a mock. Only the login UI is ours: a bilingual form
 * for the demo accounts, with consent granted automatically because every
 * registered client is a first-party OCS application.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider, { errors, type Interaction, type InteractionResults, type KoaContext } from 'oidc-provider';

import { DEMO_ACCOUNTS, type DemoAccount } from './accounts';
import { devIdpPage, devLoginForm, escapeHtml } from './html-page';

export type DevIdpClient = {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
};

export type DevIdpOptions = {
  port: number;
  /** Interface to bind; defaults to loopback so the demo IdP is never exposed. */
  host?: string;
  /**
   * Defaults to http://localhost:<port>. Must be an origin (no path) that both
   * the browser and the portal server use to reach us: it is the `iss` claim.
   */
  issuer?: string;
  clients: DevIdpClient[];
};

export type DevIdp = { issuer: string; close(): Promise<void> };

const WRONG_CREDENTIALS = 'ユーザー名またはパスワードが違います / Wrong username or password';
const INTERACTION_PATH = /^\/interaction\/([\w-]+)$/;
const MAX_FORM_BYTES = 16 * 1024;

export async function startDevIdp(opts: DevIdpOptions): Promise<DevIdp> {
  const host = opts.host ?? '127.0.0.1';
  const issuer = opts.issuer ?? `http://localhost:${opts.port}`;

  // Fresh keys per start: tokens from a previous run must not verify.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig' };

  const provider = new Provider(issuer, {
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
      // The provider accepts client_secret_post too for any secret-based client.
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username', 'ja_name'],
    },
    // With `idToken: true` next-auth builds its profile from the id_token alone
    // (no userinfo call), so scope claims must land in the id_token too.
    conformIdTokenClaims: false,
    // Our own login page below replaces the package's dev-only interactions.
    features: { devInteractions: { enabled: false } },
    findAccount: (_ctx, sub) => {
      const account = DEMO_ACCOUNTS.find((a) => a.sub === sub);
      return account && { accountId: account.sub, claims: () => claimsOf(account) };
    },
    ttl: {
      AccessToken: 60 * 60,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      Interaction: 30 * 60,
      Session: 12 * 60 * 60,
      Grant: 12 * 60 * 60,
    },
    // Bilingual, and without the default page's external font import.
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('エラー / Error', `<p role="alert">${escapeHtml(out.error)}: ${escapeHtml(out.error_description ?? '')}</p>`);
    },
  });

  provider.use(async (ctx, next) => {
    const uid = INTERACTION_PATH.exec(ctx.path)?.[1];
    if (!uid || (ctx.method !== 'GET' && ctx.method !== 'POST')) return next();
    ctx.set('cache-control', 'no-store');
    try {
      await handleInteraction(provider, ctx, uid);
    } catch (err) {
      if (!(err instanceof errors.SessionNotFound)) throw err;
      // Expired or foreign interaction cookie: the user must restart sign-in from the portal.
      ctx.status = err.status;
      ctx.type = 'html';
      ctx.body = page(
        'セッションの有効期限切れ / Session expired',
        '<p role="alert">もう一度ポータルからサインインしてください / Please start signing in again from the portal.</p>',
      );
    }
  });

  const server = createServer(provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    issuer,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets (browsers, fetch) would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

function claimsOf(account: DemoAccount): Record<string, unknown> {
  return {
    sub: account.sub,
    email: account.email,
    email_verified: true,
    name: account.name,
    preferred_username: account.username,
    ja_name: account.jaName,
  };
}

async function handleInteraction(provider: Provider, ctx: KoaContext, uid: string): Promise<void> {
  const interaction = await provider.interactionDetails(ctx.req, ctx.res);
  if (interaction.uid !== uid) throw new errors.SessionNotFound('interaction mismatch');

  // The default policy has exactly two prompts: login, then consent.
  if (interaction.prompt.name !== 'login') {
    // Consent only prompts when an existing session meets new scopes or a
    // new client; first-party clients are granted without asking.
    const accountId = interaction.session?.accountId;
    if (!accountId) throw new errors.SessionNotFound('consent without a session');
    const grantId = await saveGrant(provider, interaction, accountId, interaction.grantId);
    return finish(provider, ctx, { consent: interaction.grantId ? {} : { grantId } });
  }

  if (ctx.method === 'GET') {
    ctx.body = loginPage(uid);
    ctx.type = 'html';
    return;
  }

  const form = new URLSearchParams(await readBody(ctx));
  const username = form.get('username') ?? '';
  const account = DEMO_ACCOUNTS.find((a) => a.username === username && a.password === form.get('password'));
  if (!account) {
    ctx.status = 401;
    ctx.type = 'html';
    ctx.body = loginPage(uid, { username, error: WRONG_CREDENTIALS });
    return;
  }

  // Login and consent in one step; a fresh grant avoids reusing one that
  // belongs to whoever was signed in before.
  const grantId = await saveGrant(provider, interaction, account.sub);
  return finish(provider, ctx, { login: { accountId: account.sub }, consent: { grantId } });
}

/** Grants the requested OIDC scopes and claims (the `claims` parameter) to the client. */
async function saveGrant(
  provider: Provider,
  interaction: Interaction,
  accountId: string,
  existingGrantId?: string,
): Promise<string> {
  const { params } = interaction;
  const clientId = params.client_id ?? '';
  const grant =
    (existingGrantId && (await provider.Grant.find(existingGrantId))) ||
    new provider.Grant({ accountId, clientId });
  grant.addOIDCScope(params.scope ?? 'openid');
  if (params.claims) {
    const requested = JSON.parse(params.claims) as Record<string, Record<string, unknown> | undefined>;
    grant.addOIDCClaims([...Object.keys(requested.id_token ?? {}), ...Object.keys(requested.userinfo ?? {})]);
  }
  return grant.save();
}

async function finish(
  provider: Provider,
  ctx: KoaContext,
  result: InteractionResults,
): Promise<void> {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  // 303 so the browser follows with GET after the form POST.
  ctx.status = 303;
  ctx.redirect(returnTo);
}

async function readBody(ctx: KoaContext): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error('login form body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function loginPage(uid: string, state: { username?: string; error?: string } = {}): string {
  return page(
    'OCS 開発用サインイン / OCS Development Sign-in',
    devLoginForm({ action: `/interaction/${uid}`, ...state, accounts: DEMO_ACCOUNTS.map((a) => ({ ...a, who: `${a.jaName} (${a.name}, ${a.email})` })) }),
  );
}

function page(title: string, body: string): string {
  return devIdpPage(title, body, '#1d4ed8');
}
