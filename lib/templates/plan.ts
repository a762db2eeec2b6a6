import { z } from 'zod';
import type { FieldErrors } from '@/lib/errors';
import { ACCOUNT_FIELDS } from '@/lib/providers/account-fields';
import { accountProviderOf, availableProviders, providerCatalog } from '@/lib/providers/catalog';
import type { Flavor, ProviderInfo } from '@/lib/providers/types';
import { evaluateCondition, evaluateNodeCount, ExpressionError } from './expressions';
import { runsOn, type Localized, type TemplateDefinition, type TemplateUnit } from './format';
import { findProgramOnPath, type FindProgram } from './host-programs';
import { maskSecretParameters, type ParameterValues } from './parameters';
import { hourlyPrice, roundUsd, shippedPriceTable, type HourlyPrice, type PriceTable } from './prices';
import { localRequirements, renderImageAndPorts, renderOutputs, type GroupRuntime } from './render';
import { resolveValues } from './values';

// A build's plan, as `terraform plan` shows one before anything is created: units with their
// provider, flavor and node count, the applications on them, the quota after the build, the
// hourly cost, the steps and the outputs. Submitting creates exactly these units and nodes.

/** The build form's fields; everything else comes from the template. Parse API input with it. */
export const ZPlanInput = z.object({
  /** The template's parameters, as JSON values or form strings. */
  parameters: z.record(z.string(), z.unknown()).optional(),
  provider: z.string({ error: 'is required' }).min(1, 'is required'),
  /** The build's flavor for every unit (unless a role has its own, or a variant sets one). */
  flavor: z.string().min(1).optional(),
  flavorByRole: z.record(z.string(), z.string().min(1)).optional(),
  /** Units of a role on another provider than the build's (e.g. compute nodes on a cloud). */
  providerByRole: z.record(z.string(), z.string().min(1)).optional(),
  /** Units of a role in another of the organization's accounts than its default for their provider. */
  accountByRole: z.record(z.string(), z.uuid('must be an account id')).optional(),
  unitGroupName: z.string().optional(),
});
export type PlanInput = z.infer<typeof ZPlanInput>;

/** An organization's node quota and use (organizations.maxNodes, maxNodesPerProvider and live nodes). */
export interface QuotaUsage {
  maxNodes: number;
  inUse: number;
  maxNodesPerProvider: Record<string, number>;
  inUseByProvider: Record<string, number>;
}

export interface PlanEnvironment {
  quota?: QuotaUsage;
  /** Defaults to templates/prices.yaml. */
  prices?: PriceTable;
  /** Defaults to a PATH lookup on this machine. */
  findProgram?: FindProgram;
  /** Providers units may use; defaults to the catalog's. */
  providers?: ProviderInfo[];
  /** Providers this installation can create nodes on; defaults to the build catalog's. */
  buildableProviders?: string[];
  /** The organization's servers, for builds on onpremises (lib/hosts/placement.ts serverCapacity). */
  servers?: ServerCapacity;
  /** The organization's cloud accounts (lib/provider-accounts planAccounts); without them, the plan names no account. */
  accounts?: PlanAccount[];
}

export interface PlanAccount {
  id: string;
  name: string;
  provider: string;
  isDefault: boolean;
}

export interface ServerCapacity {
  /** Active servers, the nodes they can still take, and how many have a container engine. */
  active: number;
  freeNodes: number;
  withContainers: number;
}

export interface PlanApplication {
  name: string;
  image: string;
  ports: number[];
  health: { port: number; path?: string } | null;
  /** The template says how the local provider runs it. */
  runsOnLocal: boolean;
  /** On onpremises: it can only run as a container (it has no local: form a server can run). */
  needsContainers: boolean;
  /** On a local unit: the host programs it needs and whether each is on PATH. */
  requires: { program: string; found: boolean }[];
}

export interface PlanUnit {
  name: string;
  role: string;
  provider: string;
  region: string;
  flavor: string;
  flavorValues: Flavor['values'];
  instanceType: string | null;
  volumeSize: number | null;
  numNodes: number;
  image: string;
  hourlyPerNode: HourlyPrice;
  hourly: HourlyPrice;
  applications: PlanApplication[];
  /** The organization's account its nodes are made in, on a provider that takes accounts. */
  account: { id: string; name: string } | null;
}

export interface QuotaLine {
  limit: number | null;
  inUse: number;
  adding: number;
  after: number;
  exceeds: boolean;
}

export interface PlanProblem {
  kind: 'quota' | 'missing-programs' | 'provider-unavailable' | 'no-servers' | 'servers-full' | 'needs-containers' | 'no-account';
  message: string;
  /** For no-account: the provider without one. */
  provider?: string;
}

export interface Plan {
  template: { slug: string; version: string; title: Localized };
  /** Validated parameters with defaults; secret ones masked. */
  parameters: ParameterValues;
  derived: Record<string, unknown>;
  units: PlanUnit[];
  totals: { nodes: number; byProvider: { provider: string; nodes: number }[]; byFlavor: { provider: string; flavor: string; nodes: number }[] };
  quota: { total: QuotaLine; byProvider: ({ provider: string } & QuotaLine)[]; exceeds: boolean } | null;
  cost: { currency: 'USD'; asOf: string; hourly: HourlyPrice; hourlyKnown: number; unknownPriceUnits: string[]; byProvider: { provider: string; hourly: HourlyPrice }[] };
  /** The steps that apply, in order; start-applications steps with the applications they start. */
  steps: { key: string; action: string; title: Localized; applications: string[] }[];
  outputs: { key: string; label: Localized; kind: 'url' | 'text' | 'secret'; shownOnce: boolean; preview: string[] }[];
  /** The organization's servers, when the plan puts nodes on them. */
  servers: ServerCapacity | null;
  /** Why this plan cannot be submitted as it stands; empty when it can. */
  problems: PlanProblem[];
  canSubmit: boolean;
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; errors: FieldErrors };

function numericValue(values: Flavor['values'], ...keys: string[]): number | null {
  for (const k of keys) if (typeof values[k] === 'number') return values[k] as number;
  return null;
}

// The flavor a unit gets: the role's choice in the form, else a matching variant's, else the
// build's, else the template's default for the provider, else the unit's.
async function chooseFlavor(unit: TemplateUnit, provider: string, input: PlanInput, values: Record<string, unknown>, index: number) {
  let variant: TemplateUnit['variants'][number] | undefined;
  for (const [j, v] of unit.variants.entries())
    if (await evaluateCondition(v.when, values, `units[${index}].variants[${j}].when`)) {
      variant = v;
      break;
    }
  const byRole = input.flavorByRole?.[unit.role];
  if (byRole) return { flavor: byRole, field: `flavorByRole.${unit.role}`, image: variant?.image ?? unit.image };
  if (variant?.flavor) return { flavor: variant.flavor, field: `units.${unit.name}`, image: variant.image ?? unit.image };
  if (input.flavor) return { flavor: input.flavor, field: 'flavor', image: variant?.image ?? unit.image };
  return { flavor: unit.providers[provider]?.flavor ?? unit.flavor, field: `units.${unit.name}`, image: variant?.image ?? unit.image };
}

const takesAccount = (providerId: string) => ACCOUNT_FIELDS[accountProviderOf(providerId)] !== undefined;

/**
 * The account a unit's nodes are made in: the role's choice, else the organization's default for
 * the provider; null where the provider takes none or the organization has none there (a plan
 * problem), 'unknown' for a choice that is not one of its accounts of that provider.
 */
function unitAccount(role: string, providerId: string, input: PlanInput, accounts: PlanAccount[] | undefined): { id: string; name: string } | null | 'unknown' {
  if (!accounts) return null;
  if (!takesAccount(providerId)) return input.accountByRole?.[role] ? 'unknown' : null;
  const mine = accounts.filter((a) => a.provider === accountProviderOf(providerId));
  const chosen = input.accountByRole?.[role];
  const account = chosen ? mine.find((a) => a.id === chosen) : mine.find((a) => a.isDefault);
  if (chosen && !account) return 'unknown';
  return account ? { id: account.id, name: account.name } : null;
}

function quotaLine(limit: number | null, inUse: number, adding: number): QuotaLine {
  return { limit, inUse, adding, after: inUse + adding, exceeds: limit !== null && adding > 0 && inUse + adding > limit };
}

/** Computes what a build of this template with these inputs would create, or why it cannot. */
export async function planBuild(def: TemplateDefinition, input: PlanInput, env: PlanEnvironment = {}): Promise<PlanResult> {
  const providers = env.providers ?? providerCatalog();
  const findProgram = env.findProgram ?? ((name: string) => findProgramOnPath(name));
  const buildable = env.buildableProviders ?? availableProviders().map((p) => p.id);
  const resolved = await resolveValues(def, input.parameters);
  const errors: FieldErrors = resolved.ok ? {} : { ...resolved.errors };
  if (!providers.some((p) => p.id === input.provider)) errors.provider = `unknown provider "${input.provider}"; choose one of ${providers.map((p) => p.id).join(', ')}`;
  const roles = new Set(def.units.map((u) => u.role));
  for (const [field, byRole] of [['flavorByRole', input.flavorByRole], ['providerByRole', input.providerByRole], ['accountByRole', input.accountByRole]] as const)
    for (const role of Object.keys(byRole ?? {})) if (!roles.has(role)) errors[`${field}.${role}`] = `this template has no role "${role}"; its roles are ${[...roles].join(', ')}`;
  if (!resolved.ok || Object.keys(errors).length) return { ok: false, errors };
  const { values } = resolved;

  const units: PlanUnit[] = [];
  const group: GroupRuntime = { unitGroup: input.unitGroupName ?? '<unit group>', units: {}, secrets: Object.fromEntries(def.secrets.map((s) => [s.name, `<generated ${s.name}>`])) };
  const problems: PlanProblem[] = [];
  const prices = env.prices ?? (await shippedPriceTable());
  try {
    for (const [index, unit] of def.units.entries()) {
      const providerField = input.providerByRole?.[unit.role] ? `providerByRole.${unit.role}` : 'provider';
      const providerId = input.providerByRole?.[unit.role] ?? input.provider;
      const provider = providers.find((p) => p.id === providerId);
      if (!provider) {
        errors[providerField] ??= `unknown provider "${providerId}"; choose one of ${providers.map((p) => p.id).join(', ')}`;
        continue;
      }
      if (!Object.hasOwn(unit.providers, providerId)) {
        errors[providerField] ??= `unit "${unit.name}" of this template cannot run on ${providerId}; it runs on ${Object.keys(unit.providers).join(', ')}`;
        continue;
      }
      const choice = await chooseFlavor(unit, providerId, input, values, index);
      const flavor = provider.flavors.find((f) => f.name === choice.flavor);
      if (!flavor) {
        errors[choice.field] ??= `provider "${providerId}" has no flavor "${choice.flavor}"; it has ${provider.flavors.map((f) => f.name).join(', ')}`;
        continue;
      }
      const account = unitAccount(unit.role, providerId, input, env.accounts);
      if (account === 'unknown') {
        errors[`accountByRole.${unit.role}`] ??= takesAccount(providerId) ? `no ${accountProviderOf(providerId)} account of the organization has this id` : `nodes on ${providerId} are made in no account`;
        continue;
      }
      const numNodes = await evaluateNodeCount(unit.nodes, values, `units.${unit.name}.nodes`);
      const perNode = hourlyPrice(prices, providerId, provider.region, flavor);
      const applications: PlanApplication[] = [];
      for (const app of def.applications.filter((a) => a.role === unit.role && runsOn(a, providerId))) {
        const requires = providerId === 'local' ? (await localRequirements(def, app, values)).map((program) => ({ program, found: findProgram(program) !== null })) : [];
        const missing = requires.filter((r) => !r.found).map((r) => r.program);
        if (missing.length && numNodes > 0)
          problems.push({ kind: 'missing-programs', message: `${app.name} on unit ${unit.name} needs programs that are not on this machine's PATH: ${missing.join(', ')}` });
        const rendered = await renderImageAndPorts(def, app, values);
        // A server without an engine runs the local: form, unless it runs files of the template (which servers cannot get yet).
        const needsContainers = providerId === 'onpremises' && (!app.local || app.local.command.some((arg) => arg.includes('templateDir')));
        if (needsContainers && numNodes > 0 && env.servers && env.servers.withContainers === 0)
          problems.push({ kind: 'needs-containers', message: `${app.name} on unit ${unit.name} runs as a container (${rendered.image}), and none of the organization's servers has a container engine (Docker, or Podman serving the Docker API) as far as their connection tests and agents have shown` });
        applications.push({ name: app.name, ...rendered, runsOnLocal: app.local !== undefined, needsContainers, requires });
      }
      units.push({
        name: unit.name,
        role: unit.role,
        provider: providerId,
        region: provider.region,
        flavor: flavor.name,
        flavorValues: flavor.values,
        instanceType: typeof flavor.values.instance_type === 'string' ? flavor.values.instance_type : typeof flavor.values.vm_size === 'string' ? flavor.values.vm_size : null,
        volumeSize: unit.providers[providerId]?.volumeSize ?? numericValue(flavor.values, 'volume_size', 'disk_size_gb', 'sakuracloud_disk_size'),
        numNodes,
        image: choice.image,
        hourlyPerNode: perNode,
        hourly: numNodes === 0 ? 0 : perNode === 'unknown' ? 'unknown' : roundUsd(perNode * numNodes),
        applications,
        account,
      });
      group.units[unit.name] = {
        role: unit.role,
        nodes: Array.from({ length: numNodes }, (_, i) => ({ name: `<${unit.name}-${i + 1}>`, ip: `<${unit.name}-${i + 1} address>`, privateIp: `<${unit.name}-${i + 1} private address>`, no: i + 1, hostname: `<${unit.name}-${i + 1} hostname>`, ...(providerId === 'onpremises' ? { folder: `<${unit.name}-${i + 1} folder>` } : {}) })),
      };
    }
    if (Object.keys(errors).length) return { ok: false, errors };

    const steps: Plan['steps'] = [];
    const started = new Set<string>();
    for (const [i, step] of def.steps.entries()) {
      if (step.when && !(await evaluateCondition(step.when, values, `steps[${i}].when`))) continue;
      // Only the applications some unit of their role runs on its provider (OpenHPC's NFS server is not made on the lab's servers).
      const made = (name: string) => units.some((u) => u.applications.some((a) => a.name === name));
      const apps = step.action !== 'start-applications' ? [] : (step.applications ?? def.applications.map((a) => a.name).filter((n) => !started.has(n))).filter(made);
      apps.forEach((a) => started.add(a));
      steps.push({ key: step.key, action: step.action, title: step.title, applications: apps });
    }
    const outputs = (await renderOutputs(def, maskSecretParameters(def.parameters, values), group)).map((o) => ({
      key: o.key,
      label: o.label,
      kind: o.kind,
      shownOnce: o.kind === 'secret',
      preview: o.values,
    }));

    const byProvider = new Map<string, number>();
    const byFlavor = new Map<string, { provider: string; flavor: string; nodes: number }>();
    for (const u of units) {
      byProvider.set(u.provider, (byProvider.get(u.provider) ?? 0) + u.numNodes);
      const key = `${u.provider}\u0000${u.flavor}`;
      byFlavor.set(key, { provider: u.provider, flavor: u.flavor, nodes: (byFlavor.get(key)?.nodes ?? 0) + u.numNodes });
    }
    const total = units.reduce((n, u) => n + u.numNodes, 0);
    const providerTotals = [...byProvider].map(([provider, nodes]) => ({ provider, nodes })).sort((a, b) => a.provider.localeCompare(b.provider));

    let quota: Plan['quota'] = null;
    if (env.quota) {
      const q = env.quota;
      const totalLine = quotaLine(q.maxNodes, q.inUse, total);
      const lines = providerTotals.map(({ provider, nodes }) => ({ provider, ...quotaLine(q.maxNodesPerProvider[provider] ?? null, q.inUseByProvider[provider] ?? 0, nodes) }));
      if (totalLine.exceeds) problems.push({ kind: 'quota', message: `This would make ${totalLine.after} nodes; your organization may have ${q.maxNodes} (${q.inUse} in use).` });
      for (const l of lines.filter((l) => l.exceeds)) problems.push({ kind: 'quota', message: `This would make ${l.after} nodes on ${l.provider}; your organization may have ${l.limit} there (${l.inUse} in use).` });
      quota = { total: totalLine, byProvider: lines, exceeds: totalLine.exceeds || lines.some((l) => l.exceeds) };
    }
    for (const { provider, nodes } of providerTotals) {
      if (provider === 'onpremises' && env.servers) {
        if (!env.servers.active) problems.push({ kind: 'no-servers', message: 'The organization has no active server: register its servers on the Servers page first.' });
        else if (nodes > env.servers.freeNodes) problems.push({ kind: 'servers-full', message: `This makes ${nodes} nodes on the organization's servers, which can take ${env.servers.freeNodes} more.` });
      }
      if (!buildable.includes(provider)) problems.push({ kind: 'provider-unavailable', message: `This installation cannot create nodes on ${provider} yet; the plan shows what a build there would create.` });
      else if (env.accounts && takesAccount(provider) && units.some((u) => u.provider === provider && !u.account))
        problems.push({ kind: 'no-account', provider: accountProviderOf(provider), message: `The organization has no ${accountProviderOf(provider)} account: add one under Cloud accounts (クラウドアカウント) first.` });
    }

    const unknownPriceUnits = units.filter((u) => u.hourly === 'unknown').map((u) => u.name);
    const hourlyOf = (of: PlanUnit[]): HourlyPrice => (of.some((u) => u.hourly === 'unknown') ? 'unknown' : roundUsd(of.reduce((sum, u) => sum + (u.hourly as number), 0)));
    const hourlyKnown = roundUsd(units.reduce((sum, u) => sum + (typeof u.hourly === 'number' ? u.hourly : 0), 0));
    // A unit group across providers is billed by each: the lab's share and each cloud's.
    const costByProvider = providerTotals.map(({ provider }) => ({ provider, hourly: hourlyOf(units.filter((u) => u.provider === provider)) }));
    return {
      ok: true,
      plan: {
        template: { slug: def.slug, version: def.version, title: def.title },
        parameters: maskSecretParameters(def.parameters, resolved.parameters),
        derived: resolved.derived,
        units,
        totals: { nodes: total, byProvider: providerTotals, byFlavor: [...byFlavor.values()].sort((a, b) => a.provider.localeCompare(b.provider) || a.flavor.localeCompare(b.flavor)) },
        quota,
        cost: { currency: 'USD', asOf: prices.as_of, hourly: unknownPriceUnits.length ? 'unknown' : hourlyKnown, hourlyKnown, unknownPriceUnits, byProvider: costByProvider },
        steps,
        outputs,
        servers: providerTotals.some((p) => p.provider === 'onpremises') ? (env.servers ?? null) : null,
        problems,
        canSubmit: problems.length === 0,
      },
    };
  } catch (e) {
    if (e instanceof ExpressionError) return { ok: false, errors: { [e.field]: e.detail } };
    throw e;
  }
}
