import type { ProviderInfo } from '@/lib/providers/types';
import { checkExpression, ExpressionError, placeholderExpressions, type NameReference } from './expressions';
import { GROUP_RUNTIME_NAMES, LOCAL_RUNTIME_NAMES, NODE_RUNTIME_NAMES, RUNTIME_NAMES, runsOn, type TemplateDefinition } from './format';
import { parameterSchemaProblem } from './parameters';

// What the shape alone cannot say: names refer to things that exist, expressions parse and read
// only names available where they stand, providers and flavors are known, every application is
// started by a step. Each issue names the path of the field it is about.

export type IssuePath = (string | number)[];
export interface DefinitionIssue {
  path: IssuePath;
  message: string;
  /** The problem is the name (a map key) itself, not its value. */
  onKey?: boolean;
}

interface Scope {
  /** Names an expression may read here. */
  names: Set<string>;
  units: Set<string>;
  secrets: Set<string>;
}

function list(names: Iterable<string>): string {
  const all = [...names];
  return all.length ? all.join(', ') : '(none)';
}

function referenceProblem(ref: NameReference, scope: Scope): string | null {
  if (!scope.names.has(ref.name)) return `unknown name "${ref.name}"; here you can use ${list(scope.names)}`;
  if (ref.name === 'units' && ref.second !== undefined && !scope.units.has(ref.second)) return `unknown unit "${ref.second}"; units are ${list(scope.units)}`;
  if (ref.name === 'secrets' && ref.second !== undefined && !scope.secrets.has(ref.second)) return `unknown secret "${ref.second}"; secrets are ${list(scope.secrets)}`;
  return null;
}

export function checkDefinition(def: TemplateDefinition, providers: ProviderInfo[]): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const issue = (path: IssuePath, message: string, onKey = false): void => {
    issues.push({ path, message, ...(onKey ? { onKey } : {}) });
  };

  function expression(source: string, path: IssuePath, scope: Scope): void {
    try {
      for (const ref of checkExpression(source, 'expression')) {
        const problem = referenceProblem(ref, scope);
        if (problem) return issue(path, `${problem} (in ${JSON.stringify(source)})`);
      }
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      issue(path, e.detail);
    }
  }
  function text(source: string, path: IssuePath, scope: Scope): void {
    const found = placeholderExpressions(source);
    if (source.split('{{').length - 1 !== found.length) return issue(path, `has a "{{" without a matching "}}" (in ${JSON.stringify(source)})`);
    for (const e of found) expression(e, path, scope);
  }
  function unique<T>(items: T[], name: (t: T) => string, path: (i: number) => IssuePath, what: string): void {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(name(item))) issue(path(i), `${what} "${name(item)}" is defined twice`);
      seen.add(name(item));
    });
  }

  // metadata
  if (def.changelog[0]!.version !== def.version) issue(['changelog', 0, 'version'], `the first (newest) changelog entry must be for version ${def.version}`);
  unique(def.changelog, (c) => c.version, (i) => ['changelog', i, 'version'], 'changelog version');

  // parameters and derived values
  const params = def.parameters.properties;
  for (const [name, property] of Object.entries(params)) {
    if (RUNTIME_NAMES.includes(name)) issue(['parameters', 'properties', name], `"${name}" is provided by the portal at build time; choose another name`, true);
    const problem = parameterSchemaProblem(property);
    if (problem) issue(['parameters', 'properties', name, ...(problem.startsWith('default') ? ['default'] : [])], problem);
  }
  def.parameters.required.forEach((name, i) => {
    if (!params[name]) issue(['parameters', 'required', i], `"${name}" is not among the parameters' properties`);
    else if (params[name]!.default !== undefined) issue(['parameters', 'required', i], `"${name}" has a default, so it cannot also be required`);
  });
  const secrets = new Set(def.secrets.map((s) => s.name));
  unique(def.secrets, (s) => s.name, (i) => ['secrets', i, 'name'], 'secret');
  const units = new Set(def.units.map((u) => u.name));
  const values = new Set(Object.keys(params));
  for (const [name, source] of Object.entries(def.derived)) {
    if (values.has(name)) issue(['derived', name], `"${name}" is already a parameter`, true);
    else if (RUNTIME_NAMES.includes(name)) issue(['derived', name], `"${name}" is provided by the portal at build time; choose another name`, true);
    expression(source, ['derived', name], { names: values, units, secrets });
    values.add(name);
  }
  const scopeOf = (...extra: readonly string[]): Scope => ({ names: new Set([...values, ...extra]), units, secrets });
  const valueScope = scopeOf();
  const nodeScope = scopeOf(...NODE_RUNTIME_NAMES, ...GROUP_RUNTIME_NAMES);
  const localScope = scopeOf(...NODE_RUNTIME_NAMES, ...GROUP_RUNTIME_NAMES, ...LOCAL_RUNTIME_NAMES);
  const outputScope = scopeOf(...GROUP_RUNTIME_NAMES);

  // units
  unique(def.units, (u) => u.name, (i) => ['units', i, 'name'], 'unit');
  def.units.forEach((unit, i) => {
    if (typeof unit.nodes === 'string') expression(unit.nodes, ['units', i, 'nodes'], valueScope);
    const listed = Object.keys(unit.providers);
    if (!listed.length) issue(['units', i, 'providers'], 'name at least one provider');
    const flavorMissing = (flavor: string, on: string[], path: IssuePath) => {
      for (const id of on) {
        const provider = providers.find((p) => p.id === id);
        if (provider && !provider.flavors.some((f) => f.name === flavor))
          return issue(path, `provider "${id}" has no flavor "${flavor}"; it has ${list(provider.flavors.map((f) => f.name))}`);
      }
    };
    for (const [id, spec] of Object.entries(unit.providers)) {
      if (!providers.some((p) => p.id === id)) issue(['units', i, 'providers', id], `unknown provider "${id}"; known providers are ${list(providers.map((p) => p.id))}`, true);
      if (spec.flavor) flavorMissing(spec.flavor, [id], ['units', i, 'providers', id, 'flavor']);
    }
    flavorMissing(unit.flavor, listed.filter((id) => !unit.providers[id]!.flavor), ['units', i, 'flavor']);
    unit.variants.forEach((v, j) => {
      expression(v.when, ['units', i, 'variants', j, 'when'], valueScope);
      if (v.flavor) flavorMissing(v.flavor, listed, ['units', i, 'variants', j, 'flavor']);
      if (!v.flavor && !v.image) issue(['units', i, 'variants', j], 'a variant changes the flavor, the image or both');
    });
  });

  // applications
  unique(def.applications, (a) => a.name, (i) => ['applications', i, 'name'], 'application');
  const roles = new Set(def.units.map((u) => u.role));
  def.applications.forEach((app, i) => {
    const at = (...rest: IssuePath): IssuePath => ['applications', i, ...rest];
    if (!roles.has(app.role)) issue(at('role'), `no unit has role "${app.role}"; roles are ${list(roles)}`);
    text(app.image, at('image'), valueScope);
    app.ports.forEach((p, k) => typeof p === 'string' && text(p, at('ports', k), valueScope));
    if (app.health) {
      if (typeof app.health.port === 'string') text(app.health.port, at('health', 'port'), valueScope);
      else if (app.ports.every((p) => typeof p === 'number') && !app.ports.includes(app.health.port))
        issue(at('health', 'port'), `port ${app.health.port} is not among the application's ports`);
      if (app.health.path) text(app.health.path, at('health', 'path'), valueScope);
    }
    if (Array.isArray(app.env)) app.env.forEach((e, k) => text(e, at('env', k), nodeScope));
    else for (const [k, v] of Object.entries(app.env)) text(v, at('env', k), nodeScope);
    app.volumes.forEach((v, k) => {
      text(v.source, at('volumes', k, 'source'), scopeOf('unitGroup'));
      text(v.target, at('volumes', k, 'target'), valueScope);
    });
    app.providers?.forEach((id, k) => {
      if (!providers.some((p) => p.id === id)) issue(at('providers', k), `unknown provider "${id}"; known providers are ${list(providers.map((p) => p.id))}`, true);
    });
    if (app.local) {
      app.local.command.forEach((c, k) => text(c, at('local', 'command', k), localScope));
      for (const [k, v] of Object.entries(app.local.env)) text(v, at('local', 'env', k), localScope);
      app.local.requires.forEach((r, k) => text(r, at('local', 'requires', k), valueScope));
      unique(app.local.files, (f) => f.path, (k) => at('local', 'files', k, 'path'), 'file');
      app.local.files.forEach((f, k) => text(f.content, at('local', 'files', k, 'content'), localScope));
    } else if (runsOn(app, 'local')) {
      const local = def.units.find((u) => u.role === app.role && Object.hasOwn(u.providers, 'local'));
      if (local) issue(at(), `unit "${local.name}" may run on the local provider, so this application needs a "local" section (or remove local from the unit's providers)`);
    }
  });

  // steps
  unique(def.steps, (s) => s.key, (i) => ['steps', i, 'key'], 'step');
  const started = new Set<string>();
  let nodesCreated = false;
  let startsTheRest = false;
  def.steps.forEach((step, i) => {
    if (step.when) expression(step.when, ['steps', i, 'when'], valueScope);
    if (step.action === 'create-nodes') nodesCreated = true;
    if (step.applications && step.action !== 'start-applications') issue(['steps', i, 'applications'], `only a start-applications step lists applications`);
    if (step.action !== 'start-applications') return;
    if (!nodesCreated) issue(['steps', i, 'action'], 'applications start only after a create-nodes step');
    if (!step.applications) startsTheRest = true;
    step.applications?.forEach((name, k) => {
      if (!def.applications.some((a) => a.name === name)) issue(['steps', i, 'applications', k], `unknown application "${name}"; applications are ${list(def.applications.map((a) => a.name))}`);
      else if (started.has(name)) issue(['steps', i, 'applications', k], `application "${name}" is already started by an earlier step`);
      started.add(name);
    });
  });
  if (!nodesCreated) issue(['steps'], 'a create-nodes step is needed');
  const neverStarted = def.applications.filter((a) => !started.has(a.name));
  if (neverStarted.length && !startsTheRest) issue(['steps'], `no start-applications step starts ${list(neverStarted.map((a) => a.name))}`);

  // outputs
  unique(def.outputs, (o) => o.key, (i) => ['outputs', i, 'key'], 'output');
  def.outputs.forEach((output, i) => {
    text(output.value, ['outputs', i, 'value'], outputScope);
    if (output.when) expression(output.when, ['outputs', i, 'when'], valueScope);
  });

  return issues;
}
