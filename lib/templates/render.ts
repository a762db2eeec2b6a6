import { randomInt } from 'node:crypto';
import { evaluateCondition, ExpressionError, interpolate, interpolateList } from './expressions';
import { NODE_PLACEHOLDERS, type WorkQueueSpec } from '@/agent/protocol';
import type { TemplateApplication, TemplateDefinition } from './format';

// Turning a template's applications and outputs into concrete values for a unit group: the
// plan uses it with placeholder addresses, the build with the real ones, so both agree.

export interface RuntimeNode {
  name: string;
  /** The machine's own address (its provider's). */
  ip: string;
  /** Its address on the unit group's private network, where every other node reaches it whatever provider each is on (the machine's own on `local`). */
  privateIp: string;
  no: number;
  /** Where the node's agent keeps its files, as a shell on the node names it; known on a lab's servers. */
  folder?: string;
  /** The machine's name as its agent reported it (Slurm names its controller by it). */
  hostname?: string;
}

/** What a unit group knows once its nodes exist: expressions read it as units, secrets, unitGroup. */
export interface GroupRuntime {
  unitGroup: string;
  /** By unit name: units.master.nodes[0].privateIp */
  units: Record<string, { role: string; nodes: RuntimeNode[] }>;
  secrets: Record<string, string>;
}

export interface RenderedApplication {
  name: string;
  role: string;
  image: string;
  ports: number[];
  env: Record<string, string>;
  volumes: { source: string; target: string; readOnly: boolean }[];
  health: { port: number; path?: string } | null;
}

/** An application's process form, as the node's agent takes it (agent/protocol processSpecSchema). */
export interface LocalRun {
  command: string[];
  env: Record<string, string>;
  files?: { path: string; content: string; mode: number }[];
  port?: number;
  healthPath?: string;
  healthTcp?: boolean;
}

export interface RenderedOutput {
  key: string;
  label: { ja: string; en: string };
  kind: 'url' | 'text' | 'secret';
  values: string[];
}

function groupContext(values: Record<string, unknown>, group: GroupRuntime): Record<string, unknown> {
  return { ...values, units: group.units, secrets: group.secrets, unitGroup: group.unitGroup };
}

function nodeContext(values: Record<string, unknown>, group: GroupRuntime, node: RuntimeNode): Record<string, unknown> {
  return { ...groupContext(values, group), nodeIp: node.ip, nodePrivateIp: node.privateIp, nodeName: node.name, nodeNo: node.no };
}

async function port(p: number | string, values: Record<string, unknown>, field: string): Promise<number> {
  if (typeof p === 'number') return p;
  const text = await interpolate(p, values, field);
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new ExpressionError(field, `must give a port number from 1 to 65535, not ${JSON.stringify(text)}`);
  return n;
}

async function envOf(env: Record<string, string> | string[], context: Record<string, unknown>, field: string): Promise<Record<string, string>> {
  if (!Array.isArray(env)) {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) out[k] = await interpolate(v, context, `${field}.${k}`);
    return out;
  }
  const entries = await interpolateList(env, context, field, { allowEmpty: true });
  return Object.fromEntries(
    entries.map((entry) => {
      const eq = entry.indexOf('=');
      // Name the entry by position, not by its rendered text, which may hold a secret.
      if (eq < 1) throw new ExpressionError(field, `entry ${entries.indexOf(entry) + 1} is not of the form NAME=value`);
      return [entry.slice(0, eq), entry.slice(eq + 1)];
    }),
  );
}

function appField(def: TemplateDefinition, app: TemplateApplication): string {
  return `applications[${def.applications.indexOf(app)}]`;
}

/** The parts of an application that depend only on parameters and derived values. */
export async function renderImageAndPorts(def: TemplateDefinition, app: TemplateApplication, values: Record<string, unknown>): Promise<Pick<RenderedApplication, 'image' | 'ports' | 'health'>> {
  const f = appField(def, app);
  const ports: number[] = [];
  for (const [i, p] of app.ports.entries()) ports.push(await port(p, values, `${f}.ports[${i}]`));
  let health: RenderedApplication['health'] = null;
  if (app.health) {
    health = { port: await port(app.health.port, values, `${f}.health.port`) };
    if (app.health.path) {
      health.path = await interpolate(app.health.path, values, `${f}.health.path`);
      if (!health.path.startsWith('/')) throw new ExpressionError(`${f}.health.path`, `must give a path starting with "/", not ${JSON.stringify(health.path)}`);
    }
  }
  return { image: await interpolate(app.image, values, `${f}.image`), ports, health };
}

/** An application as it runs on one node of a cloud provider (in the node's base container). */
export async function renderApplication(def: TemplateDefinition, app: TemplateApplication, values: Record<string, unknown>, group: GroupRuntime, node: RuntimeNode): Promise<RenderedApplication> {
  const f = appField(def, app);
  const volumes = [];
  for (const [i, v] of app.volumes.entries())
    volumes.push({
      source: await interpolate(v.source, { ...values, unitGroup: group.unitGroup }, `${f}.volumes[${i}].source`),
      target: await interpolate(v.target, values, `${f}.volumes[${i}].target`),
      readOnly: v.readOnly,
    });
  return {
    name: app.name,
    role: app.role,
    ...(await renderImageAndPorts(def, app, values)),
    env: await envOf(app.env, nodeContext(values, group, node), `${f}.env`),
    volumes,
  };
}

/** Host programs the local provider needs for an application (its local.requires, filled in). */
export async function localRequirements(def: TemplateDefinition, app: TemplateApplication, values: Record<string, unknown>): Promise<string[]> {
  if (!app.local) return [];
  return interpolateList(app.local.requires, values, `${appField(def, app)}.local.requires`, { allowEmpty: true });
}

/**
 * How the local provider runs an application on one node: its local command and environment
 * (the application's env, then local.env), {{ templateDir }} and {{ nodejs }} filled in.
 */
export async function renderLocalRun(
  def: TemplateDefinition,
  app: TemplateApplication,
  values: Record<string, unknown>,
  group: GroupRuntime,
  node: RuntimeNode,
  host: { templateDir: string; nodejs: string },
): Promise<LocalRun> {
  const f = appField(def, app);
  if (!app.local) throw new ExpressionError(f, `application "${app.name}" cannot run on the local provider`);
  // The node's folder and user are known only on the node: its agent fills these placeholders in.
  const context = { ...nodeContext(values, group, node), ...host, nodeDir: NODE_PLACEHOLDERS.nodeDir, nodeRunDir: NODE_PLACEHOLDERS.nodeRunDir, nodeUser: NODE_PLACEHOLDERS.nodeUser };
  const { ports, health } = await renderImageAndPorts(def, app, values);
  const primary = health?.port ?? ports[0];
  const files = [];
  for (const [i, file] of app.local.files.entries())
    files.push({ path: file.path, content: await interpolate(file.content, context, `${f}.local.files[${i}].content`), mode: file.mode });
  return {
    command: await interpolateList(app.local.command, context, `${f}.local.command`),
    env: { ...(await envOf(app.env, context, `${f}.env`)), ...(await envOf(app.local.env, context, `${f}.local.env`)) },
    // Left out when there are none, so the specs of nodes built before files existed stay equal.
    ...(files.length ? { files } : {}),
    ...(primary !== undefined ? { port: primary } : {}),
    ...(health?.path ? { healthPath: health.path } : health ? { healthTcp: true } : {}),
  };
}

/**
 * The work queue the node's agent is to report for the application, as fields of its desired spec:
 * none when it names none (specs are compared as stored, where an undefined field is absent).
 */
export function renderWorkQueue(app: TemplateApplication): { workQueue?: WorkQueueSpec } {
  return app.workQueue ? { workQueue: { scheduler: app.workQueue } } : {};
}

/** The template's outputs for a unit group (those whose `when` holds). */
export async function renderOutputs(def: TemplateDefinition, values: Record<string, unknown>, group: GroupRuntime): Promise<RenderedOutput[]> {
  const out: RenderedOutput[] = [];
  for (const [i, o] of def.outputs.entries()) {
    if (o.when && !(await evaluateCondition(o.when, values, `outputs[${i}].when`))) continue;
    out.push({ key: o.key, label: o.label, kind: o.kind, values: await interpolateList([o.value], groupContext(values, group), `outputs[${i}].value`, { allowEmpty: true }) });
  }
  return out;
}

// No look-alike characters: these get read aloud and typed in.
const SECRET_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** Fresh credentials for a build, one per `secrets` entry; shown once in its outputs. */
export function generateSecrets(def: TemplateDefinition): Record<string, string> {
  return Object.fromEntries(def.secrets.map((s) => [s.name, Array.from({ length: s.length }, () => SECRET_ALPHABET[randomInt(SECRET_ALPHABET.length)]).join('')]));
}
