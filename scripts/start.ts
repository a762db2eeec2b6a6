// The one command a newcomer runs: starts (when not given) PostgreSQL, Redis and a development
// OIDC identity provider, migrates and seeds, then runs the portal, the worker pool and the overlay relay.
// Ctrl-C stops everything it started. Nodes made by the local provider keep running, as VMs
// outlive their control plane; delete their unit groups to remove them.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { agentBundle } from '@/lib/agent-bundle';
import { DEMO_ACCOUNTS } from '@/lib/dev-idp/accounts';
import { startDevIdp } from '@/lib/dev-idp/server';
import { runMigrations } from '@/lib/db/migrate';
import { DEMO_SAML_ACCOUNTS, startDevSamlIdp } from '@/lib/saml/dev-idp';
import { ensureSamlKeyPair } from '@/lib/saml/keys';
import { startMailCatcher } from '@/lib/mail/catcher';
import { buildPortalIfStale } from './services/next-build';
import { PostgresStartError, startEmbeddedPostgres } from './services/postgres';
import { RedisNotInstalledError, RedisStartError, startLocalRedis } from './services/redis';
import { seedDatabase } from './services/seed';
import { supervise, type Supervised } from './services/supervisor';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    dev: { type: 'boolean', default: false },
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    'data-dir': { type: 'string', default: process.env.OCS_DATA_DIR ?? path.join(root, '.data') },
  },
});
const port = Number(args.port);
const dataDir = path.resolve(args['data-dir']!);
const portalUrl = process.env.NEXTAUTH_URL ?? `http://localhost:${port}`;
const stops: (() => Promise<void>)[] = [];
/** What must not outlive the launcher even when it exits at once (a second Ctrl-C, a crash). */
const abandons: (() => void)[] = [];
const children: Supervised[] = [];
let stopping = false;

function persistentSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Stops the portal and workers first (they finish what they hold), then the services they use. */
async function shutdown(code: number): Promise<never> {
  // A second Ctrl-C: do not wait (the exit handler tells everything started here to stop).
  if (stopping) process.exit(code);
  stopping = true;
  console.log('\nStopping the portal, the workers and the services started here…');
  await Promise.all(children.map((c) => c.stop()));
  for (const stop of stops.reverse()) await stop().catch((e: Error) => console.error(`[launcher] ${e.message}`));
  process.exit(code);
}

function run(name: string, command: string, argv: string[], env: NodeJS.ProcessEnv): void {
  const child = supervise(name, command, argv, { cwd: root, env });
  children.push(child);
  abandons.unshift(child.abandon);
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

async function main() {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  // Children run in process groups of their own, so nothing else stops them when the launcher goes.
  process.on('exit', () => abandons.forEach((abandon) => abandon()));
  mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env };

  if (!env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port: Number(env.OCS_PG_PORT ?? 54329), database: 'ocs', persistent: true, supervise: true });
    stops.push(pg.stop);
    abandons.push(pg.abandon);
    env.DATABASE_URL = pg.url;
    console.log(`PostgreSQL (embedded) on ${pg.url}`);
  }
  if (!env.REDIS_URL) {
    try {
      const redis = await startLocalRedis({ dataDir: path.join(dataDir, 'redis'), port: Number(env.OCS_REDIS_PORT ?? 63799), supervise: true });
      stops.push(redis.stop);
      abandons.push(redis.abandon);
      env.REDIS_URL = redis.url;
      console.log(`Redis (local redis-server) on ${redis.url}`);
    } catch (e) {
      if (e instanceof RedisNotInstalledError) {
        console.error(e.message);
        return shutdown(1);
      }
      throw e;
    }
  }
  await runMigrations(env.DATABASE_URL);
  await seedDatabase(env.DATABASE_URL);

  let demoIdp = false;
  if (!env.OIDC_ISSUER) {
    const idpPort = Number(env.OCS_IDP_PORT ?? 9400);
    const idp = await startDevIdp({
      port: idpPort,
      clients: [{ clientId: 'ocs-portal', clientSecret: 'ocs-portal-dev-secret', redirectUris: [`${portalUrl}/api/auth/callback/ocs-idp`], postLogoutRedirectUris: [`${portalUrl}/signin`] }],
    });
    stops.push(idp.close);
    Object.assign(env, { OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: 'ocs-portal', OIDC_CLIENT_SECRET: 'ocs-portal-dev-secret', OIDC_NAME: 'Demo IdP', OIDC_PROMPT: 'login' });
    demoIdp = true;
  }

  // SAML (GakuNin/Shibboleth) sign-in. The SP key pair is made once under <dataDir>/saml/ unless
  // given; without OCS_SAML_IDPS_FILE a development SAML IdP (デモ大学) is started and listed.
  const samlDir = path.join(dataDir, 'saml');
  if (!env.OCS_SAML_SP_KEY_FILE && !env.OCS_SAML_SP_CERT_FILE) {
    const spKeys = await ensureSamlKeyPair(path.join(samlDir, 'sp'), 'OCS Portal SAML SP');
    Object.assign(env, { OCS_SAML_SP_KEY_FILE: spKeys.keyFile, OCS_SAML_SP_CERT_FILE: spKeys.certFile });
  }
  let demoSamlIdp = false;
  if (!env.OCS_SAML_IDPS_FILE) {
    const idpKeys = await ensureSamlKeyPair(path.join(samlDir, 'demo-idp'), 'OCS demo SAML IdP');
    const samlIdp = await startDevSamlIdp({
      port: Number(env.OCS_SAML_IDP_PORT ?? 9401),
      privateKey: idpKeys.privateKey,
      certificate: idpKeys.certificate,
      spEntityId: env.OCS_SAML_SP_ENTITY_ID || `${portalUrl}/api/auth/saml/metadata`,
      spAcsUrl: `${portalUrl}/api/auth/saml/acs`,
      spCertificate: readFileSync(env.OCS_SAML_SP_CERT_FILE!, 'utf8'),
    });
    stops.push(samlIdp.close);
    const idpsFile = path.join(samlDir, 'idps.json');
    const demoUniv = { id: 'demo-univ', entityId: samlIdp.entityId, name: { ja: 'デモ大学 (学認 SAML デモ IdP)', en: 'Demo University (GakuNin SAML demo IdP)' }, ssoUrl: samlIdp.ssoUrl, certificate: samlIdp.certificate, scopes: ['demo-univ.ac.jp'] };
    writeFileSync(idpsFile, JSON.stringify([demoUniv], null, 2));
    env.OCS_SAML_IDPS_FILE = idpsFile;
    demoSamlIdp = true;
  }
  // Notification mail: without SMTP_URL a local catcher keeps every message as a file to read.
  if (!env.SMTP_URL) {
    const mail = await startMailCatcher({ port: Number(env.OCS_SMTP_PORT ?? 2525), dir: path.join(dataDir, 'mail') });
    stops.push(mail.close);
    env.SMTP_URL = mail.url;
    console.log(`Mail catcher (SMTP) on ${mail.url}; messages are saved in ${mail.dir}`);
  }
  env.NEXTAUTH_URL = portalUrl;
  env.NEXTAUTH_SECRET ??= persistentSecret(path.join(dataDir, 'nextauth-secret'));
  // The key that encrypts secrets at rest (build secrets, secret outputs): made once, like the session secret.
  env.OCS_SECRET_KEY ??= persistentSecret(path.join(dataDir, 'secret-key'));
  env.OCS_LOCAL_STATE_DIR ??= path.join(dataDir, 'nodes');
  // Local nodes are on this machine: they dial home over loopback, whatever the public URL is.
  env.OCS_AGENT_LOCAL_URL ??= `http://127.0.0.1:${port}`;
  // Built now, once per version, so the first node does not wait for it (and a problem shows here).
  console.log(`Node agent ${(await agentBundle()).version}`);

  // Next.js behind a server of our own, which also takes the node sessions' WebSockets.
  if (!args.dev) buildPortalIfStale(root);
  run('portal', process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'portal-server.ts'), '--port', String(port), ...(args.dev ? ['--dev'] : [])], { ...env, NODE_ENV: args.dev ? 'development' : 'production' });
  const workers = Number(env.WORKER_PROCESSES ?? 1);
  for (let i = 1; i <= workers; i++) run(`worker-${i}`, process.execPath, ['--import', 'tsx', path.join(root, 'workers', 'main.ts')], env);
  // Carries the private-network traffic of nodes that cannot reach each other directly.
  run('relay', process.execPath, ['--import', 'tsx', path.join(root, 'relay', 'main.ts')], env);

  await waitForHealth(`http://127.0.0.1:${port}/api/health`, 120_000);
  console.log(`\nOCS Portal is running: ${portalUrl}`);
  if (demoIdp) {
    console.log('Demo sign-in (development IdP):');
    for (const a of DEMO_ACCOUNTS) console.log(`  ${a.username} / ${a.password}  (${a.email})`);
  }
  if (demoSamlIdp) {
    console.log('Demo sign-in (development SAML IdP: choose デモ大学 under 学認 (GakuNin) on the sign-in page):');
    for (const a of DEMO_SAML_ACCOUNTS) console.log(`  ${a.username} / ${a.password}  (${a.eppn})`);
  }
  console.log('Press Ctrl-C to stop.\n');
}

main().catch((e) => {
  // Expected failures (a port taken, PostgreSQL that cannot start here) are one line; anything else keeps its stack.
  const known = e instanceof PostgresStartError || e instanceof RedisStartError || (e as NodeJS.ErrnoException)?.code === 'EADDRINUSE';
  console.error(known || !(e instanceof Error) ? `OCS Portal could not start: ${e instanceof Error ? e.message : String(e)}` : e);
  void shutdown(1);
});
