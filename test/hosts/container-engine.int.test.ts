import { existsSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@/test/fixtures';
import { HELLO_WEB_IMAGE } from '@/test/images/hello-web';
import { createHostNetwork, destroyLeftoverHostNetworks, type HostNetwork, type NamespaceHost } from './index';
import { pidsIn, processesNaming, processesWithEnv } from './probes';
import { sshRun } from './ssh-run';
import { run } from './system';
import { newSshKeyPair } from '@/lib/ssh-keys/generate';

// Namespace hosts with container engines of their own: two hosts on a bridge of this test's own
// (10.202.62.0/24; nothing else is addressed), each with its Podman; an SSH session on each finds
// that host's engine and no other; containers publish on their host's address; a removed host, a
// destroyed network and a killed run's network leave nothing. As root, or as an ordinary user in
// test/hosts/sandbox.sh.
const NAME = 'ocsce';
const SUBNET = '10.202.62';
const PORT = 8080;
const clientKey = newSshKeyPair('container-engine-test');
// Probes run on the hosts with the Node.js running the tests (hosts share the file system), as an agent would.
const NODE = JSON.stringify(process.execPath);
/** The Docker API's /info from the engine DOCKER_HOST names. */
const ENGINE_INFO = 'require("http").get({ socketPath: process.env.DOCKER_HOST.slice("unix://".length), path: "/info" }, (res) => res.pipe(process.stdout))';
/** The page at argv[1]. */
const FETCH = 'fetch(process.argv[1], { signal: AbortSignal.timeout(5000) }).then((res) => res.text()).then((text) => process.stdout.write(text))';

let network: HostNetwork | undefined;
let hosts: NamespaceHost[] = [];
let before: string;

/** This test's own network namespace's share of what netavark touches: its chains and forwarding. */
async function netavarkHere(): Promise<string> {
  const chains = (table: string) => run('iptables', ['-t', table, '-S']).then((rules) => rules.split('\n').filter((line) => line.includes('NETAVARK')));
  return JSON.stringify({ filter: await chains('filter'), nat: await chains('nat'), forwarding: await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8') });
}

beforeAll(async () => {
  before = await netavarkHere();
  network = await createHostNetwork({ name: NAME, subnet: SUBNET });
  hosts = [await network.addHost({ authorizedKeys: [clientKey.public] }), await network.addHost({ authorizedKeys: [clientKey.public] })];
  // Together, as a test that wants several would.
  await Promise.all(
    hosts.map(async (host) => {
      const started = Date.now();
      await host.startContainerEngine();
      console.log(`[container-engine] ${host.name}: engine and image in ${Date.now() - started} ms`);
    }),
  );
});

afterAll(async () => {
  await network?.destroy();
});

function dockerOf(host: NamespaceHost): Dockerode {
  return new Dockerode({ socketPath: host.containerEngine!.socketPath });
}

async function startWeb(host: NamespaceHost): Promise<Dockerode.Container> {
  const container = await dockerOf(host).createContainer({
    Image: HELLO_WEB_IMAGE,
    name: 'web',
    Env: [`NODE_NAME=${host.name}`],
    ExposedPorts: { [`${PORT}/tcp`]: {} },
    HostConfig: { PortBindings: { [`${PORT}/tcp`]: [{ HostPort: String(PORT) }] } },
  });
  await container.start();
  return container;
}

async function page(ip: string): Promise<string | null> {
  try {
    const res = await fetch(`http://${ip}:${PORT}/`, { signal: AbortSignal.timeout(1000) });
    return res.ok ? await res.text() : null;
  } catch {
    return null;
  }
}

/** The cgroups of a container (podman's cgroupfs layout); none for an engine not run by root. */
async function cgroupsOf(containerId: string): Promise<string[]> {
  const hierarchies = (await readdir('/sys/fs/cgroup')).map((entry) => path.join('/sys/fs/cgroup', entry));
  return hierarchies.map((hierarchy) => path.join(hierarchy, 'libpod_parent', `libpod-${containerId}`)).filter((cgroup) => existsSync(cgroup));
}

/**
 * What a host with an engine running a web container may leave, and its checks once it should be
 * gone. (Not its page: once the bridge is gone, its address would be routed off this machine.)
 */
async function traces(host: NamespaceHost, containerId: string) {
  const netns = await readlink(host.netnsPath);
  const container = await processesWithEnv(`NODE_NAME=${host.name}`);
  expect(container).toHaveLength(1);
  if (process.getuid?.() === 0) expect((await cgroupsOf(containerId)).length).toBeGreaterThan(0);
  return async () => {
    expect(await pidsIn(netns)).toEqual([]);
    expect(await processesNaming(host.dir)).toEqual([]);
    expect(await processesWithEnv(`NODE_NAME=${host.name}`)).toEqual([]);
    expect(await cgroupsOf(containerId)).toEqual([]);
    expect(existsSync(host.dir)).toBe(false);
  };
}

describe('container engines on namespace hosts', () => {
  it("gives every SSH session DOCKER_HOST of its host's own engine, which answers with the host's name", async () => {
    for (const host of hosts) {
      expect(host.dockerHost).toBe(`unix://${host.containerEngine!.socketPath}`);
      expect(host.containerEngine!.socketPath.startsWith(`${host.dir}/`)).toBe(true);
      const { stdout, code } = await sshRun(host, clientKey.private, `echo "$DOCKER_HOST" && ${NODE} -e '${ENGINE_INFO}'`);
      expect(code).toBe(0);
      const [dockerHost, info] = stdout.split('\n');
      expect(dockerHost).toBe(host.dockerHost);
      expect(JSON.parse(info!)).toMatchObject({ Name: host.name });
    }
    expect(hosts[0]!.dockerHost).not.toBe(hosts[1]!.dockerHost);
  });

  it("has the test image, and publishes containers' ports on the host's address, for the test and the other hosts", async () => {
    const ids: string[] = [];
    for (const host of hosts) {
      expect((await dockerOf(host).listImages()).flatMap((image) => image.RepoTags)).toContain(`localhost/${HELLO_WEB_IMAGE}`);
      ids.push((await startWeb(host)).id);
    }
    for (const host of hosts) expect(await until(`the page on ${host.name}`, () => page(host.ip), 15_000)).toContain(host.name);
    const [first, second] = hosts;
    const fromFirst = await first!.exec([process.execPath, '-e', FETCH, `http://${second!.ip}:${PORT}/`]);
    expect(fromFirst).toMatchObject({ code: 0, stdout: expect.stringContaining(second!.name) });
    for (const [i, host] of hosts.entries()) expect((await dockerOf(host).listContainers()).map((c) => c.Id)).toEqual([ids[i]]);
    // netavark's forwarding lives in the host.
    expect((await first!.exec(['iptables', '-t', 'nat', '-S'])).stdout).toContain('NETAVARK-HOSTPORT-DNAT');
  });

  it("removing a host takes its engine, containers, cgroups and folder; the other host's engine serves on", async () => {
    const [first, second] = hosts;
    const [web] = await dockerOf(second!).listContainers();
    const gone = await traces(second!, web!.Id);
    await network!.removeHost(second!);
    await gone();
    // The bridge is still there, so this stays on it.
    expect(await page(second!.ip)).toBeNull();
    expect(await page(first!.ip)).toContain(first!.name);
  });

  it("destroy leaves nothing, and netavark never touched the test's own network namespace", async () => {
    const [first] = hosts;
    const [web] = await dockerOf(first!).listContainers();
    const gone = await traces(first!, web!.Id);
    await network!.destroy();
    await gone();
    expect(existsSync(network!.dir)).toBe(false);
    expect(await netavarkHere()).toBe(before);
  });
});

describe('leftovers of a killed run', () => {
  const CRASHED = 'ocscx';
  afterAll(async () => {
    await destroyLeftoverHostNetworks(CRASHED);
  });

  it('go with the next createHostNetwork of the same name: engine, containers, cgroups, folders', async () => {
    const crashed = await createHostNetwork({ name: CRASHED, subnet: '10.202.63' });
    const host = await crashed.addHost({ authorizedKeys: [] });
    await host.startContainerEngine();
    const web = await startWeb(host);
    expect(await until('the page', () => page(host.ip), 15_000)).toContain(host.name);
    const gone = await traces(host, web.id);

    // The run that made it "was killed": nothing of it is stopped or removed but by the cleanup.
    const again = await createHostNetwork({ name: CRASHED, subnet: '10.202.63' });
    await gone();
    await again.destroy();
  });
});
