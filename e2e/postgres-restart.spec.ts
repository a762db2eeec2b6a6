import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { freePort } from '../scripts/services/free-port';
import { startEmbeddedPostgres, type RunningPostgres } from '../scripts/services/postgres';
import { startLocalRedis, type RunningRedis } from '../scripts/services/redis';
import { stopAgentsUnder } from '../test/stray-agents';
import { startLauncher, waitForStatus, type Launcher } from './launcher';
import { signInWithOidc } from './sign-in';

// The production setup: the portal and its worker use a PostgreSQL and a Redis they did not start
// (DATABASE_URL, REDIS_URL). That PostgreSQL is stopped and started while a build runs and the API
// is being called; nothing may crash, the API says 503 meanwhile, and everything works after.
const scratch = path.resolve('e2e/output/postgres-restart');
const ports = { portal: 3201, idp: 9420, samlIdp: 9421, smtp: 2545, postgres: 0, redis: 0 };

let postgres: RunningPostgres;
let redis: RunningRedis;
let launcher: Launcher;
const pgOptions = { dataDir: path.join(scratch, 'postgres'), port: 0, database: 'ocs', persistent: true };

test.beforeAll(async () => {
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  pgOptions.port = await freePort();
  postgres = await startEmbeddedPostgres(pgOptions);
  redis = await startLocalRedis({ dataDir: path.join(scratch, 'redis'), port: await freePort() });
  launcher = startLauncher(process.cwd(), path.join(scratch, 'data'), ports, '127.73.0.0/16', { DATABASE_URL: postgres.url, REDIS_URL: redis.url });
  await waitForStatus(`http://127.0.0.1:${ports.portal}/api/health`, 200, 240_000);
});

test.afterAll(async () => {
  await launcher?.interrupt();
  await redis?.stop();
  await postgres?.stop();
  stopAgentsUnder(scratch);
  await rm(scratch, { recursive: true, force: true });
});

test('a PostgreSQL restart during a build: 503 while it is away, the build finishes, nothing restarts', async ({ page }) => {
  test.setTimeout(300_000);
  const base = launcher.baseUrl;
  await signInWithOidc(page, 'labadmin', 'labadmin', base);
  const submit = (name: string) =>
    page.request.post(`${base}/api/v1/builds`, { data: { templateSlug: 'web-hello', unitGroupName: name, provider: 'local', flavor: 'small', parameters: { nodes: 3 } } });

  const first = await submit(`pg-restart-${Date.now().toString(36)}`);
  expect(first.status()).toBe(202);
  const { buildId, unitGroupId } = await first.json();
  // Stop it while the build is running, not before the worker has taken it.
  await expect
    .poll(async () => ((await (await page.request.get(`${base}/api/v1/builds/${buildId}`)).json()) as { build?: { status: string } }).build?.status, { timeout: 30_000, intervals: [50] })
    .toBe('RUNNING');

  await postgres.stop();
  // While it is away: health names PostgreSQL, the API answers JSON 503 with Retry-After.
  const health = (await waitForStatus(`http://127.0.0.1:${ports.portal}/api/health`, 503, 30_000)) as { down: string[] };
  expect(health.down).toEqual(['postgres']);
  for (let i = 0; i < 5; i++) {
    const res = await page.request.get(`${base}/api/v1/unit-groups`);
    expect(res.status()).toBe(503);
    expect(res.headers()['retry-after']).toBe('5');
    expect((await res.json()).error.code).toBe('SERVICE_UNAVAILABLE');
    await new Promise((r) => setTimeout(r, 500));
  }

  postgres = await startEmbeddedPostgres(pgOptions);
  await waitForStatus(`http://127.0.0.1:${ports.portal}/api/health`, 200, 60_000);

  const finished = async (id: string) => {
    await expect
      .poll(async () => ((await (await page.request.get(`${base}/api/v1/builds/${id}`)).json()) as { build?: { status: string } }).build?.status, { timeout: 120_000, intervals: [500] })
      .toBe('SUCCEEDED');
  };
  await finished(buildId);
  const second = await submit(`pg-after-${Date.now().toString(36)}`);
  expect(second.status()).toBe(202);
  const after = await second.json();
  await finished(after.buildId);

  // Neither the portal nor a worker went down on the way, and nothing printed an unhandled error.
  expect(launcher.process.exitCode).toBeNull();
  expect(launcher.output()).not.toMatch(/exited unexpectedly|unhandled|uncaught/i);

  for (const id of [unitGroupId, after.unitGroupId]) expect((await page.request.delete(`${base}/api/v1/unit-groups/${id}`)).status()).toBe(202);
  for (const id of [unitGroupId, after.unitGroupId])
    await expect.poll(async () => (await page.request.get(`${base}/api/v1/unit-groups/${id}`)).status(), { timeout: 60_000 }).toBe(404);

  // Ctrl-C stops everything cleanly: exit 0 and no stack trace.
  expect(await launcher.interrupt()).toBe(0);
  expect(launcher.output()).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
});
