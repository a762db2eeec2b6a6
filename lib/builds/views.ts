// Builds, their steps, log lines and plans as the API shows them: no sealed secrets, no secret
// output values (but the one reveal to the build's creator), no creator's user id.
import { z } from 'zod';
import { ZLocalizedText, ZTimestamp } from '@/lib/api/schemas/common';
import { buildKind, buildStatus, cancelMode, logLevel, stepStatus } from '@/lib/db/schema';

export const ZBuildOutputView = z
  .object({
    key: z.string(),
    label: ZLocalizedText,
    kind: z.enum(['url', 'text', 'secret']),
    values: z
      .array(z.string())
      .describe('For a secret output: its values in the one answer that reveals them to the build\'s creator, else empty.'),
  })
  .meta({ id: 'BuildOutput' });

export const ZBuildSummary = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    kind: z.enum(buildKind.enumValues).describe('create: a template\'s first run, making the unit group; scale: a unit\'s node count; power: nodes off or on.'),
    status: z.enum(buildStatus.enumValues),
    templateSlug: z.string(),
    templateTitle: ZLocalizedText,
    templateVersion: z.string(),
    templateVersionId: z.uuid().describe('The exact template version the build runs.'),
    unitGroupId: z.uuid().nullable().describe('The unit group it makes or changes; null once that is gone.'),
    unitGroupName: z.string().nullable(),
    createdByEmail: z.string().describe('Who submitted it.'),
    error: z.string().nullable().describe('Why it failed or was cancelled.'),
    cancelRequestedAt: ZTimestamp.nullable(),
    cancelMode: z.enum(cancelMode.enumValues).nullable().describe('On cancel: keep what the build made, or tear its unit group down.'),
    createdAt: ZTimestamp,
    updatedAt: ZTimestamp,
    startedAt: ZTimestamp.nullable(),
    finishedAt: ZTimestamp.nullable(),
  })
  .meta({ id: 'BuildSummary' });

export const ZBuildStepView = z
  .object({
    id: z.uuid(),
    position: z.number().int(),
    key: z.string(),
    action: z.string().describe('What the step does: create-nodes, start-applications, wait-ready, remove-nodes, …'),
    title: ZLocalizedText.nullable(),
    applications: z.array(z.string()).describe('For start-applications: the applications it starts (empty: every one of the unit\'s role).'),
    status: z.enum(stepStatus.enumValues),
    attempts: z.number().int(),
    error: z.string().nullable(),
    startedAt: ZTimestamp.nullable(),
    finishedAt: ZTimestamp.nullable(),
  })
  .meta({ id: 'BuildStep' });

export const ZBuildLogView = z
  .object({
    id: z.number().int().describe('Increasing: pass the last one seen as afterLogId to get only newer lines.'),
    stepKey: z.string().nullable(),
    level: z.enum(logLevel.enumValues),
    message: z.string(),
    createdAt: ZTimestamp,
  })
  .meta({ id: 'BuildLogLine' });

export const ZBuildDetail = ZBuildSummary.extend({
  parameters: z.record(z.string(), z.unknown()).describe('The template\'s parameters as the build was submitted with them (secret ones are never stored here).'),
  outputs: z.array(ZBuildOutputView),
  steps: z.array(ZBuildStepView),
  logs: z.array(ZBuildLogView).describe('Log lines after afterLogId, oldest first, at most 1000.'),
}).meta({ id: 'Build' });

// ── plans (POST /api/v1/builds/plan) ──────────────────────────────────────────────────────────

const ZHourlyPrice = z.union([z.number(), z.literal('unknown')]).describe('USD per hour, or "unknown" where the price table has no price.');

const ZQuotaLine = z.object({
  limit: z.number().int().nullable().describe('The organization\'s limit; null: none.'),
  inUse: z.number().int(),
  adding: z.number().int(),
  after: z.number().int(),
  exceeds: z.boolean(),
});

export const ZPlanUnitView = z
  .object({
    name: z.string(),
    role: z.string(),
    provider: z.string(),
    region: z.string(),
    flavor: z.string(),
    flavorValues: z.record(z.string(), z.union([z.string(), z.number()])).describe('The flavor\'s provider-specific sizing (instance_type, cpus, memory_mb, …).'),
    instanceType: z.string().nullable(),
    volumeSize: z.number().nullable(),
    numNodes: z.number().int(),
    image: z.string(),
    hourlyPerNode: ZHourlyPrice,
    hourly: ZHourlyPrice,
    applications: z.array(
      z.object({
        name: z.string(),
        image: z.string(),
        ports: z.array(z.number().int()),
        health: z.object({ port: z.number().int(), path: z.string().optional() }).nullable(),
        runsOnLocal: z.boolean().describe('The template says how the local provider runs it.'),
        needsContainers: z.boolean().describe('On onpremises: it can only run as a container.'),
        requires: z.array(z.object({ program: z.string(), found: z.boolean() })).describe('On a local unit: the host programs it needs and whether each is on PATH.'),
      }),
    ),
    account: z.object({ id: z.uuid(), name: z.string() }).nullable().describe('The organization\'s cloud account its nodes are made in, on a provider that takes accounts.'),
  })
  .meta({ id: 'PlanUnit' });

export const ZPlanView = z
  .object({
    template: z.object({ slug: z.string(), version: z.string(), title: ZLocalizedText }),
    parameters: z.record(z.string(), z.unknown()).describe('Validated parameters with their defaults; secret ones masked.'),
    derived: z.record(z.string(), z.unknown()).describe('The template\'s derived values.'),
    units: z.array(ZPlanUnitView),
    totals: z.object({
      nodes: z.number().int(),
      byProvider: z.array(z.object({ provider: z.string(), nodes: z.number().int() })),
      byFlavor: z.array(z.object({ provider: z.string(), flavor: z.string(), nodes: z.number().int() })),
    }),
    quota: z
      .object({ total: ZQuotaLine, byProvider: z.array(ZQuotaLine.extend({ provider: z.string() })), exceeds: z.boolean() })
      .nullable()
      .describe('The organization\'s node quota after the build.'),
    cost: z.object({
      currency: z.literal('USD'),
      asOf: z.string().describe('The date of the price table.'),
      hourly: ZHourlyPrice,
      hourlyKnown: z.number().describe('The sum of the prices that are known.'),
      unknownPriceUnits: z.array(z.string()),
      byProvider: z.array(z.object({ provider: z.string(), hourly: ZHourlyPrice })),
    }),
    steps: z.array(z.object({ key: z.string(), action: z.string(), title: ZLocalizedText, applications: z.array(z.string()) })),
    outputs: z.array(
      z.object({
        key: z.string(),
        label: ZLocalizedText,
        kind: z.enum(['url', 'text', 'secret']),
        shownOnce: z.boolean(),
        preview: z.array(z.string()).describe('The values with placeholders for what the build makes.'),
      }),
    ),
    servers: z
      .object({ active: z.number().int(), freeNodes: z.number().int(), withContainers: z.number().int() })
      .nullable()
      .describe('The organization\'s servers, when the plan puts nodes on them.'),
    problems: z
      .array(
        z.object({
          kind: z.enum(['quota', 'missing-programs', 'provider-unavailable', 'no-servers', 'servers-full', 'needs-containers', 'no-account']),
          message: z.string(),
          provider: z.string().optional().describe('For no-account: the provider without one.'),
        }),
      )
      .describe('Why the plan cannot be submitted as it stands; empty when it can.'),
    canSubmit: z.boolean(),
  })
  .meta({ id: 'BuildPlan' });

export type BuildOutputView = z.input<typeof ZBuildOutputView>;
export type BuildSummaryView = z.input<typeof ZBuildSummary>;
export type BuildStepView = z.input<typeof ZBuildStepView>;
export type BuildLogView = z.input<typeof ZBuildLogView>;
export type BuildDetailView = z.input<typeof ZBuildDetail>;
export type PlanView = z.input<typeof ZPlanView>;
