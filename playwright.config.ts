import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { closedCloudEndpoints } from './test/clouds/closed-endpoints';

// The e2e run starts the whole product the way a newcomer does (`npm start`), with its own data
// folder, ports and loopback range so it never touches a portal you have running.
export const E2E = {
  port: 3100,
  dataDir: path.resolve('e2e/output/data'),
  subnet: '127.76.0.0/16',
  /** The private /24 of the lab servers e2e tests make (network namespaces); the portal is on its .1. */
  hostsSubnet: '10.204.9',
  /** Where e2e tests serve the local EC2 endpoint (test/clouds/ec2) the portal calls instead of AWS. */
  ec2Port: 3191,
  /** Where nothing listens: every other cloud API the portal could call (test/clouds/closed-endpoints.ts). */
  closedPort: 3192,
  /** The portal's embedded PostgreSQL (user and password `ocs`, database `ocs`). */
  pgPort: 54339,
};

const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'DATABASE_URL' && k !== 'REDIS_URL') env[k] = v;
// Agents on the e2e lab servers dial home to the portal on the servers' bridge.
env.OCS_AGENT_PORTAL_URL = `http://${E2E.hostsSubnet}.1:${E2E.port}`;
// Calls to clouds never leave this machine: EC2 goes to the tests' endpoint, the others nowhere.
Object.assign(env, closedCloudEndpoints(E2E.closedPort));
env.OCS_AWS_EC2_ENDPOINT = `http://127.0.0.1:${E2E.ec2Port}`;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'e2e/output/test-results',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  reporter: [['list']],
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: `http://localhost:${E2E.port}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // Without these Chromium keeps dialling Google services this machine cannot reach.
      args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    command: `rm -rf ${E2E.dataDir} && node --import tsx scripts/start.ts --port ${E2E.port} --data-dir ${E2E.dataDir}`,
    url: `http://127.0.0.1:${E2E.port}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
    env: {
      ...env,
      OCS_IDP_PORT: '9410',
      OCS_SAML_IDP_PORT: '9411',
      OCS_SMTP_PORT: '2535',
      OCS_PG_PORT: String(E2E.pgPort),
      OCS_REDIS_PORT: '63809',
      OCS_RELAY_PORT: '51830',
      OCS_LOCAL_SUBNET: E2E.subnet,
      OCS_LOCAL_STATE_DIR: path.join(E2E.dataDir, 'nodes'),
    },
  },
});
