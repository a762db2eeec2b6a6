// VMware's vCenter simulator for the vmware driver's tests: vcsim/*.go built with Debian's Go and
// govmomi (golang-go, golang-github-vmware-govmomi-dev: GOPATH mode over /usr/share/gocode, no
// module proxy, no network) once per version of its sources into node_modules/.cache/ocs-vcsim,
// then started per test on a free port of 127.0.0.1 with a certificate of the test's own (an
// account's URL is https; the account trusts that certificate as its CA). A test makes the next
// calls of a task method fail with a vim25 fault through it (vcsim/faults.go).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const SOURCE = path.join(import.meta.dirname, 'vcsim');
const CACHE = path.resolve(import.meta.dirname, '../../../node_modules/.cache/ocs-vcsim');
const GOPATH = '/usr/share/gocode';
const GOVMOMI = path.join(GOPATH, 'src/github.com/vmware/govmomi/simulator');
const PACKAGES = 'apt-get install -y golang-go golang-github-vmware-govmomi-dev';
const run = promisify(execFile);

export interface Vcsim {
  /** The SDK URL (https://127.0.0.1:PORT/sdk), as an account's url. */
  readonly url: string;
  /** The PEM certificate vcsim serves, as an account's caCertificate. */
  readonly caCertificate: string;
  /** The next `times` calls of a task method (CloneVM_Task, …) return a task that fails with the vim25 fault named (its type), worded `message`. */
  failNext(method: string, fault: string, options?: { times?: number; message?: string }): Promise<void>;
  /** How many calls of `method` got a fault of failNext. */
  faultsServed(method: string): Promise<number>;
  close(): Promise<void>;
}

/** The simulator's binary for these sources, built first when missing. */
async function binary(): Promise<string> {
  const hash = createHash('sha256');
  for (const name of (await readdir(SOURCE)).filter((n) => n.endsWith('.go')).sort()) hash.update(name).update(await readFile(path.join(SOURCE, name)));
  const file = path.join(CACHE, `vcsim-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(file)) return file;
  const go = await run('go', ['version']).catch(() => null);
  if (!go || !existsSync(GOVMOMI)) throw new Error(`vcsim is built from Debian's Go sources, which are not installed here: ${PACKAGES}`);
  await mkdir(CACHE, { recursive: true });
  // Built beside its final name and renamed: a test started meanwhile never runs half a binary. Go's
  // build cache (about 100 MB) is only kept for the build.
  const partial = `${file}.${process.pid}`;
  const gocache = await mkdtemp(path.join(os.tmpdir(), 'ocs-vcsim-gocache-'));
  const env = { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '', GOPROXY: 'off', GOCACHE: gocache };
  try {
    await run('go', ['build', '-o', partial, '.'], { cwd: SOURCE, env, maxBuffer: 16 << 20 });
  } catch (e) {
    const { stderr } = e as { stderr?: string };
    throw new Error(`building vcsim failed (${PACKAGES}): ${stderr ?? (e as Error).message}`, { cause: e });
  } finally {
    await rm(gocache, { recursive: true, force: true });
  }
  await rename(partial, file);
  return file;
}

/** A self-signed certificate for 127.0.0.1. */
async function certificate(dir: string): Promise<{ key: string; cert: string }> {
  const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
  return { key, cert };
}

/** Waits for the first line vcsim prints (its URL); fails with what it said on stderr if it exits first. */
function urlOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!.trim());
    });
    // Only its last words are kept: it logs for as long as it runs.
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.once('exit', (code) => reject(new Error(`vcsim exited with ${code} before it served: ${err.trim().split('\n').slice(-5).join(' | ')}`)));
    setTimeout(() => reject(new Error(`vcsim printed no URL within 60 s: ${err.trim()}`)), 60_000).unref();
  });
}

/** One request to vcsim's fault endpoint, over its TLS. */
function faultEndpoint(url: string, ca: string, method: 'GET' | 'POST', form?: Record<string, string>): Promise<string> {
  const body = form ? new URLSearchParams(form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = request(new URL('/ocs-test/faults', url), { method, ca, headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {} }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => ((res.statusCode ?? 0) < 300 ? resolve(text) : reject(new Error(`vcsim refused the fault: ${res.statusCode} ${text.trim()}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** vcsim with the one user it lets in. */
export async function startVcsim(login: { username: string; password: string }): Promise<Vcsim> {
  const file = await binary();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ocs-vcsim-'));
  const tls = await certificate(dir);
  const child = spawn(file, ['-listen', '127.0.0.1:0', '-cert', tls.cert, '-key', tls.key, '-username', login.username, '-password', login.password], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = await urlOf(child);
    const caCertificate = await readFile(tls.cert, 'utf8');
    return {
      url,
      caCertificate,
      async failNext(method, fault, options = {}) {
        await faultEndpoint(url, caCertificate, 'POST', { method, fault, times: String(options.times ?? 1), ...(options.message ? { message: options.message } : {}) });
      },
      async faultsServed(method) {
        return (JSON.parse(await faultEndpoint(url, caCertificate, 'GET')) as Record<string, number>)[method] ?? 0;
      },
      async close() {
        // SIGTERM lets it remove its datastore folders.
        child.kill('SIGTERM');
        await exited;
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
