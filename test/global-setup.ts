import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { runMigrations } from '@/lib/db/migrate';
import { freePort } from '@/scripts/services/free-port';
import { dropDatabase, ensureDatabase, startEmbeddedPostgres } from '@/scripts/services/postgres';
import { startLocalRedis } from '@/scripts/services/redis';
import { closedCloudEndpoints } from './clouds/closed-endpoints';
import { RUN_BEAT_MS, RUNNER_FILE, stopAgentsUnder, sweepDeadRuns } from './stray-agents';

// Real PostgreSQL and Redis for every test: the ones named by DATABASE_URL / REDIS_URL (in a
// fresh database and queue prefix, so nothing of yours is touched), else embedded ones started here.
export default async function setup(project: TestProject) {
  const swept = sweepDeadRuns(os.tmpdir(), 'ocs-test-');
  if (swept.length) console.warn(`[test] swept ${swept.length} folder(s) of test runs that were killed: ${swept.join(', ')}`);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'ocs-test-'));
  // This run's beat: another run's start tells from it that this one still goes.
  const beatFile = path.join(scratch, RUNNER_FILE);
  await writeFile(beatFile, String(process.pid));
  const beat = setInterval(() => void utimes(beatFile, new Date(), new Date()).catch(() => {}), RUN_BEAT_MS);
  beat.unref();
  // As root where user namespaces are not allowed, the embedded PostgreSQL runs as the postgres user: it must reach its folder.
  await chmod(scratch, 0o755);
  const stops: (() => Promise<void>)[] = [];
  const run = `${process.pid}_${Date.now().toString(36)}`;

  let databaseUrl: string;
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    const name = `ocs_test_${run}`;
    await ensureDatabase(url.toString(), name);
    stops.push(() => dropDatabase(process.env.DATABASE_URL!, name));
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  } else {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: await freePort(), database: 'ocs_test', persistent: false });
    stops.push(pg.stop);
    databaseUrl = pg.url;
  }
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    const redis = await startLocalRedis({ dataDir: path.join(scratch, 'redis'), port: await freePort() });
    stops.push(redis.stop);
    redisUrl = redis.url;
  }
  await runMigrations(databaseUrl);

  project.provide('testEnv', {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    OCS_QUEUE_PREFIX: `ocs-test-${run}`,
    OCS_LOCAL_STATE_DIR: path.join(scratch, 'nodes'),
    // Two runs at once (say, two checkouts) need loopback ranges of their own.
    OCS_LOCAL_SUBNET: process.env.OCS_TEST_LOCAL_SUBNET ?? '127.78.0.0/16',
    // Secrets at rest are encrypted with this run's own key.
    OCS_SECRET_KEY: randomBytes(32).toString('base64'),
    // Agents sync every second, so a silent one is noticed in tests within seconds.
    OCS_AGENT_HEARTBEAT_SECONDS: '1',
    OCS_AGENT_LIVENESS_SECONDS: '4',
    ...closedCloudEndpoints(await freePort()),
    // The workers tests start sweep for leaks once, when they schedule it; tests sweep on their own.
    OCS_LEAK_SWEEP_MINUTES: '1440',
  });

  return async () => {
    clearInterval(beat);
    // Nodes a failed test could not tear down would outlive the run.
    const stray = stopAgentsUnder(path.join(scratch, 'nodes'));
    if (stray) console.warn(`[test] stopped ${stray} node agent(s) a test left running`);
    for (const stop of stops.reverse()) await stop();
    await rm(scratch, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    testEnv: Record<string, string>;
  }
}
