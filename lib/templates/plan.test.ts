import { describe, expect, it } from 'vitest';
import type { TemplateDefinition } from './format';
import { loadShippedTemplates } from './load';
import { planBuild, type Plan, type PlanEnvironment, type PlanInput } from './plan';
import { shippedPriceTable } from './prices';

const templates = new Map((await loadShippedTemplates()).map((d) => [d.slug, d]));
const template = (slug: string): TemplateDefinition => templates.get(slug)!;

// Every program is "installed", every provider "buildable": the snapshots show the plans
// themselves; the tests further down take each of these away.
const ENV: PlanEnvironment = {
  findProgram: (name) => `/usr/bin/${name}`,
  buildableProviders: ['local', 'onpremises', 'aws', 'azure', 'oracle', 'sakura', 'vmware', 'mdx', 'openstack'],
  quota: { maxNodes: 20, inUse: 3, maxNodesPerProvider: { aws: 10 }, inUseByProvider: { local: 3 } },
};

async function plan(slug: string, input: PlanInput, env: PlanEnvironment = ENV): Promise<Plan> {
  const result = await planBuild(template(slug), input, env);
  if (!result.ok) throw new Error(`plan refused: ${JSON.stringify(result.errors)}`);
  return result.plan;
}

const CASES: [slug: string, name: string, input: PlanInput][] = [
  ['web-hello', 'local-default', { provider: 'local' }],
  ['web-hello', 'aws-5-nodes', { provider: 'aws', parameters: { nodes: '5' } }],
  ['tljh', 'local-default', { provider: 'local', parameters: { classPassword: 'class-password' } }],
  ['tljh', 'local-named-students', { provider: 'local', parameters: { classPassword: 'class-password', studentNames: 'alice\nbob\ncarol', adminUser: 'sensei' } }],
  ['tljh', 'azure', { provider: 'azure', parameters: { classPassword: 'class-password', students: 40 } }],
  ['coursewarehub', 'aws-20-students', { provider: 'aws', parameters: { students: 20, adminEmail: 'teacher@example.ac.jp' } }],
  ['coursewarehub', 'aws-100-students', { provider: 'aws', parameters: { students: 100, adminEmail: 'teacher@example.ac.jp', masterFqdn: 'hub.example.ac.jp' } }],
  ['coursewarehub', 'azure-101-students-large-workers', { provider: 'azure', flavorByRole: { worker: 'large' }, parameters: { students: '101', adminEmail: 'teacher@example.ac.jp' } }],
  ['moodle', 'aws-default', { provider: 'aws', unitGroupName: 'lms', parameters: { adminEmail: 'moodle-admin@example.ac.jp' } }],
  ['moodle', 'sakura-5.0', { provider: 'sakura', parameters: { adminEmail: 'moodle-admin@example.ac.jp', moodleVersion: '5.0', moodleUrl: 'https://moodle.example.ac.jp' } }],
  ['openhpc', 'aws-cpu', { provider: 'aws' }],
  ['openhpc', 'aws-gpu-4-nodes', { provider: 'aws', parameters: { gpu: true, computeNodes: 4 } }],
  ['openhpc', 'azure-gpu-large-master', { provider: 'azure', flavorByRole: { master: 'large' }, parameters: { gpu: 'on' } }],
  ['openhpc', 'onpremises-3-compute', { provider: 'onpremises', parameters: { computeNodes: 3, cpusPerNode: 4 } }],
  ['openhpc', 'onpremises-head-aws-compute', { provider: 'onpremises', providerByRole: { compute: 'aws' }, parameters: { computeNodes: 2, headComputes: true } }],
  ['cloud-burst', 'aws-2-nodes', { provider: 'aws', parameters: { headNode: '172.30.2.10', mungeKey: 'a'.repeat(44) } }],
  ['cloud-burst', 'sakura-5-nodes', { provider: 'sakura', flavor: 'large', parameters: { headNode: 'head.example.ac.jp', partition: 'burst', computeNodes: 5, mungeKey: 'a'.repeat(44) } }],
  ['container', 'local-default', { provider: 'local' }],
  ['container', 'aws-custom-image', { provider: 'aws', flavor: 'medium', parameters: { image: 'ghcr.io/example/app:2', port: '3000', healthPath: '/healthz', nodes: 3, environment: 'MODE=production\nGREETING=hello world' } }],
];

describe('plans of the shipped templates', () => {
  it.each(CASES)('%s %s', async (slug, name, input) => {
    const p = await plan(slug, input);
    await expect(`${JSON.stringify(p, null, 2)}\n`).toMatchFileSnapshot(`__snapshots__/${slug}-${name}.json`);
    // Deterministic: the same inputs give the same plan.
    expect(await plan(slug, input)).toEqual(p);
    // Cost adds up: per unit, price × nodes; in total, the sum of the units.
    for (const u of p.units) if (typeof u.hourlyPerNode === 'number') expect(u.hourly).toBeCloseTo(u.hourlyPerNode * u.numNodes, 4);
    expect(p.cost.hourly).toBeCloseTo(p.units.reduce((s, u) => s + (u.hourly as number), 0), 4);
    expect(p.totals.nodes).toBe(p.units.reduce((s, u) => s + u.numNodes, 0));
    expect(p.totals.byFlavor.reduce((s, f) => s + f.nodes, 0)).toBe(p.totals.nodes);
  });

  it('CoursewareHub: 1 master and ceil(students / 10) workers', async () => {
    const nodes = async (students: number) => (await plan('coursewarehub', { provider: 'aws', parameters: { students, adminEmail: 'a@example.ac.jp' } })).units.map((u) => [u.name, u.numNodes]);
    expect(await nodes(20)).toEqual([['master', 1], ['worker', 2]]);
    expect(await nodes(100)).toEqual([['master', 1], ['worker', 10]]);
    expect(await nodes(101)).toEqual([['master', 1], ['worker', 11]]);
    expect(await nodes(1)).toEqual([['master', 1], ['worker', 1]]);
  });

  it('aws prices: 20 students on medium = 3 × m4.xlarge', async () => {
    const p = await plan('coursewarehub', { provider: 'aws', parameters: { students: 20, adminEmail: 'a@example.ac.jp' } });
    const prices = await shippedPriceTable();
    const m4xlarge = prices.providers.aws!['ap-northeast-1']!['m4.xlarge']!;
    const hourly = Math.round(3 * m4xlarge * 1e4) / 1e4;
    expect(p.cost).toEqual({ currency: 'USD', asOf: '2026-11-01', hourly, hourlyKnown: hourly, unknownPriceUnits: [], byProvider: [{ provider: 'aws', hourly }] });
  });
});

describe('flavors', () => {
  it('the role\'s choice beats a variant, which beats the build\'s flavor, which beats the template default', async () => {
    const flavors = async (input: Omit<PlanInput, 'provider'>) => (await plan('openhpc', { provider: 'aws', ...input })).units.map((u) => `${u.name}:${u.flavor}:${u.image}`);
    expect(await flavors({})).toEqual(['master:medium:ocs/openhpc:master-3.4-multi', 'compute:medium:ocs/openhpc:compute-3.4-multi']);
    expect(await flavors({ flavor: 'large' })).toEqual(['master:large:ocs/openhpc:master-3.4-multi', 'compute:large:ocs/openhpc:compute-3.4-multi']);
    expect(await flavors({ flavor: 'large', parameters: { gpu: true } })).toEqual(['master:large:ocs/openhpc:master-3.4-multi', 'compute:gpu:ocs/openhpc:compute-gpu-3.4-multi']);
    // A GPU image on a flavor the user insists on for the role.
    expect(await flavors({ flavorByRole: { compute: 'small' }, parameters: { gpu: true } })).toEqual(['master:medium:ocs/openhpc:master-3.4-multi', 'compute:small:ocs/openhpc:compute-gpu-3.4-multi']);
  });

  it('units of a role can go to another provider', async () => {
    const p = await plan('openhpc', { provider: 'aws', providerByRole: { compute: 'azure' }, parameters: { computeNodes: 3 } });
    expect(p.units.map((u) => [u.name, u.provider, u.region, u.instanceType])).toEqual([
      ['master', 'aws', 'ap-northeast-1', 'm4.xlarge'],
      ['compute', 'azure', 'japaneast', 'Standard_D3_v2'],
    ]);
    expect(p.totals.byProvider).toEqual([{ provider: 'aws', nodes: 1 }, { provider: 'azure', nodes: 3 }]);
    // Each provider's share of the cost, adding up to the whole.
    const [aws, azure] = p.cost.byProvider;
    expect([aws?.provider, azure?.provider]).toEqual(['aws', 'azure']);
    expect(aws!.hourly).toBe(p.units[0]!.hourly);
    expect(azure!.hourly).toBe(p.units[1]!.hourly);
    expect(p.cost.hourly).toBeCloseTo((aws!.hourly as number) + (azure!.hourly as number), 4);
  });

  it('a provider without a price makes only its share of the cost unknown', async () => {
    const p = await plan('openhpc', { provider: 'aws', providerByRole: { compute: 'onpremises' }, parameters: { computeNodes: 2 } });
    const share = Object.fromEntries(p.cost.byProvider.map((c) => [c.provider, c.hourly]));
    expect(share.aws).toBe(p.units[0]!.hourly);
    expect(typeof share.aws).toBe('number');
    expect(share.onpremises).toBe(p.units[1]!.hourly);
  });
});

describe('problems a plan shows before anything is created', () => {
  it('quota: the total and a provider\'s limit', async () => {
    const quota = { maxNodes: 12, inUse: 5, maxNodesPerProvider: { aws: 6 }, inUseByProvider: { aws: 2, local: 3 } };
    const p = await plan('coursewarehub', { provider: 'aws', parameters: { students: 60, adminEmail: 'a@example.ac.jp' } }, { ...ENV, quota });
    expect(p.quota).toEqual({
      total: { limit: 12, inUse: 5, adding: 7, after: 12, exceeds: false },
      byProvider: [{ provider: 'aws', limit: 6, inUse: 2, adding: 7, after: 9, exceeds: true }],
      exceeds: true,
    });
    expect(p.problems).toEqual([{ kind: 'quota', message: 'This would make 9 nodes on aws; your organization may have 6 there (2 in use).' }]);
    expect(p.canSubmit).toBe(false);

    const over = await plan('web-hello', { provider: 'local', parameters: { nodes: 8 } }, { ...ENV, quota });
    expect(over.quota!.total).toEqual({ limit: 12, inUse: 5, adding: 8, after: 13, exceeds: true });
    expect(over.problems).toEqual([{ kind: 'quota', message: 'This would make 13 nodes; your organization may have 12 (5 in use).' }]);

    const fits = await plan('web-hello', { provider: 'local', parameters: { nodes: 7 } }, { ...ENV, quota });
    expect([fits.quota!.exceeds, fits.canSubmit]).toEqual([false, true]);
  });

  it('local programs that are missing, by name', async () => {
    const installed = new Set(['jupyterhub']);
    const p = await plan('tljh', { provider: 'local', parameters: { classPassword: 'class-password' } }, { ...ENV, findProgram: (n) => (installed.has(n) ? `/usr/bin/${n}` : null) });
    expect(p.units[0]!.applications[0]!.requires).toEqual([
      { program: 'jupyterhub', found: true },
      { program: 'jupyterhub-singleuser', found: false },
      { program: 'configurable-http-proxy', found: false },
    ]);
    expect(p.problems).toEqual([
      { kind: 'missing-programs', message: "jupyterhub on unit hub needs programs that are not on this machine's PATH: jupyterhub-singleuser, configurable-http-proxy" },
    ]);
    expect(p.canSubmit).toBe(false);
  });

  it('the container template needs the first word of its local command', async () => {
    const p = await plan('container', { provider: 'local', parameters: { localCommand: ['ruby', 'server.rb'] } }, { ...ENV, findProgram: () => null });
    expect(p.problems).toEqual([{ kind: 'missing-programs', message: "container on unit app needs programs that are not on this machine's PATH: ruby" }]);
  });

  it('cloud builds do not look for local programs', async () => {
    const p = await plan('tljh', { provider: 'aws', parameters: { classPassword: 'class-password' } }, { ...ENV, findProgram: () => null });
    expect(p.units[0]!.applications[0]!.requires).toEqual([]);
    expect(p.problems).toEqual([]);
  });

  it('the lab\'s servers: none, too few places, or no container engine for an application that needs one', async () => {
    const onServers = (servers: PlanEnvironment['servers'], nodes = 2) => plan('web-hello', { provider: 'onpremises', parameters: { nodes } }, { ...ENV, servers });
    const none = await onServers({ active: 0, freeNodes: 0, withContainers: 0 });
    expect(none.problems.map((p) => p.kind)).toEqual(['needs-containers', 'no-servers']);
    const full = await onServers({ active: 2, freeNodes: 1, withContainers: 2 });
    expect(full.problems).toEqual([{ kind: 'servers-full', message: "This makes 2 nodes on the organization's servers, which can take 1 more." }]);
    expect(full.servers).toEqual({ active: 2, freeNodes: 1, withContainers: 2 });
    // web-hello's local form runs a file of the template, which a server cannot get: it needs containers there.
    const noEngine = await onServers({ active: 2, freeNodes: 4, withContainers: 0 });
    expect(noEngine.units[0]!.applications[0]).toMatchObject({ name: 'hello', needsContainers: true });
    expect(noEngine.problems).toEqual([{ kind: 'needs-containers', message: "hello on unit web runs as a container (ocs/hello-web:1.0), and none of the organization's servers has a container engine (Docker, or Podman serving the Docker API) as far as their connection tests and agents have shown" }]);
    expect((await onServers({ active: 2, freeNodes: 4, withContainers: 1 })).canSubmit).toBe(true);
    // OpenHPC's daemons run as processes from Debian's packages on a server without an engine; the NFS server is not made there.
    const hpc = await plan('openhpc', { provider: 'onpremises' }, { ...ENV, servers: { active: 3, freeNodes: 3, withContainers: 0 } });
    expect(hpc.problems).toEqual([]);
    expect(hpc.units.map((u) => [u.name, u.applications.map((a) => a.name)])).toEqual([['master', ['slurmctld']], ['compute', ['slurmd']]]);
    // Moodle has only its images: on servers without an engine the plan says why it cannot run.
    const moodle = await plan('moodle', { provider: 'onpremises', parameters: { adminEmail: 'a@example.ac.jp' } }, { ...ENV, servers: { active: 1, freeNodes: 1, withContainers: 0 } });
    expect(moodle.canSubmit).toBe(false);
    expect(moodle.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^mariadb on unit moodle runs as a container \(mariadb:10\.11\)/), expect.stringMatching(/^moodle on unit moodle runs as a container/)]);
    expect((await plan('moodle', { provider: 'onpremises', parameters: { adminEmail: 'a@example.ac.jp' } }, { ...ENV, servers: { active: 1, freeNodes: 1, withContainers: 1 } })).canSubmit).toBe(true);
    // Plans for other providers say nothing of servers.
    expect((await plan('web-hello', { provider: 'local' }, { ...ENV, servers: { active: 0, freeNodes: 0, withContainers: 0 } })).servers).toBeNull();
  });

  it('a cloud build needs one of the organization\'s accounts there', async () => {
    const input = { provider: 'aws', parameters: { nodes: 2 } };
    expect((await plan('web-hello', input, { ...ENV, accounts: [] })).problems).toEqual([
      { kind: 'no-account', provider: 'aws', message: 'The organization has no aws account: add one under Cloud accounts (クラウドアカウント) first.' },
    ]);
    expect((await plan('web-hello', input, { ...ENV, accounts: [{ id: 'a', name: 'lab-aws', provider: 'aws', isDefault: true }] })).canSubmit).toBe(true);
  });

  it('a role may use another of the organization\'s accounts than the provider\'s default', async () => {
    const accounts = [
      { id: '11111111-1111-4111-8111-111111111111', name: 'lab-aws', provider: 'aws', isDefault: true },
      { id: '22222222-2222-4222-8222-222222222222', name: 'grant-aws', provider: 'aws', isDefault: false },
    ];
    const hybrid = { provider: 'onpremises', providerByRole: { compute: 'aws' }, parameters: { computeNodes: 2 } };
    const byDefault = await plan('openhpc', hybrid, { ...ENV, accounts });
    expect(byDefault.units.map((u) => [u.name, u.account?.name ?? null])).toEqual([['master', null], ['compute', 'lab-aws']]);
    const chosen = await plan('openhpc', { ...hybrid, accountByRole: { compute: accounts[1]!.id } }, { ...ENV, accounts });
    expect(chosen.units.map((u) => [u.name, u.account?.name ?? null])).toEqual([['master', null], ['compute', 'grant-aws']]);
    const unknown = await planBuild(template('openhpc'), { ...hybrid, accountByRole: { compute: '33333333-3333-4333-8333-333333333333' } }, { ...ENV, accounts });
    expect(unknown).toEqual({ ok: false, errors: { 'accountByRole.compute': 'no aws account of the organization has this id' } });
    const noAccounts = await planBuild(template('openhpc'), { ...hybrid, accountByRole: { master: accounts[1]!.id } }, { ...ENV, accounts });
    expect(noAccounts).toEqual({ ok: false, errors: { 'accountByRole.master': 'nodes on onpremises are made in no account' } });
    const noRole = await planBuild(template('openhpc'), { ...hybrid, accountByRole: { gpu: accounts[1]!.id } }, { ...ENV, accounts });
    expect(noRole).toEqual({ ok: false, errors: { 'accountByRole.gpu': 'this template has no role "gpu"; its roles are master, compute' } });
  });

  it('providers this installation cannot build on yet (by default, those without a driver)', async () => {
    const { buildableProviders: _all, ...env } = ENV;
    // Moodle as a copy would name the Hokkaido intercloud, which has no driver (its API is not confirmed).
    const moodle = template('moodle');
    const onHokudai = { ...moodle, units: moodle.units.map((u) => ({ ...u, providers: { ...u.providers, hokudai: {} } })) };
    const result = await planBuild(onHokudai, { provider: 'hokudai', parameters: { adminEmail: 'a@example.ac.jp' } }, env);
    expect(result.ok && result.plan.problems).toEqual([{ kind: 'provider-unavailable', message: 'This installation cannot create nodes on hokudai yet; the plan shows what a build there would create.' }]);
    expect((await plan('web-hello', { provider: 'local' }, env)).canSubmit).toBe(true);
  });
});

describe('cost', () => {
  it('a cloud flavor without a price is unknown, not free', async () => {
    const prices = await shippedPriceTable();
    const withoutXlarge = { ...prices, providers: { ...prices.providers, aws: { 'ap-northeast-1': { 'm4.large': 0.129 } } } };
    const p = await plan('coursewarehub', { provider: 'aws', flavorByRole: { master: 'small' }, parameters: { students: 30, adminEmail: 'a@example.ac.jp' } }, { ...ENV, prices: withoutXlarge });
    expect(p.units.map((u) => [u.name, u.hourlyPerNode, u.hourly])).toEqual([
      ['master', 0.129, 0.129],
      ['worker', 'unknown', 'unknown'],
    ]);
    expect(p.cost).toEqual({ currency: 'USD', asOf: '2026-11-01', hourly: 'unknown', hourlyKnown: 0.129, unknownPriceUnits: ['worker'], byProvider: [{ provider: 'aws', hourly: 'unknown' }] });
  });

  it('local nodes cost nothing', async () => {
    const p = await plan('web-hello', { provider: 'local', parameters: { nodes: 10 } });
    expect([p.units[0]!.hourly, p.cost.hourly]).toEqual([0, 0]);
  });
});

describe('refused inputs, named by field', () => {
  const errors = async (slug: string, input: PlanInput) => {
    const r = await planBuild(template(slug), input, ENV);
    return r.ok ? null : r.errors;
  };

  it('parameters', async () => {
    expect(await errors('coursewarehub', { provider: 'aws', parameters: { students: 0 } })).toEqual({ 'parameters.students': 'must be at least 1', 'parameters.adminEmail': 'is required' });
    // Together with the build form's own fields.
    expect(await errors('tljh', { provider: 'lokal', parameters: { classPassword: 'class-password', students: 'ten' } })).toEqual({
      'parameters.students': 'must be a whole number',
      provider: 'unknown provider "lokal"; choose one of local, onpremises, aws, aws_spot, azure, oracle, sakura, vmware, mdx, openstack, hokudai',
    });
  });

  it('providers and flavors', async () => {
    expect(await errors('moodle', { provider: 'local', parameters: { adminEmail: 'a@example.ac.jp' } })).toEqual({ provider: 'unit "moodle" of this template cannot run on local; it runs on aws, azure, sakura, onpremises' });
    expect(await errors('web-hello', { provider: 'gcp' })).toEqual({ provider: 'unknown provider "gcp"; choose one of local, onpremises, aws, aws_spot, azure, oracle, sakura, vmware, mdx, openstack, hokudai' });
    expect(await errors('web-hello', { provider: 'local', flavor: 'gpu' })).toEqual({ flavor: 'provider "local" has no flavor "gpu"; it has small, medium, large' });
    expect(await errors('openhpc', { provider: 'aws', flavorByRole: { compute: 'huge' } })).toEqual({ 'flavorByRole.compute': 'provider "aws" has no flavor "huge"; it has small, medium, large, gpu' });
    expect(await errors('openhpc', { provider: 'aws', flavorByRole: { worker: 'large' } })).toEqual({ 'flavorByRole.worker': 'this template has no role "worker"; its roles are master, compute' });
    expect(await errors('openhpc', { provider: 'sakura' })).toEqual({ provider: 'unit "master" of this template cannot run on sakura; it runs on aws, azure, onpremises' });
  });
});
