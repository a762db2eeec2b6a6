import { z } from 'zod';

// The template definition a person reads and reviews (templates/<slug>/template.yaml).

const ZLocalized = z.object({ ja: z.string().min(1), en: z.string().min(1) });

const ZName = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'lower-case letters, digits and "-", starting with a letter');

export const ZTemplateUnit = z.object({
  name: ZName,
  role: ZName,
  /** Base image of the unit's nodes (OCS base container image). */
  image: z.string().min(1),
  /** Fixed node count, or taken from the build's `nodes` parameter. */
  nodes: z.union([z.number().int().min(1), z.literal('fromParameters')]),
});

export const ZTemplateApplication = z.object({
  name: ZName,
  role: ZName,
  image: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  healthPath: z.string().startsWith('/').default('/'),
  env: z.record(z.string(), z.string()).default({}),
  /** How the local provider runs it: argv with {{templateDir}} and {{node}} (the Node.js binary) filled in. */
  local: z.object({ command: z.array(z.string()).min(1) }).optional(),
});

export const ZTemplateDefinition = z.object({
  slug: ZName,
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'semver such as 1.0.0'),
  category: z.string().min(1),
  title: ZLocalized,
  summary: ZLocalized,
  units: z.array(ZTemplateUnit).min(1),
  applications: z.array(ZTemplateApplication).default([]),
});

export type TemplateDefinition = z.infer<typeof ZTemplateDefinition>;
export type TemplateUnit = z.infer<typeof ZTemplateUnit>;
export type TemplateApplication = z.infer<typeof ZTemplateApplication>;
