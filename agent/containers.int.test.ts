// The agent's container runtime against a real engine: a namespace host's own Podman serving the
// Docker API (test/hosts) with the web-hello image (test/images), as root or as an ordinary user
// (test/hosts/sandbox.sh). The nodes publish their ports on addresses of that host, on a bridge of
// this test's own (10.202.64.0/24; nothing else is addressed).
import net from 'node:net';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@/test/fixtures';
import { createHostNetwork, type HostNetwork, type NamespaceHost, type PodmanService } from '@/test/hosts';
import { HELLO_WEB_IMAGE } from '@/test/images/hello-web';
import { detectContainerEngine, ImageUnavailableError, specHash, type ContainerEngine, type NodeContainers } from './containers';
import { containerSpecSchema, type ApplicationReport, type ContainerSpec } from './protocol';

const SUBNET = '10.202.64';
// The host's own address and two more of the host's.
const NODE_A = { name: 'web-a', ip: `${SUBNET}.11`, unitGroup: 'ug-1' };
const NODE_B = { name: 'web-b', ip: `${SUBNET}.21` };
const CRASHING_IP = `${SUBNET}.22`;
const PORT = 8080;

let network: HostNetwork | undefined;
let host: NamespaceHost;
let podman: PodmanService;
let docker: Dockerode;
let engine: ContainerEngine;
// One per node for the whole file, as the agent holds one.
let a: NodeContainers;
let b: NodeContainers;

function webSpec(nodeName: string): ContainerSpec {
  return containerSpecSchema.parse({
    image: HELLO_WEB_IMAGE,
    env: { NODE_NAME: nodeName },
    ports: [PORT],
    volumes: [{ source: 'data', target: '/data' }],
    health: { port: PORT, path: '/healthz' },
  });
}

async function page(ip: string): Promise<string | null> {
  try {
    const res = await fetch(`http://${ip}:${PORT}/`, { signal: AbortSignal.timeout(1000) });
    return res.ok ? await res.text() : null;
  } catch {
    return null;
  }
}

function byLabel(label: string) {
  return { all: true, filters: { label: [label] } };
}

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsctr', subnet: SUBNET });
  host = await network.addHost({ authorizedKeys: [] });
  for (const ip of [NODE_B.ip, CRASHING_IP]) {
    const added = await host.exec(['ip', 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
    if (added.code !== 0) throw new Error(`adding ${ip} to ${host.name}: ${added.stderr}`);
  }
  const started = Date.now();
  podman = await host.startContainerEngine();
  console.log(`[containers] engine and image ${Date.now() - started} ms`);
  docker = new Dockerode({ socketPath: podman.socketPath });
  const detected = await detectContainerEngine({ socketPath: podman.socketPath });
  if (!detected) throw new Error(`no engine answers on ${podman.socketPath}`);
  engine = detected;
  a = engine.forNode(NODE_A);
  b = engine.forNode(NODE_B);
});

afterAll(async () => {
  await network?.destroy();
});

describe('detectContainerEngine', () => {
  it('names the engine from its version', () => {
    expect(engine.description).toMatch(/^Podman Engine \d+\.\d+/);
  });

  it('finds the engine DOCKER_HOST names', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = podman.env.DOCKER_HOST;
    try {
      expect((await detectContainerEngine())?.description).toBe(engine.description);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it('is null at once where nothing serves, and soon where something listens but never answers', async () => {
    let started = Date.now();
    expect(await detectContainerEngine({ socketPath: path.join(host.dir, 'nobody.sock') })).toBeNull();
    expect(Date.now() - started).toBeLessThan(500);

    const silent = net.createServer(() => {});
    const silentPath = path.join(host.dir, 'silent.sock');
    await new Promise<void>((resolve) => silent.listen(silentPath, resolve));
    try {
      started = Date.now();
      expect(await detectContainerEngine({ socketPath: silentPath })).toBeNull();
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.close();
    }
  });
});

describe('NodeContainers', () => {
  it('ensure is idempotent: one labelled container, kept while its spec stays the same, answering on the node address', async () => {
    const spec = webSpec('node A');
    await a.ensure('hello', spec);
    const [first, ...others] = await docker.listContainers(byLabel(`ocs.node=${NODE_A.name}`));
    expect(others).toEqual([]);
    await a.ensure('hello', spec);
    const again = await docker.listContainers(byLabel(`ocs.node=${NODE_A.name}`));
    expect(again.map((c) => c.Id)).toEqual([first!.Id]);

    expect(first!.Names).toEqual([`/ocs-${NODE_A.name}-hello`]);
    expect(first!.Labels).toMatchObject({ 'ocs.node': NODE_A.name, 'ocs.application': 'hello', 'ocs.unit-group': 'ug-1', 'ocs.spec-hash': specHash(spec, NODE_A.ip) });
    const { Volumes: volumes } = await docker.listVolumes({ filters: { label: [`ocs.node=${NODE_A.name}`] } });
    expect(volumes.map((v) => [v.Name, v.Labels])).toEqual([[`ocs-${NODE_A.name}-data`, { 'ocs.node': NODE_A.name, 'ocs.application': 'hello', 'ocs.unit-group': 'ug-1' }]]);

    expect(await until('the page on node A', () => page(NODE_A.ip), 15_000)).toContain('node A');
    const [report] = await a.list();
    expect(report).toMatchObject({ name: 'hello', kind: 'container', state: 'running', restarts: 0 });
    expect(report!.healthy).toBeUndefined();
    expect(Date.parse(report!.startedAt!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("usage gives each running container's CPU seconds, memory and network from the engine's counters", async () => {
    // Traffic to count: the page fetched a few times.
    for (let i = 0; i < 5; i++) expect(await page(NODE_A.ip)).toContain('node A');
    const [usage, ...others] = await a.usage();
    expect(others).toEqual([]);
    expect(usage!.name).toBe('hello');
    expect(usage!.cpuSeconds).toBeGreaterThan(0);
    // A Node.js server holds megabytes.
    expect(usage!.memoryBytes).toBeGreaterThan(1024 * 1024);
    expect(usage!.networkReceiveBytes).toBeGreaterThan(0);
    expect(usage!.networkTransmitBytes).toBeGreaterThan(0);
    expect(await b.usage()).toEqual([]);
  });

  it('a changed spec replaces the container', async () => {
    const before = await docker.listContainers(byLabel(`ocs.node=${NODE_A.name}`));
    await a.ensure('hello', webSpec('node A, second edition'));
    const after = await docker.listContainers(byLabel(`ocs.node=${NODE_A.name}`));
    expect(after).toHaveLength(1);
    expect(after[0]!.Id).not.toBe(before[0]!.Id);
    expect(await until('the new page', async () => (await page(NODE_A.ip))?.includes('second edition'), 15_000)).toBe(true);
  });

  it('ensure starts a kept container that was stopped when its policy is to run always', async () => {
    const [container] = await docker.listContainers(byLabel(`ocs.node=${NODE_A.name}`));
    await docker.getContainer(container!.Id).stop({ t: 5 });
    expect((await a.list())[0]).toMatchObject({ state: 'exited' });
    await a.ensure('hello', webSpec('node A, second edition'));
    expect((await docker.listContainers(byLabel(`ocs.node=${NODE_A.name}`))).map((c) => [c.Id, c.State])).toEqual([[container!.Id, 'running']]);
  });

  it('a crashing container is restarted as its policy says, and its log tells why', async () => {
    const crash = (restart: ContainerSpec['restart']) => containerSpecSchema.parse({ image: HELLO_WEB_IMAGE, env: { CRASH: '1', EXIT_CODE: '7' }, restart });
    const node = engine.forNode({ name: 'crashing', ip: CRASHING_IP });
    await node.ensure('on-failure', crash('on-failure'));
    await node.ensure('always', crash('always'));
    await node.ensure('no', crash('no'));
    try {
      const reports = await until(
        'the on-failure container to give up and the always one to keep going',
        async () => {
          const all = new Map((await node.list()).map((r): [string, ApplicationReport] => [r.name, r]));
          return all.get('on-failure')?.state === 'exited' && all.get('always')!.restarts >= 4 && all.get('no')?.state === 'exited' ? all : null;
        },
        30_000,
      );
      expect(reports.get('on-failure')).toMatchObject({ state: 'exited', restarts: 3, exitCode: 7 });
      expect(reports.get('no')).toMatchObject({ state: 'exited', restarts: 0, exitCode: 7 });
      expect(reports.get('always')!.restarts).toBeGreaterThanOrEqual(4);

      // stdout and stderr come through separate pipes: their order within a moment is the engine's.
      const tail = await node.logTail('no', 5);
      expect(tail.split('\n').sort()).toEqual(['hello-web on a node: starting', 'hello-web: exiting with code 7 as CRASH=1 asks']);
      expect((await node.logTail('on-failure', 2)).split('\n')).toHaveLength(2);

      // Followed, a stopped container's log is its last lines, and the stream then ends; a missing one is no log.
      let followed = '';
      expect(await node.followLog('no', 5, (chunk) => (followed += chunk.toString()), AbortSignal.timeout(10_000))).toBe(true);
      expect(followed.split('\n').filter(Boolean).sort()).toEqual(['hello-web on a node: starting', 'hello-web: exiting with code 7 as CRASH=1 asks']);
      expect(await node.followLog('missing', 5, () => {}, AbortSignal.timeout(10_000))).toBe(false);
    } finally {
      await node.removeAll();
    }
  });

  it('stopAll keeps the containers stopped and startAll runs them again', async () => {
    await a.stopAll();
    expect((await a.list()).map((r) => r.state)).toEqual(['stopped']);
    expect(await page(NODE_A.ip)).toBeNull();
    expect(await docker.listContainers(byLabel(`ocs.node=${NODE_A.name}`))).toHaveLength(1);
    await a.startAll();
    expect((await a.list()).map((r) => r.state)).toEqual(['running']);
    expect(await until('the page after power on', () => page(NODE_A.ip), 15_000)).toContain('second edition');
  });

  it("two nodes' containers are independent: removeAll of one leaves the other", async () => {
    await b.ensure('hello', webSpec('node B'));
    expect(await until('the page on node B', () => page(NODE_B.ip), 15_000)).toContain('node B');
    expect((await b.list()).map((r) => r.name)).toEqual(['hello']);

    await a.removeAll();
    expect(await docker.listContainers(byLabel(`ocs.node=${NODE_A.name}`))).toEqual([]);
    expect((await docker.listVolumes({ filters: { label: [`ocs.node=${NODE_A.name}`] } })).Volumes).toEqual([]);
    expect(await a.list()).toEqual([]);
    expect(await page(NODE_B.ip)).toContain('node B');
    expect((await docker.listVolumes({ filters: { label: [`ocs.node=${NODE_B.name}`] } })).Volumes).toHaveLength(1);

    await b.remove('hello');
    await b.remove('hello');
    expect(await b.list()).toEqual([]);
  });

  it('an image that is neither here nor pullable is a clear error naming it', async () => {
    const missing = 'ocs/does-not-exist:1.0';
    const refused = b.ensure('ghost', containerSpecSchema.parse({ image: missing }));
    await expect(refused).rejects.toThrow(`image ${missing} is not on this host and cannot be pulled`);
    // Told apart from other failures: an application with a process form runs that instead (agent/agent.ts).
    await expect(refused).rejects.toBeInstanceOf(ImageUnavailableError);
    expect(await b.list()).toEqual([]);
  });
});
