import validSemver from 'semver/functions/valid';
import { z } from 'zod';
import { isNodeRelativePath, NODE_RELATIVE_PATH_MESSAGE } from '@/agent/protocol';

// The reviewable template format: templates/<slug>/ocs-template.yaml. The shape is checked here;
// cross-references (roles, names in expressions, providers, flavors) in check-definition.ts.
// Expressions are JSONata (lib/templates/expressions.ts); texts may hold {{ expression }}.

const ZLocalized = z.strictObject({ ja: z.string().min(1), en: z.string().min(1) });

/** A semantic version as semver.org writes it: semver's check, without its leniency for a leading "v" or spaces. */
const isSemver = (text: string) => /^\d\S*$/.test(text) && validSemver(text) !== null;
const ZSemver = z.string({ error: 'expected a semantic version such as 1.2.0' }).refine(isSemver, 'expected a semantic version such as 1.2.0');

const ZSlug = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'expected lower-case letters, digits and "-", starting with a letter');
/** Units and roles are named in expressions (units.master), so no "-" in them. */
const ZUnitName = z.string().regex(/^[a-z][a-z0-9]{0,30}$/, 'expected lower-case letters and digits, starting with a letter');
const ZAppName = ZSlug;
/** Parameters, derived values and secrets are names in expressions: camelCase. */
const ZValueName = z.string().regex(/^[a-z][A-Za-z0-9]{0,40}$/, 'expected a camelCase name such as studentCount');
const ZFlavorName = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'expected a flavor name such as medium');
const ZExpression = z.string({ error: 'expected an expression' }).min(1, 'expected an expression');
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names the portal provides to expressions at build time; parameters may not take them. */
export const NODE_RUNTIME_NAMES = ['nodeIp', 'nodeName', 'nodeNo'] as const;
export const GROUP_RUNTIME_NAMES = ['units', 'secrets', 'unitGroup'] as const;
export const LOCAL_RUNTIME_NAMES = ['templateDir', 'nodejs', 'nodeDir', 'nodeRunDir', 'nodeUser'] as const;
export const RUNTIME_NAMES: readonly string[] = [...NODE_RUNTIME_NAMES, ...GROUP_RUNTIME_NAMES, ...LOCAL_RUNTIME_NAMES];

// ── parameters: the JSON Schema subset a build form can render ──────────────────────────────

const parameterCommon = {
  'x-label': ZLocalized,
  'x-help': ZLocalized.optional(),
  /** JSON Schema's examples; the first is quoted when a value does not match `pattern`. */
  examples: z.array(z.unknown()).optional(),
};

const ZIntegerParameter = z.strictObject({
  type: z.literal('integer'),
  default: z.number().int().optional(),
  minimum: z.number().int().optional(),
  maximum: z.number().int().optional(),
  enum: z.array(z.number().int()).min(1).optional(),
  ...parameterCommon,
});

const ZNumberParameter = z.strictObject({
  type: z.literal('number'),
  default: z.number().optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  enum: z.array(z.number()).min(1).optional(),
  ...parameterCommon,
});

const ZStringParameter = z.strictObject({
  type: z.literal('string'),
  default: z.string().optional(),
  minLength: z.number().int().min(0).optional(),
  maxLength: z.number().int().min(1).optional(),
  pattern: z.string().optional(),
  enum: z.array(z.string()).min(1).optional(),
  /** A password or key: a password field in forms, masked in plans and logs. */
  'x-secret': z.boolean().optional(),
  ...parameterCommon,
});

const ZBooleanParameter = z.strictObject({
  type: z.literal('boolean'),
  default: z.boolean().optional(),
  ...parameterCommon,
});

const ZArrayItems = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('string'),
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().min(1).optional(),
    pattern: z.string().optional(),
    enum: z.array(z.string()).min(1).optional(),
  }),
  z.strictObject({ type: z.literal('integer'), minimum: z.number().int().optional(), maximum: z.number().int().optional() }),
]);

const ZArrayParameter = z.strictObject({
  type: z.literal('array'),
  items: ZArrayItems,
  default: z.array(z.unknown()).optional(),
  minItems: z.number().int().min(0).optional(),
  maxItems: z.number().int().min(1).optional(),
  uniqueItems: z.boolean().optional(),
  ...parameterCommon,
});

export const ZParameter = z.discriminatedUnion('type', [ZIntegerParameter, ZNumberParameter, ZStringParameter, ZBooleanParameter, ZArrayParameter]);

export const ZParameters = z.strictObject({
  type: z.literal('object'),
  properties: z.record(ZValueName, ZParameter),
  required: z.array(z.string()).default([]),
});

// ── topology ───────────────────────────────────────────────────────────────────────────────

/** What a unit needs on one provider, beyond the common part. */
const ZProviderSpec = z.strictObject({
  /** Default flavor on this provider, when it differs from the unit's. */
  flavor: ZFlavorName.optional(),
  /** Root disk size (GB), when the flavor's is not enough. */
  volumeSize: z.number().int().min(1).max(16_384).optional(),
});

export const ZUnit = z.strictObject({
  name: ZUnitName,
  role: ZUnitName,
  /** A node count, or an expression over parameters and derived values (e.g. "workers"). */
  nodes: z.union([z.number().int('expected a whole number').min(0, 'expected a node count from 0 to 50').max(50, 'expected a node count from 0 to 50'), ZExpression], { error: 'expected a number from 0 to 50 or an expression' }),
  /** Base image of the unit's nodes (OCS base container image). */
  image: z.string().min(1),
  /** Default flavor; the build form may choose another for the role. */
  flavor: ZFlavorName,
  /** Providers this unit can run on: a list of ids, or a map of id → spec. */
  providers: z.preprocess(
    (v) => (Array.isArray(v) ? Object.fromEntries(v.map((id) => [String(id), {}])) : v),
    z.record(z.string().min(1), ZProviderSpec.nullish().transform((s) => s ?? {}), { error: 'expected a list of provider ids or a map of provider id → spec' }),
  ),
  /** Parameter-driven changes, first match wins: e.g. when "gpu", flavor gpu and a GPU image. */
  variants: z
    .array(z.strictObject({ when: ZExpression, flavor: ZFlavorName.optional(), image: z.string().min(1).optional() }))
    .default([]),
});

// ── applications ───────────────────────────────────────────────────────────────────────────

/** A port number, or a {{ placeholder }} giving one (e.g. "{{ port }}"). */
const ZPort = z.union([z.number().int().min(1).max(65535), z.string().regex(/\{\{.+\}\}/)], { error: 'expected a port number (1-65535) or a {{ placeholder }}' });

const ZEnv = z.union(
  [z.record(z.string().regex(ENV_NAME), z.union([z.string(), z.number(), z.boolean()]).transform(String)), z.array(z.string())],
  { error: 'expected a map of NAME: value, or a list of "NAME=value" texts' },
);

export const ZApplication = z.strictObject({
  name: ZAppName,
  /** The role of the units whose every node runs it. */
  role: ZUnitName,
  image: z.string().min(1),
  ports: z.array(ZPort).default([]),
  env: ZEnv.default({}),
  volumes: z.array(z.strictObject({ source: z.string().min(1), target: z.string().startsWith('/'), readOnly: z.boolean().default(false) })).default([]),
  /** HTTP GET path on the port, or a TCP connect when no path is given. */
  health: z
    .strictObject({ port: ZPort, path: z.string().regex(/^(\/|\{\{)/, 'expected a path starting with "/", or a {{ placeholder }}').optional() })
    .optional(),
  /** How the local provider runs it on this machine, instead of the image. */
  local: z
    .strictObject({
      command: z.array(z.string().min(1)).min(1),
      env: z.record(z.string().regex(ENV_NAME), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
      /** Programs that must be on this machine's PATH. */
      requires: z.array(z.string().min(1)).default([]),
      /**
       * Files written into the node's folder before the command starts: configuration, keys and
       * start scripts, so a server runs it with nothing from the portal but these.
       */
      files: z
        .array(
          z.strictObject({
            path: z.string().max(200).refine(isNodeRelativePath, NODE_RELATIVE_PATH_MESSAGE),
            content: z.string(),
            /** Octal text, e.g. "0600" for a key. */
            mode: z
              .string()
              .regex(/^0?[0-7]{3}$/, 'expected an octal mode such as "0644"')
              .transform((m) => parseInt(m, 8))
              .default(0o644),
          }),
        )
        .default([]),
    })
    .optional(),
  /** The providers it runs on; without it, every provider its role's units run on (e.g. an NFS server only where the servers share no home). */
  providers: z.array(z.string().min(1)).min(1).optional(),
  /**
   * The batch scheduler it runs, whose queue (pending jobs, nodes) the node's agent reports for
   * cloud burst, with Slurm's own commands as the application sees the cluster: a local: form
   * whose slurm.conf is not the default sets SLURM_CONF in its env.
   */
  workQueue: z.literal('slurm', { error: 'expected "slurm", the only work queue the agent can read so far' }).optional(),
});

// ── steps and outputs ──────────────────────────────────────────────────────────────────────

/** What the build engine does in a step (lib/builds/steps.ts). */
export const STEP_ACTIONS = ['create-nodes', 'start-applications', 'wait-ready'] as const;

export const ZStep = z.strictObject({
  key: ZSlug,
  action: z.enum(STEP_ACTIONS),
  title: ZLocalized,
  /** start-applications: these, in this order; without it, every application no earlier step started. */
  applications: z.array(ZAppName).min(1).optional(),
  when: ZExpression.optional(),
});

export const OUTPUT_KINDS = ['url', 'text', 'secret'] as const;

export const ZOutput = z.strictObject({
  key: ZSlug,
  label: ZLocalized,
  /** secret: a generated credential, shown once. */
  kind: z.enum(OUTPUT_KINDS),
  /** Text with {{ placeholders }}; one that is a single placeholder giving a list yields several values. */
  value: z.string().min(1),
  when: ZExpression.optional(),
});

// ── the definition ─────────────────────────────────────────────────────────────────────────

export const ZTemplateDefinition = z.strictObject({
  slug: ZSlug,
  version: ZSemver,
  category: ZSlug,
  title: ZLocalized,
  summary: ZLocalized,
  /** Newest first; the first entry is this version. */
  changelog: z
    .array(z.strictObject({ version: ZSemver, date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2026-11-01'), changes: ZLocalized }))
    .min(1),
  parameters: ZParameters.default({ type: 'object', properties: {}, required: [] }),
  /** name → expression over parameters and earlier derived values, in order. */
  derived: z.record(ZValueName, ZExpression).default({}),
  /** Credentials the portal generates at submit (random, `length` characters), as secrets.<name>. */
  secrets: z.array(z.strictObject({ name: ZValueName, length: z.number().int().min(12).max(128).default(24) })).default([]),
  units: z.array(ZUnit).min(1),
  applications: z.array(ZApplication).default([]),
  steps: z.array(ZStep).min(1),
  outputs: z.array(ZOutput).default([]),
});

export type TemplateDefinition = z.infer<typeof ZTemplateDefinition>;

/** Whether an application runs on a provider's nodes of its role (its `providers`, when listed, name the provider). */
export function runsOn(app: { providers?: string[] }, providerId: string): boolean {
  return !app.providers || app.providers.includes(providerId);
}
export type ParametersSchema = z.infer<typeof ZParameters>;
export type ParameterSchema = z.infer<typeof ZParameter>;
export type TemplateUnit = z.infer<typeof ZUnit>;
export type TemplateApplication = z.infer<typeof ZApplication>;
export type TemplateStep = z.infer<typeof ZStep>;
export type TemplateOutput = z.infer<typeof ZOutput>;
export type Localized = z.infer<typeof ZLocalized>;
