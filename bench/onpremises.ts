// Builds on the lab's own servers: two network-namespace servers (test/hosts) with sshd and a
// container engine. A web-hello build of 2 nodes (submit → SUCCEEDED, placement, agent installed
// over SSH, dial home, container healthy) against doing it by hand over SSH in the same run: copy
// the agent, write its folder with the application it should run, start it, wait for the application.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import ssh2 from 'ssh2';
import type { Actor } from '@/lib/auth/actor';
import { agentBundle } from '@/lib/agent-bundle';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { db } from '@/lib/db/client';
import { checkHost } from '@/lib/hosts/check-host';
import { registerHost } from '@/lib/hosts/manage-hosts';
import { organizationSshPublicKey } from '@/lib/hosts/ssh-key';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { startAgentPortal } from '@/test/agent-portal';
import { createHostNetwork, type NamespaceHost } from '@/test/hosts';
import { summarize, timed } from './stats';
import { newSshKeyPair } from '@/lib/ssh-keys/generate';

const byHandKey = newSshKeyPair('bench-by-hand');

function connect(host: NamespaceHost): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.once('ready', () => resolve(client)).once('error', reject);
    client.connect({ host: host.ip, port: host.port, username: host.user, privateKey: byHandKey.private, hostVerifier: () => true });
  });
}

function exec(client: ssh2.Client, command: string): Promise<void> {
  return new Promise((resolve, reject) =>
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      stream.resume();
      stream.stderr.resume();
      stream.once('close', (code: number) => (code === 0 ? resolve() : reject(new Error(`${command}: exit ${code}`))));
    }),
  );
}

/** Copies a file as `cat > remote` with the file on stdin (the test servers' sshd has no SFTP subsystem). */
function put(client: ssh2.Client, local: string, remote: string): Promise<void> {
  return new Promise((resolve, reject) =>
    client.exec(`cat > ${remote}`, (err, stream) => {
      if (err) return reject(err);
      stream.resume();
      stream.stderr.resume();
      stream.once('close', (code: number) => (code === 0 ? resolve() : reject(new Error(`copying ${local}: exit ${code}`))));
      void readFile(local).then((data) => stream.end(data), reject);
    }),
  );
}

async function answers(ip: string): Promise<boolean> {
  return fetch(`http://${ip}:8080/healthz`, { signal: AbortSignal.timeout(500) }).then((r) => r.ok, () => false);
}

/** By hand on one server: the agent and a folder that says what to run; no portal involved. */
async function byHand(host: NamespaceHost): Promise<string> {
  const dir = path.join(host.dir, 'by-hand', randomUUID());
  const { file } = await agentBundle();
  const client = await connect(host);
  try {
    await exec(client, `mkdir -p ${dir}`);
    await put(client, file, `${dir}/agent.mjs`);
    const node = { name: `by-hand-${host.name}`, ip: host.ip, portalUrl: 'http://127.0.0.1:9/' };
    const desired = { version: 1, applications: [{ name: 'hello', kind: 'container', container: { image: 'ocs/hello-web:1.0', ports: [8080], env: {}, volumes: [], health: { port: 8080, path: '/healthz' }, restart: 'always' } }] };
    await exec(client, `printf '%s' '${JSON.stringify(node)}' > ${dir}/node.json && printf '%s' '${JSON.stringify(desired)}' > ${dir}/desired.json`);
    await exec(client, `(cd ${dir} && exec setsid nohup node agent.mjs --state-dir ${dir}) > ${dir}/agent.log 2>&1 < /dev/null &`);
  } finally {
    client.end();
  }
  for (const deadline = Date.now() + 60_000; !(await answers(host.ip)); await sleep(20))
    if (Date.now() > deadline) throw new Error(`the application on ${host.name} did not answer within 60 s; see ${dir}/agent.log`);
  return dir;
}

async function undoByHand(host: NamespaceHost, dir: string): Promise<void> {
  const client = await connect(host);
  try {
    await exec(client, `node ${dir}/agent.mjs remove --state-dir ${dir} && rm -rf ${dir}`);
  } finally {
    client.end();
  }
}

export async function benchOnPremises(organizationId: string, actor: Actor, rounds: number) {
  const network = await createHostNetwork({ name: 'ocsbench', subnet: '10.205.3' });
  const portal = await startAgentPortal({ host: network.bridgeAddress });
  const localUrl = process.env.OCS_AGENT_LOCAL_URL;
  process.env.OCS_AGENT_LOCAL_URL = process.env.OCS_AGENT_PORTAL_URL;
  process.env.OCS_AGENT_PORTAL_URL = portal.url;
  try {
    const { publicKey } = await organizationSshPublicKey(db(), actor, organizationId);
    const servers = [await network.addHost({ authorizedKeys: [publicKey, byHandKey.public] }), await network.addHost({ authorizedKeys: [publicKey, byHandKey.public] })];
    for (const [i, host] of servers.entries()) {
      await host.startContainerEngine();
      const registered = await registerHost(db(), actor, organizationId, { name: `bench-${i + 1}-${Date.now()}`, address: host.ip, sshUser: host.user, capacity: 1, agentDir: path.join(host.dir, 'ocs') });
      // As an admin does: the connection test pins the key and finds the container engine.
      await checkHost(db(), actor, registered.id);
    }
    const build: number[] = [];
    const teardown: number[] = [];
    const hand: number[] = [];
    for (let i = 0; i < rounds; i++) {
      let unitGroupId = '';
      build.push(
        await timed(async () => {
          const ids = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: `bench-lab-${i}-${Date.now()}`, provider: 'onpremises', organizationId, parameters: { nodes: 2 } });
          unitGroupId = ids.unitGroupId;
          await runBuild(db(), ids.buildId);
        }),
      );
      teardown.push(await timed(() => deleteUnitGroup(db(), unitGroupId)));
      let dirs: string[] = [];
      hand.push(await timed(async () => (dirs = await Promise.all(servers.map(byHand)))));
      await Promise.all(servers.map((host, k) => undoByHand(host, dirs[k]!)));
    }
    return [summarize('onpremises build 2 node(s) on 2 servers: submit → SUCCEEDED', build), summarize('onpremises teardown 2 node(s)', teardown), summarize('by hand over SSH: 2 agents + containers healthy', hand)];
  } finally {
    process.env.OCS_AGENT_PORTAL_URL = process.env.OCS_AGENT_LOCAL_URL;
    // Assigning undefined would set the text "undefined".
    if (localUrl === undefined) delete process.env.OCS_AGENT_LOCAL_URL;
    else process.env.OCS_AGENT_LOCAL_URL = localUrl;
    await portal.close();
    await network.destroy();
  }
}
