// The VCP SDK's spec: get_spec(provider, flavor) gives a provider's defaults for a flavor, which a
// script overrides before create_unit. Here the spec also carries the base container's values
// (image, port, environment, command on `local`): the `container` template's parameters, which
// check them, so a unit made from a spec runs exactly what that template runs.
import { z } from 'zod';
import { DEFAULT_IMAGE, findProvider, getSpec as providerSpec } from '@/lib/providers/catalog';
import { parsePublicKey } from '@/lib/ssh-keys/parse-key';
import type { TemplateDefinition } from '@/lib/templates/format';

/** The template whose application a unit made from a spec runs, and whose build records a unit group made empty. */
export const SPEC_TEMPLATE = 'container';
/** The template's role (and application) a spec's unit plays. */
export const SPEC_ROLE = 'app';
/** Values of the spec that are the template's parameters. */
const CONTAINER_VALUES = ['image', 'port', 'healthPath', 'environment', 'localCommand'] as const;

const MAX_NODES = 10;
const TAG = /^[A-Za-z0-9_.:/-]{1,64}$/;

export const ZUnitSpec = z.strictObject({
  provider: z.string({ error: 'is required' }).min(1, 'is required'),
  flavor: z.string().min(1).default('small'),
  numNodes: z.number({ error: `must be a whole number from 1 to ${MAX_NODES}` }).int().min(1, 'must be at least 1').max(MAX_NODES, `must be at most ${MAX_NODES}`).default(1),
  image: z.string().min(1).optional().describe('The container image its nodes run (the base container).'),
  instanceType: z.string().min(1).max(100).optional(),
  volumeSize: z.number().int().min(1).max(65536).optional().describe('GB.'),
  ipAddresses: z.array(z.ipv4('must be IPv4 addresses')).max(MAX_NODES).optional().describe('Fixed addresses, one per node (as many as numNodes).'),
  tags: z
    .record(z.string().regex(TAG, 'tag names use letters, digits and _.:/- (at most 64)'), z.string().max(256, 'at most 256 characters'))
    .refine((t) => Object.keys(t).length <= 20, 'at most 20 tags')
    .optional(),
  port: z.number().int().min(1).max(65535).optional().describe('The port the image listens on; readiness is checked there.'),
  healthPath: z.string().optional(),
  environment: z.array(z.string()).max(50).optional().describe('NAME=value, as docker -e (params_e).'),
  localCommand: z.array(z.string().min(1)).min(1).optional().describe('On the local provider, the command that runs instead of the image.'),
  sshPublicKey: z.string().max(16384).optional().describe('Passed to the base container as AUTHORIZED_KEYS (base64), as OCS did.'),
});
export type UnitSpecInput = z.input<typeof ZUnitSpec>;
export type UnitSpec = z.output<typeof ZUnitSpec>;

export const ZSpecView = z
  .object({
    provider: z.string(),
    flavor: z.string(),
    numNodes: z.number().int(),
    image: z.string(),
    instanceType: z.string().nullable(),
    volumeSize: z.number().int().nullable(),
    ipAddresses: z.array(z.string()),
    tags: z.record(z.string(), z.string()),
    port: z.number().int(),
    healthPath: z.string(),
    environment: z.array(z.string()),
    localCommand: z.array(z.string()),
  })
  .meta({ id: 'Spec' });
export type SpecView = z.input<typeof ZSpecView>;

/** get_spec(provider, flavor): the flavor's values and the base container's defaults; null for an unknown provider or flavor. */
export function specDefaults(definition: TemplateDefinition, provider: string, flavor: string): SpecView | null {
  if (!findProvider(provider)?.flavors.some((f) => f.name === flavor)) return null;
  const spec = providerSpec(provider, flavor);
  const parameter = (name: string) => (definition.parameters.properties[name] as { default?: unknown } | undefined)?.default;
  return {
    provider: spec.provider,
    flavor: spec.flavor,
    numNodes: spec.numNodes,
    image: String(parameter('image') ?? DEFAULT_IMAGE),
    instanceType: spec.instanceType ?? null,
    volumeSize: spec.volumeSize ?? null,
    ipAddresses: [],
    tags: {},
    port: Number(parameter('port') ?? 8080),
    healthPath: String(parameter('healthPath') ?? '/'),
    environment: [],
    localCommand: (parameter('localCommand') as string[] | undefined) ?? [],
  };
}

/** The spec's values that are the template's parameters, with the SSH key as OCS passed it; a problem names its field. */
export function containerValues(spec: UnitSpec): { values: Record<string, unknown> } | { field: string; problem: string } {
  const values: Record<string, unknown> = {};
  for (const name of CONTAINER_VALUES) if (spec[name] !== undefined) values[name] = spec[name];
  if (spec.sshPublicKey !== undefined) {
    const parsed = parsePublicKey(spec.sshPublicKey);
    if ('problem' in parsed) return { field: 'spec.sshPublicKey', problem: parsed.problem };
    values.environment = [...(spec.environment ?? []), `AUTHORIZED_KEYS=${Buffer.from(spec.sshPublicKey.trim()).toString('base64')}`];
  }
  return { values };
}
