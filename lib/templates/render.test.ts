import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPLATES_DIR } from '@/lib/catalog/template-files';
import type { TemplateDefinition } from './format';
import { loadShippedTemplates } from './load';
import { generateSecrets, renderApplication, renderLocalRun, renderOutputs, type GroupRuntime, type LocalRun, type RuntimeNode } from './render';
import { resolveValues } from './values';

const templates = new Map((await loadShippedTemplates()).map((d) => [d.slug, d]));

async function setUp(slug: string, parameters: Record<string, unknown>, nodesByUnit: Record<string, number>) {
  const def = templates.get(slug) as TemplateDefinition;
  const resolved = await resolveValues(def, parameters);
  if (!resolved.ok) throw new Error(JSON.stringify(resolved.errors));
  let last = 2;
  const group: GroupRuntime = {
    unitGroup: 'class-a',
    secrets: { adminPassword: 'ADMINpass123456789xy', dbPassword: 'db-secret', dbRootPassword: 'root-secret', mungeKey: 'munge' },
    units: Object.fromEntries(
      def.units.map((u) => [u.name, { role: u.role, nodes: Array.from({ length: nodesByUnit[u.name] ?? 0 }, (_, i) => ({ name: `ocs-${u.name}-${i + 1}`, ip: `127.77.0.${last}`, privateIp: `100.64.0.${last++}`, no: i + 1 })) }]),
    ),
  };
  const app = (name: string) => def.applications.find((a) => a.name === name)!;
  return { def, values: resolved.values, group, app };
}

const host = (slug: string) => ({ templateDir: path.join(TEMPLATES_DIR, slug), nodejs: process.execPath });

describe('renderLocalRun: what the node agent is asked to run', () => {
  it('web-hello: this machine\'s Node.js runs app.mjs on 8080 with /healthz', async () => {
    const { def, values, group, app } = await setUp('web-hello', {}, { web: 2 });
    const node = group.units.web!.nodes[1]!;
    expect(await renderLocalRun(def, app('hello'), values, group, node, host('web-hello'))).toEqual({
      command: [process.execPath, path.join(TEMPLATES_DIR, 'web-hello', 'app.mjs')],
      env: {},
      port: 8080,
      healthPath: '/healthz',
    });
  });

  it('tljh: the launcher bound to the node address, the class accounts, NODE_PATH for Debian\'s proxy', async () => {
    const { def, values, group, app } = await setUp('tljh', { classPassword: 'class-password', studentNames: 'alice bob', adminUser: 'sensei' }, { hub: 1 });
    const node = group.units.hub!.nodes[0]!;
    expect(await renderLocalRun(def, app('jupyterhub'), values, group, node, host('tljh'))).toEqual({
      command: [process.execPath, path.join(TEMPLATES_DIR, 'tljh', 'start-jupyterhub.mjs'), '--ip', node.ip, '--port', '8000'],
      env: { STUDENTS: 'alice,bob', ADMIN_USERS: 'sensei', CLASS_PASSWORD: 'class-password', NODE_PATH: '/usr/share/nodejs' },
      port: 8000,
      healthPath: '/hub/health',
    });
  });

  it('container: the given command, argument by argument, with NAME=value environment', async () => {
    const { def, values, group, app } = await setUp('container', { localCommand: 'python3\n-m\nhttp.server\n{{port}}', environment: ['GREETING=hello world', 'EMPTY='], port: 9000 }, { app: 1 });
    expect(await renderLocalRun(def, app('container'), values, group, group.units.app!.nodes[0]!, host('container'))).toEqual({
      command: ['python3', '-m', 'http.server', '{{port}}'],
      env: { GREETING: 'hello world', EMPTY: '' },
      port: 9000,
      healthPath: '/',
    });
  });

  it('refuses an application without a local section', async () => {
    const { def, values, group, app } = await setUp('moodle', { adminEmail: 'a@example.ac.jp' }, { moodle: 1 });
    await expect(renderLocalRun(def, app('moodle'), values, group, group.units.moodle!.nodes[0]!, host('moodle'))).rejects.toThrow(
      'applications[1]: application "moodle" cannot run on the local provider',
    );
  });
});

describe('openhpc as processes: slurm.conf and the daemons of each node', () => {
  async function cluster(headComputes: boolean) {
    const { def, values, group, app } = await setUp('openhpc', { computeNodes: 2, cpusPerNode: 2, headComputes }, { master: 1, compute: 2 });
    const head = group.units.master!.nodes[0]!;
    head.hostname = 'hpc-head.example.ac.jp';
    const run = (name: string, node: RuntimeNode) => renderLocalRun(def, app(name), values, group, node, { templateDir: '/unused', nodejs: 'node' });
    const slurmConf = (r: LocalRun) => r.files!.find((f) => f.path === 'slurm/slurm.conf')!.content.split('\n');
    const outputs = Object.fromEntries((await renderOutputs(def, values, group)).map((o) => [o.key, o.values]));
    return { head, compute: group.units.compute!.nodes, master: await run('slurmctld', head), slurmd: await run('slurmd', group.units.compute!.nodes[1]!), slurmConf, outputs };
  }
  const script = '{{nodeDir}}/slurm/run-with-munge.sh';

  it('a head node that also runs jobs is Slurm node "head" at its private address, and runs slurmd beside the controller', async () => {
    const { head, compute, master, slurmd, slurmConf, outputs } = await cluster(true);
    expect(master.command).toEqual(['sh', script, 'slurmctld', 'slurmd', 'head']);
    expect(slurmd.command).toEqual(['sh', script, 'slurmd', 'compute-2']);
    for (const conf of [slurmConf(master), slurmConf(slurmd)]) {
      expect(conf).toContain(`SlurmctldHost=hpc-head(${head.privateIp})`);
      expect(conf.filter((l) => l.startsWith('NodeName='))).toEqual([
        `NodeName=compute-1 NodeAddr=${compute[0]!.privateIp} CPUs=2 State=UNKNOWN`,
        `NodeName=compute-2 NodeAddr=${compute[1]!.privateIp} CPUs=2 State=UNKNOWN`,
        `NodeName=head NodeAddr=${head.privateIp} CPUs=2 State=UNKNOWN`,
      ]);
    }
    // A user signs in to the head at its own address; a job spans the compute nodes and the head.
    expect(outputs).toMatchObject({ 'head-node': [head.ip], partition: ['compute (2 nodes and the head node)'], submit: ['srun -p compute -N 3 hostname'] });
  });

  it('by default the head node runs the controller alone', async () => {
    const { master, slurmConf, outputs } = await cluster(false);
    expect(master.command).toEqual(['sh', script, 'slurmctld']);
    expect(slurmConf(master).filter((l) => l.startsWith('NodeName=')).map((l) => l.split(' ')[0])).toEqual(['NodeName=compute-1', 'NodeName=compute-2']);
    expect(outputs).toMatchObject({ partition: ['compute (2 nodes)'], submit: ['srun -p compute -N 2 hostname'] });
  });
});

describe('renderApplication: on a cloud node', () => {
  it('moodle: image by version, generated passwords, the node address, volumes per unit group', async () => {
    const { def, values, group, app } = await setUp('moodle', { adminEmail: 'a@example.ac.jp', moodleVersion: '5.0' }, { moodle: 1 });
    const node = group.units.moodle!.nodes[0]!;
    expect(await renderApplication(def, app('moodle'), values, group, node)).toEqual({
      name: 'moodle',
      role: 'moodle',
      image: 'ocs/moodle-simple:5.0',
      ports: [80],
      health: { port: 80, path: '/login/index.php' },
      env: {
        MOODLE_URL: `http://${node.ip}`,
        MOODLE_SITE_NAME: 'Moodle',
        MOODLE_ADMIN_USER: 'admin',
        MOODLE_ADMIN_PASSWORD: 'ADMINpass123456789xy',
        MOODLE_ADMIN_EMAIL: 'a@example.ac.jp',
        MOODLE_DB_HOST: node.ip,
        MOODLE_DB_NAME: 'moodle',
        MOODLE_DB_USER: 'moodle',
        MOODLE_DB_PASSWORD: 'db-secret',
      },
      volumes: [{ source: 'class-a-moodledata', target: '/var/www/moodledata', readOnly: false }],
    });
  });

  it('openhpc: compute nodes find the head node on the private network', async () => {
    const { def, values, group, app } = await setUp('openhpc', { computeNodes: 2 }, { master: 1, compute: 2 });
    const head = group.units.master!.nodes[0]!;
    const rendered = await renderApplication(def, app('slurmd'), values, group, group.units.compute!.nodes[1]!);
    expect(rendered.env).toEqual({ MUNGE_KEY: 'munge', SLURM_CONTROLLER: head.privateIp, SLURM_PARTITION: 'compute', NFS_SERVER: head.privateIp });
    const ctl = await renderApplication(def, app('slurmctld'), values, group, head);
    expect(ctl.env).toMatchObject({ SLURM_COMPUTE_NODES: group.units.compute!.nodes.map((n) => n.privateIp).join(','), SLURM_HEAD_COMPUTES: 'false' });
  });

  it('coursewarehub: workers find the master\'s NFS and Swarm on the private network', async () => {
    const { def, values, group, app } = await setUp('coursewarehub', { adminEmail: 'a@example.ac.jp' }, { master: 1, worker: 2 });
    const master = group.units.master!.nodes[0]!;
    const rendered = await renderApplication(def, app('swarm-worker'), values, group, group.units.worker!.nodes[0]!);
    expect(rendered.env).toEqual({ NFS_SERVER: master.privateIp, SWARM_MANAGER: `${master.privateIp}:2377` });
  });
});

describe('outputs and secrets', () => {
  it('outputs with real addresses; secrets as generated', async () => {
    const { def, values, group } = await setUp('coursewarehub', { adminEmail: 'a@example.ac.jp' }, { master: 1, worker: 2 });
    expect(await renderOutputs(def, values, group)).toEqual([
      { key: 'url', label: { ja: 'CoursewareHub の URL', en: 'CoursewareHub URL' }, kind: 'url', values: [`https://${group.units.master!.nodes[0]!.ip}/`] },
      { key: 'admin', label: { ja: '管理者アカウント', en: 'Admin account' }, kind: 'text', values: ['a@example.ac.jp'] },
      { key: 'admin-password', label: { ja: '管理者の初期パスワード', en: 'Admin initial password' }, kind: 'secret', values: ['ADMINpass123456789xy'] },
    ]);
  });

  it('generates each secret fresh, at its length, from an unambiguous alphabet', () => {
    const def = templates.get('moodle')!;
    const a = generateSecrets(def);
    const b = generateSecrets(def);
    expect(Object.keys(a)).toEqual(['adminPassword', 'dbPassword', 'dbRootPassword']);
    expect([a.adminPassword!.length, a.dbPassword!.length]).toEqual([20, 32]);
    expect(a.adminPassword).toMatch(/^[A-HJ-NP-Za-km-z2-9]+$/);
    expect(a.adminPassword).not.toBe(b.adminPassword);
  });
});
