#!/usr/bin/env node
// `ocs`: the SDK's verbs at a shell. Tables for people, --json for scripts; exit codes scripts can
// rely on (see the usage text).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { table, textFor } from './cli-text.js';
import { OcsClient, type UnitGroupSummary } from './client.js';
import { OcsApiError, OcsBuildError, OcsTimeoutError } from './errors.js';
import type { NodeState, PowerNodes, SpecInput, Unit, UnitGroup } from './unit-group.js';

const EXIT = { ok: 0, usage: 2, refused: 3, buildFailed: 4, timedOut: 5, unreachable: 6 } as const;

class UsageError extends Error {}

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  strict: false,
  options: {
    json: { type: 'boolean', default: false },
    url: { type: 'string' },
    token: { type: 'string' },
    'no-wait': { type: 'boolean', default: false },
    timeout: { type: 'string' },
    lang: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
    provider: { type: 'string' },
    flavor: { type: 'string' },
    nodes: { type: 'string' },
    image: { type: 'string' },
    port: { type: 'string' },
    env: { type: 'string', multiple: true },
    'local-command': { type: 'string' },
    count: { type: 'string' },
    ip: { type: 'string', multiple: true },
    'node-no': { type: 'string', multiple: true },
    state: { type: 'string' },
    unit: { type: 'string' },
  },
});
const say = textFor(flags.lang as string | undefined);
const json = flags.json === true;

function configFile(): { url?: string; token?: string } {
  const dir = process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config');
  try {
    return JSON.parse(readFileSync(path.join(dir, 'ocs', 'config.json'), 'utf8')) as { url?: string; token?: string };
  } catch {
    return {};
  }
}

const config = configFile();
const url = (flags.url as string | undefined) ?? process.env.OCS_URL ?? config.url;
const token = (flags.token as string | undefined) ?? process.env.OCS_TOKEN ?? config.token;
const wait = flags['no-wait'] !== true;
const timeoutMs = flags.timeout ? Number(flags.timeout) * 1000 : undefined;

const int = (value: unknown, flag: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`--${flag}: ${String(value)}`);
  return n;
};

function print(data: unknown, people: () => string): void {
  console.log(json ? JSON.stringify(data, null, 2) : people());
}

function arg(i: number, name: string): string {
  const value = positionals[i];
  if (!value) throw new UsageError(`${name}?\n\n${say.usage}`);
  return value;
}

async function group(client: OcsClient, name: string): Promise<UnitGroup> {
  const found = await client.getUnitGroup(name);
  if (!found) throw new OcsApiError(404, 'NOT_FOUND', say.noUnitGroup(name));
  return found;
}

async function unitOf(client: OcsClient, groupName: string, unitName: string): Promise<Unit> {
  const found = (await group(client, groupName)).units.find((u) => u.name === unitName);
  if (!found) throw new OcsApiError(404, 'NOT_FOUND', say.noUnit(groupName, unitName));
  return found;
}

function selector(): PowerNodes {
  if (flags['node-no']) return { nodeNos: (flags['node-no'] as string[]).map((n) => int(n, 'node-no')) };
  if (flags.ip) return { ipAddresses: flags.ip as string[] };
  return {};
}

function nodesTable(ug: UnitGroup): string {
  const c = say.columns;
  return table([c.unit, c.no, c.state, c.ip, c.provider, c.id], ug.units.flatMap((u) => u.nodes.map((n) => [u.name, n.nodeNo, n.state, n.ipAddress, n.provider, n.id])));
}

const onLog = json ? undefined : (line: { message: string; level: string }) => console.error(`${line.level === 'info' ? '' : `[${line.level}] `}${line.message}`);
const options = () => ({ wait, timeoutMs, onLog });
const finished = (ug: UnitGroup) => print(ug.data, () => `${say.done}\n${nodesTable(ug)}`);

async function run(client: OcsClient): Promise<void> {
  const [area, verb] = positionals;
  const key = area === 'spec' || area === 'ips' ? area : `${area} ${verb}`;
  const c = say.columns;
  switch (key) {
    case 'spec': {
      const spec = await client.getSpec(arg(1, 'PROVIDER'), positionals[2] ?? 'small');
      return print(spec, () => table([c.key, c.value], Object.entries(spec).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)])));
    }
    case 'unit-groups list': {
      const all: UnitGroupSummary[] = [];
      for await (const g of client.unitGroups()) all.push(g);
      return print(all, () => table([c.name, c.state, c.nodes, c.organization, c.created], all.map((g) => [g.name, g.state, `${g.runningCount}/${g.nodeCount}`, g.organizationName, g.createdAt])));
    }
    case 'unit-groups create':
      return finished(await client.createUnitGroup(arg(2, 'NAME')));
    case 'unit-groups show':
      return finished(await group(client, arg(2, 'NAME')));
    case 'unit-groups cleanup': {
      const ug = await group(client, arg(2, 'NAME'));
      await ug.cleanup(options());
      return finished(ug);
    }
    case 'unit-groups delete':
      await (await group(client, arg(2, 'NAME'))).delete({ wait, timeoutMs });
      return print({ deleted: positionals[2] }, () => say.deleted);
    case 'units create': {
      const ug = await group(client, arg(2, 'GROUP'));
      const provider = flags.provider as string | undefined;
      if (!provider) throw new UsageError(`--provider?\n\n${say.usage}`);
      const spec: SpecInput = { provider, flavor: (flags.flavor as string | undefined) ?? 'small', numNodes: flags.nodes ? int(flags.nodes, 'nodes') : 1 };
      if (flags.image) spec.image = flags.image as string;
      if (flags.port) spec.port = int(flags.port, 'port');
      if (flags.env) spec.environment = flags.env as string[];
      if (flags['local-command']) spec.localCommand = (flags['local-command'] as string).split(/\s+/).filter(Boolean);
      await ug.createUnit(arg(3, 'UNIT'), spec, options());
      return finished(await ug.refresh());
    }
    case 'units delete': {
      const unit = await unitOf(client, arg(2, 'GROUP'), arg(3, 'UNIT'));
      await unit.delete(options());
      return finished(unit.unitGroup);
    }
    case 'nodes list': {
      const ug = await group(client, arg(2, 'GROUP'));
      return print(await ug.nodes(), () => nodesTable(ug));
    }
    case 'nodes add': {
      const unit = await unitOf(client, arg(2, 'GROUP'), arg(3, 'UNIT'));
      await unit.addNodes(flags.ip ? { ipAddresses: flags.ip as string[] } : { count: int(flags.count ?? 1, 'count') }, options());
      return finished(unit.unitGroup);
    }
    case 'nodes delete': {
      const unit = await unitOf(client, arg(2, 'GROUP'), arg(3, 'UNIT'));
      const which = selector();
      await unit.deleteNodes('nodeNos' in which || 'ipAddresses' in which ? (which as { nodeNos: number[] }) : { count: int(flags.count ?? 1, 'count') }, options());
      return finished(unit.unitGroup);
    }
    case 'nodes power-off':
    case 'nodes power-on': {
      const unit = await unitOf(client, arg(2, 'GROUP'), arg(3, 'UNIT'));
      await (verb === 'power-off' ? unit.powerOffNodes(selector(), options()) : unit.powerOnNodes(selector(), options()));
      return finished(unit.unitGroup);
    }
    case 'ips': {
      const ips = await (await group(client, arg(1, 'GROUP'))).findIpAddresses({ nodeState: flags.state as NodeState | undefined, unit: flags.unit as string | undefined });
      return print(ips, () => ips.join('\n'));
    }
    case 'builds watch': {
      const build = await client.builds.watch(arg(2, 'ID'), (line) => !json && console.log(line.message), { timeoutMs });
      return print(build, () => `${build.status}`);
    }
    case 'builds show': {
      const build = await client.builds.get(arg(2, 'ID'));
      return print(build, () => table([c.key, c.value], [['status', build.status], ['kind', build.kind], ['unitGroup', build.unitGroupName], ['error', build.error]]));
    }
    default:
      throw new UsageError(area ? say.unknownCommand(positionals.join(' ')) : say.usage);
  }
}

async function main(): Promise<number> {
  if (flags.help || !positionals.length) {
    console.log(say.usage);
    return flags.help ? EXIT.ok : EXIT.usage;
  }
  if (!url) return fail(EXIT.usage, say.noUrl);
  if (!token) return fail(EXIT.usage, say.noToken);
  try {
    await run(new OcsClient({ url, token }));
    return EXIT.ok;
  } catch (e) {
    if (e instanceof UsageError) return fail(EXIT.usage, e.message);
    if (e instanceof OcsApiError) return fail(EXIT.refused, [say.refused(e.code, e.message), ...Object.entries(e.fields).map(([f, m]) => say.field(f, m))].join('\n'), e);
    if (e instanceof OcsBuildError) return fail(EXIT.buildFailed, say.buildFailed(e.buildId, e.status, e.reason ?? ''), e);
    if (e instanceof OcsTimeoutError) return fail(EXIT.timedOut, say.timedOut(e.buildId), e);
    return fail(EXIT.unreachable, say.unreachable(url, (e as Error).cause ? String((e as Error).cause) : (e as Error).message));
  }
}

function fail(code: number, message: string, error?: Error): number {
  if (json && error) console.log(JSON.stringify({ error: { name: error.name, message: error.message, ...(error instanceof OcsApiError ? { code: error.code, fields: error.fields } : {}), ...('buildId' in error ? { buildId: error.buildId } : {}) } }));
  console.error(message);
  return code;
}

process.exitCode = await main();
