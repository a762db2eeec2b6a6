// The tljh template for real: a build of it on the local provider runs JupyterHub (Debian's
// `jupyterhub` package) through the node's agent; a student signs in with the class password and
// reaches a notebook server; deleting the unit group leaves no process, listener or file. Nothing
// is skipped: without jupyterhub installed this fails, saying what to install.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLogTail } from '@/agent/application-logs';
import { listProcesses, readProcess } from '@/agent/process-tree';
import type { Actor } from '@/lib/auth/actor';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { applications, nodes } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { openApplicationSpec } from '@/lib/secrets/application-specs';
import { findProgramOnPath } from '@/lib/templates/host-programs';
import { loadTemplate } from '@/lib/templates/load';
import { localRequirements } from '@/lib/templates/render';
import { resolveValues } from '@/lib/templates/values';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { seededLabAdmin } from '@/test/fixtures';

const run = randomBytes(3).toString('hex');
const CLASS_PASSWORD = `class-${run}-pass`;
const STUDENT = 'student01';
const HEALTHY_TIMEOUT_MS = 90_000;
const SPAWN_TIMEOUT_MS = 45_000;

let actor: Actor;
let unitGroupId: string | undefined;
let node: { id: string; name: string; ipAddress: string };
let nodeDir: string;
let hubUrl: string;
let notebookPath: string;

/** A browser's share of the work: cookies by path, redirects followed by hand so each hop is seen. */
class Browser {
  private cookies: { name: string; value: string; path: string }[] = [];

  cookie(name: string, requestPath: string): string | undefined {
    return this.matching(requestPath).find((c) => c.name === name)?.value;
  }

  private matching(requestPath: string) {
    return this.cookies
      .filter((c) => requestPath === c.path.replace(/\/$/, '') || requestPath.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length);
  }

  private store(res: Response, url: URL): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';').map((s) => s.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const cookiePath = attributes.find((a) => /^path=/i.test(a))?.slice(5) || url.pathname.replace(/\/[^/]*$/, '') || '/';
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === cookiePath));
      const cleared = value === '' || value === '""' || attributes.some((a) => /^max-age=0$/i.test(a));
      if (!cleared) this.cookies.push({ name, value, path: cookiePath });
    }
  }

  /** One request and every redirect after it; the last answer, its URL and the URLs passed. */
  async open(address: string, init: { method?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}) {
    let url = new URL(address);
    let method = init.method ?? 'GET';
    let body = init.form ? new URLSearchParams(init.form).toString() : init.json === undefined ? undefined : JSON.stringify(init.json);
    const trail: string[] = [];
    for (let hop = 0; hop < 20; hop++) {
      trail.push(`${method} ${url.pathname}${url.search}`);
      const headers: Record<string, string> = { ...init.headers, cookie: this.matching(url.pathname).map((c) => `${c.name}=${c.value}`).join('; ') };
      if (body !== undefined) headers['content-type'] = init.form ? 'application/x-www-form-urlencoded' : 'application/json';
      const res = await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
      this.store(res, url);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { status: res.status, url, text: await res.text(), trail };
      await res.body?.cancel();
      url = new URL(location, url);
      method = 'GET';
      body = undefined;
    }
    throw new Error(`too many redirects: ${trail.join(' -> ')}`);
  }
}

async function signIn(browser: Browser, username: string, password: string) {
  const page = await browser.open(`${hubUrl}hub/login`);
  expect(page.status).toBe(200);
  // JupyterHub 4 and later put an _xsrf token in the form; 3.0 (Debian 12) has none.
  const xsrf = /name="_xsrf"\s+value="([^"]+)"/.exec(page.text)?.[1];
  return browser.open(`${hubUrl}hub/login`, { method: 'POST', form: { username, password, ...(xsrf ? { _xsrf: xsrf } : {}) } });
}

/** Signs in and, as the browser would, lets the spawn page start the student's server and redirect to it. */
async function reachNotebook(browser: Browser, username: string) {
  const signedIn = await signIn(browser, username, CLASS_PASSWORD);
  expect(signedIn.status, signedIn.trail.join(' -> ')).toBeLessThan(500);
  expect(signedIn.url.pathname, signedIn.trail.join(' -> ')).not.toBe('/hub/login');
  expect(browser.cookie('jupyterhub-hub-login', '/hub/home')).toBeTruthy();
  // Signing in redirects to the spawn page, which may already have started the server and led there.
  const trail = [...signedIn.trail];
  const tree = await waitFor(
    `${username}'s notebook server`,
    SPAWN_TIMEOUT_MS,
    async () => {
      const page = await browser.open(`${hubUrl}hub/spawn`);
      trail.push(...page.trail);
      return page.status === 200 && page.url.pathname.startsWith(`/user/${username}/tree`) ? page : undefined;
    },
    hubLog,
  );
  // The hub's OAuth dance ran: the page is the notebook server's, not the hub's.
  expect(trail.join(' -> ')).toContain(`/user/${username}/oauth_callback`);
  return { tree, xsrf: browser.cookie('_xsrf', `/user/${username}/api`) };
}

async function waitUntilHealthy() {
  const status = await waitFor(
    'jupyterhub to be healthy',
    HEALTHY_TIMEOUT_MS,
    async () => {
      const [row] = await db().select({ report: applications.report }).from(applications).where(and(eq(applications.nodeId, node.id), eq(applications.name, 'jupyterhub')));
      const hub = row?.report;
      if (hub?.state === 'exited') throw new Error('jupyterhub exited');
      return hub?.state === 'running' && hub.healthy ? hub : undefined;
    },
    hubLog,
  );
  expect((await fetch(`${hubUrl}hub/health`)).status).toBe(200);
  return status;
}

async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, explain: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${lastError ? ` (${String(lastError)})` : ''}\n${await explain()}`);
}

const hubLog = async () => (await readLogTail(path.join(nodeDir, 'apps', 'jupyterhub.log'), 60)) ?? '';

/** "pid: command line" of every process that refers to the node: by command line, working folder or environment. */
function nodeProcesses(): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const read = (file: string) => {
      try {
        return file === 'cwd' ? readlinkSync(`/proc/${entry}/cwd`) : readFileSync(`/proc/${entry}/${file}`, 'latin1');
      } catch {
        return '';
      }
    };
    const cmdline = read('cmdline').replaceAll('\0', ' ').trim();
    // Zombies have an empty command line: they are dead already.
    if (!cmdline) continue;
    const mentions = (text: string) => text.includes(nodeDir) || text.split(/[\s=:/]/).includes(node.ipAddress);
    if (mentions(cmdline) || read('cwd').startsWith(nodeDir) || mentions(read('environ').replaceAll('\0', ' '))) found.push(`${entry}: ${cmdline}`);
  }
  return found;
}

/** Ports listening on the node's address (IPv4 /proc/net/tcp, state 0A = LISTEN). */
function listeningPorts(): number[] {
  const hexIp = node.ipAddress.split('.').map((b) => Number(b).toString(16).padStart(2, '0')).reverse().join('').toUpperCase();
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[3] === '0A' && f[1]?.startsWith(`${hexIp}:`))
    .map((f) => parseInt(f[1]!.split(':')[1]!, 16))
    .sort((a, b) => a - b);
}

describe('tljh template on a local node', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    actor = await seededLabAdmin();
  });

  afterAll(async () => {
    if (unitGroupId) await deleteUnitGroup(db(), unitGroupId).catch(() => undefined);
    // Whatever a failed test may have left behind ("pid: command line").
    if (nodeDir) for (const p of nodeProcesses()) process.kill(parseInt(p, 10), 'SIGKILL');
    await closeQueue();
    await closeDb();
  }, 30_000);

  it('builds JupyterHub through the node agent, bound to the node address', async () => {
    const loaded = await loadTemplate('tljh');
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const def = loaded.definition;
    const resolved = await resolveValues(def, { students: 2, classPassword: CLASS_PASSWORD });
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.errors));
    const app = def.applications.find((a) => a.name === 'jupyterhub')!;
    for (const program of await localRequirements(def, app, resolved.values))
      expect(findProgramOnPath(program), `${program} is not on PATH: apt-get install jupyterhub`).not.toBeNull();

    const submitted = await submitBuild(db(), actor, { templateSlug: 'tljh', unitGroupName: `tljh-int-${run}`, provider: 'local', flavor: 'medium', parameters: { students: 2, classPassword: CLASS_PASSWORD } });
    unitGroupId = submitted.unitGroupId;
    await runBuild(db(), submitted.buildId);
    const [row] = await db().select().from(nodes).where(eq(nodes.unitGroupId, unitGroupId));
    node = { id: row!.id, name: row!.name, ipAddress: row!.ipAddress! };
    nodeDir = path.join(process.env.OCS_LOCAL_STATE_DIR!, node.name);
    hubUrl = `http://${node.ipAddress}:8000/`;
    const [hub] = await db().select({ spec: applications.spec }).from(applications).where(eq(applications.nodeId, node.id));
    const spec = openApplicationSpec(node.id, 'jupyterhub', hub!.spec!);
    expect(spec.kind === 'process' && spec.process.env?.STUDENTS).toBe('student01,student02');

    const status = await waitUntilHealthy();
    expect(status.restarts).toBe(0);
    // Proxy, proxy API and hub API: all on the node's own address (the agent listens nowhere).
    expect(listeningPorts()).toEqual([8000, 8001, 8081]);
    for (const file of ['jupyterhub.sqlite', 'jupyterhub_cookie_secret', 'jupyterhub_config.py']) expect(existsSync(path.join(nodeDir, file)), file).toBe(true);
  });

  it('refuses a wrong password and an account that is not in the class', async () => {
    for (const [username, password] of [
      [STUDENT, 'not-the-class-password'],
      ['mallory', CLASS_PASSWORD],
    ]) {
      const browser = new Browser();
      const answer = await signIn(browser, username!, password!);
      // The login page again, with the error (JupyterHub 3.0 answers 200, later versions 403).
      expect([200, 403], answer.trail.join(' -> ')).toContain(answer.status);
      expect(answer.url.pathname).toBe('/hub/login');
      expect(answer.text).toContain('Invalid username or password');
      expect(browser.cookie('jupyterhub-hub-login', '/hub/home')).toBeUndefined();
      const home = await browser.open(`${hubUrl}hub/home`);
      expect(home.url.pathname).toBe('/hub/login');
    }
  });

  it('lets the teacher (the admin account) sign in with the class password and open the admin page', async () => {
    const browser = new Browser();
    const signedIn = await signIn(browser, 'teacher', CLASS_PASSWORD);
    expect(signedIn.url.pathname, signedIn.trail.join(' -> ')).not.toBe('/hub/login');
    const admin = await browser.open(`${hubUrl}hub/admin`);
    expect(admin.status, admin.trail.join(' -> ')).toBe(200);
    expect(admin.url.pathname).toBe('/hub/admin');
  });

  it('lets a student sign in with the class password and reach a notebook server of their own', async () => {
    const browser = new Browser();
    const { tree, xsrf } = await reachNotebook(browser, STUDENT);
    // Notebook 6's file list (Debian 12's python3-notebook).
    expect(tree.text).toContain('<title>Home Page - Select or create a notebook</title>');
    const api = await browser.open(`${hubUrl}user/${STUDENT}/api/status`);
    expect(api.status).toBe(200);
    expect(JSON.parse(api.text)).toHaveProperty('started');

    // A notebook and a kernel: notebooks really run. The kernel has a session of its own, and must
    // still go with the node.
    expect(xsrf).toBeTruthy();
    const headers = { 'x-xsrftoken': xsrf! };
    const notebook = await browser.open(`${hubUrl}user/${STUDENT}/api/contents`, { method: 'POST', json: { type: 'notebook' }, headers });
    expect(notebook.status, notebook.text).toBe(201);
    notebookPath = (JSON.parse(notebook.text) as { path: string }).path;
    const kernel = await browser.open(`${hubUrl}user/${STUDENT}/api/kernels`, { method: 'POST', headers });
    expect(kernel.status, kernel.text).toBe(201);
    expect(JSON.parse(kernel.text)).toMatchObject({ name: 'python3' });

    // Home inside the node's folder; the server on the node's address, next to the hub's ports.
    expect(existsSync(path.join(nodeDir, 'home', STUDENT, notebookPath))).toBe(true);
    expect(listeningPorts().filter((p) => ![8000, 8001, 8081].includes(p)).length).toBeGreaterThanOrEqual(1);
    expect(nodeProcesses().some((p) => p.includes('jupyterhub-singleuser'))).toBe(true);
    expect(nodeProcesses().some((p) => p.includes('ipykernel'))).toBe(true);
  });

  it('leaves no hub, proxy or user server when the hub\'s process group is killed, and the agent brings it back', async () => {
    // JupyterHub would start the proxy and the user servers in sessions of their own; kept in the
    // hub's group, a SIGKILL to the group (no clean-up possible) takes them too.
    const [hubPid] = readFileSync(path.join(nodeDir, 'apps', 'jupyterhub.pid'), 'utf8').trim().split(' ').map(Number);
    const before = listProcesses().filter((p) => p.pgrp === hubPid);
    expect(before.length).toBeGreaterThan(1);
    process.kill(-hubPid!, 'SIGKILL');
    // Until the last of the group is reaped: a zombie still "exists" for JupyterHub's next start.
    const left = () => before.filter((p) => readProcess(p.pid)?.startTicks === p.startTicks && readProcess(p.pid)?.state !== 'Z');
    await waitFor('the hub\'s process group to be gone', 10_000, async () => (left().length === 0 ? true : undefined), async () => JSON.stringify(left()));

    // The agent restarts the application (its restart policy); the launcher first stops what the crash left (kernels).
    const status = await waitFor('jupyterhub to be restarted', HEALTHY_TIMEOUT_MS, async () => {
      const restarted = await waitUntilHealthy();
      return restarted.restarts >= 1 ? restarted : undefined;
    }, hubLog);
    expect(status.restarts).toBe(1);
    expect(nodeProcesses().filter((p) => p.includes('ipykernel'))).toEqual([]);
    const browser = new Browser();
    const { xsrf } = await reachNotebook(browser, STUDENT);
    const notebook = await browser.open(`${hubUrl}user/${STUDENT}/api/contents/${notebookPath}`);
    expect(notebook.status, notebook.text).toBe(200);
    const kernel = await browser.open(`${hubUrl}user/${STUDENT}/api/kernels`, { method: 'POST', headers: { 'x-xsrftoken': xsrf! } });
    expect(kernel.status, kernel.text).toBe(201);
  });

  it('deleting the unit group stops the hub, proxy, user servers and kernels and removes the node\'s folder', async () => {
    for (const program of ['configurable-http-proxy', 'jupyterhub-singleuser', 'ipykernel']) expect(nodeProcesses().some((p) => p.includes(program)), program).toBe(true);
    await deleteUnitGroup(db(), unitGroupId!);
    unitGroupId = undefined;
    expect(nodeProcesses()).toEqual([]);
    expect(listeningPorts()).toEqual([]);
    expect(existsSync(nodeDir)).toBe(false);
  });
});
