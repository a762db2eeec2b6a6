// Templates as the API shows them: catalog entries, a template with its definition, README and
// versions, its YAML for the editor. The definition is the parsed template (lib/templates/format.ts),
// described here as it is stored, after defaults and conversions, without the file format's checks.
import { z } from 'zod';
import { ZLocalizedText, ZTimestamp } from '@/lib/api/schemas/common';
import { OUTPUT_KINDS, STEP_ACTIONS, ZParameter } from '@/lib/templates/format';

const ZPortOrPlaceholder = z.union([z.number().int(), z.string()]).describe('A port number, or a {{ placeholder }} giving one.');

const ZTemplateUnitView = z
  .object({
    name: z.string(),
    role: z.string(),
    nodes: z.union([z.number().int(), z.string()]).describe('A node count, or an expression over parameters and derived values.'),
    image: z.string().describe('Base image of the unit\'s nodes.'),
    flavor: z.string().describe('Default flavor; the build form may choose another for the role.'),
    providers: z
      .record(z.string(), z.object({ flavor: z.string().optional(), volumeSize: z.number().int().optional() }))
      .describe('Providers the unit can run on, each with its own default flavor and root disk size (GB) where they differ.'),
    variants: z
      .array(z.object({ when: z.string(), flavor: z.string().optional(), image: z.string().optional() }))
      .describe('Parameter-driven changes, first match wins.'),
  })
  .meta({ id: 'TemplateUnit' });

const ZEnvView = z.union([z.record(z.string(), z.string()), z.array(z.string())]).describe('A map of NAME: value, or a list of "NAME=value" texts.');

const ZTemplateApplicationView = z
  .object({
    name: z.string(),
    role: z.string().describe('The role of the units whose every node runs it.'),
    image: z.string(),
    ports: z.array(ZPortOrPlaceholder),
    env: ZEnvView,
    volumes: z.array(z.object({ source: z.string(), target: z.string(), readOnly: z.boolean() })),
    health: z
      .object({ port: ZPortOrPlaceholder, path: z.string().optional() })
      .optional()
      .describe('HTTP GET path on the port, or a TCP connect when no path is given.'),
    local: z
      .object({
        command: z.array(z.string()),
        env: z.record(z.string(), z.string()),
        requires: z.array(z.string()).describe('Programs that must be on the machine\'s PATH.'),
        files: z.array(z.object({ path: z.string(), content: z.string(), mode: z.number().int().describe('Unix permissions, e.g. 420 (0644).') })),
      })
      .optional()
      .describe('How the local provider runs it on the portal\'s machine, instead of the image.'),
    providers: z.array(z.string()).optional().describe('The providers it runs on; without it, every provider its role\'s units run on.'),
    workQueue: z.literal('slurm').optional().describe('The batch scheduler it runs, whose queue drives cloud burst.'),
  })
  .meta({ id: 'TemplateApplication' });

export const ZTemplateDefinitionView = z
  .object({
    slug: z.string(),
    version: z.string(),
    category: z.string(),
    title: ZLocalizedText,
    summary: ZLocalizedText,
    changelog: z.array(z.object({ version: z.string(), date: z.string(), changes: ZLocalizedText })).describe('Newest first; the first entry is this version.'),
    parameters: z
      .object({
        type: z.literal('object'),
        properties: z.record(z.string(), ZParameter.meta({ id: 'TemplateParameter' })),
        required: z.array(z.string()),
      })
      .describe('The JSON Schema subset the build form renders.'),
    derived: z.record(z.string(), z.string()).describe('name → expression over parameters and earlier derived values, in order.'),
    secrets: z.array(z.object({ name: z.string(), length: z.number().int() })).describe('Credentials generated at submit (their names and lengths).'),
    units: z.array(ZTemplateUnitView),
    applications: z.array(ZTemplateApplicationView),
    steps: z.array(
      z.object({
        key: z.string(),
        action: z.enum(STEP_ACTIONS),
        title: ZLocalizedText,
        applications: z.array(z.string()).optional(),
        when: z.string().optional(),
      }),
    ),
    outputs: z.array(z.object({ key: z.string(), label: ZLocalizedText, kind: z.enum(OUTPUT_KINDS), value: z.string(), when: z.string().optional() })),
  })
  .meta({ id: 'TemplateDefinition' });

export const ZTemplateSummary = z
  .object({
    slug: z.string(),
    category: z.string(),
    version: z.string().describe('Its newest version.'),
    versionId: z.uuid(),
    organizationId: z.uuid().nullable().describe('Null: the shared catalog; set: that organization\'s own template.'),
    sourceSlug: z.string().nullable().describe('The shipped template a copy was made from (whose local programs it runs); null: its own.'),
    title: ZLocalizedText,
    summary: ZLocalizedText,
    createdAt: ZTimestamp,
  })
  .meta({ id: 'TemplateSummary' });

export const ZTemplateDetail = z
  .object({
    slug: z.string(),
    category: z.string(),
    version: z.string().describe('Its newest version, which `definition` is.'),
    versionId: z.uuid(),
    organizationId: z.uuid().nullable().describe('Null: the shared catalog; set: that organization\'s own template.'),
    sourceSlug: z.string().nullable().describe('The shipped template a copy was made from (whose local programs it runs); null: its own.'),
    definition: ZTemplateDefinitionView,
    readme: z.string().nullable().describe('The template\'s README (Markdown), if it has one.'),
    versions: z.array(z.object({ version: z.string(), createdAt: ZTimestamp })).describe('Every version, newest first.'),
  })
  .meta({ id: 'Template' });

export const ZTemplateRights = z
  .object({
    edit: z.boolean().describe('The caller may save new versions.'),
    copyTo: z.array(z.object({ id: z.uuid(), name: z.string() })).describe('Organizations the caller may copy it into.'),
  })
  .meta({ id: 'TemplateRights' });

export const ZTemplateSource = z
  .object({
    slug: z.string(),
    version: z.string(),
    organizationId: z.uuid().nullable(),
    yaml: z.string().describe('The newest version\'s YAML as written, comments included.'),
  })
  .meta({ id: 'TemplateSource' });

export const ZSavedTemplateVersion = z
  .object({ slug: z.string(), version: z.string(), versionId: z.uuid() })
  .meta({ id: 'SavedTemplateVersion' });

export type TemplateDefinitionView = z.input<typeof ZTemplateDefinitionView>;
export type TemplateSummaryView = z.input<typeof ZTemplateSummary>;
export type TemplateDetailView = z.input<typeof ZTemplateDetail>;
export type TemplateRightsView = z.input<typeof ZTemplateRights>;
export type TemplateSourceView = z.input<typeof ZTemplateSource>;
export type SavedTemplateVersionView = z.input<typeof ZSavedTemplateVersion>;
