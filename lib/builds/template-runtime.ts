import { and, asc, eq, isNull, ne } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { templateDir } from '@/lib/catalog/template-files';
import { builds, hosts, nodes, overlayMembers, overlayNetworks, templates, templateVersions, unitGroups, units } from '@/lib/db/schema';
import { blockAddress } from '@/lib/overlay/addresses';
import { nodeFolder } from '@/lib/providers/onpremises/scripts';
import { openBuildSecrets, redactSecrets, secretTexts } from '@/lib/secrets/build-secrets';
import type { TemplateDefinition } from '@/lib/templates/format';
import type { GroupRuntime } from '@/lib/templates/render';
import { resolveValues } from '@/lib/templates/values';

/** What a build's steps render templates with: the definition and the unit group's values. */
export interface TemplateRuntime {
  definition: TemplateDefinition;
  /** Parameters (secret ones included) and derived values. */
  values: Record<string, unknown>;
  /** Credentials generated for the unit group when it was created. */
  secrets: Record<string, string>;
  /** The folder holding the template's local programs: an organization's copy runs its original's. */
  templateDir: string;
  /** Masks the secret parameters' and generated credentials' values in text bound for logs and error columns. */
  redact: (text: string) => string;
  /** The values a unit's nodes render with: a unit made from a spec overrides the parameters with its own (units.specValues). */
  valuesFor: (unit: { specValues: Record<string, unknown> | null }) => Promise<Record<string, unknown>>;
}

/** Values come from the build that created the unit group: a scale build renders new nodes alike. */
export async function loadTemplateRuntime(db: Database, unitGroupId: string, templateVersionId: string): Promise<TemplateRuntime> {
  const [version] = await db
    .select({ definition: templateVersions.definition, slug: templates.slug, sourceSlug: templates.sourceSlug })
    .from(templateVersions)
    .innerJoin(templates, eq(templateVersions.templateId, templates.id))
    .where(eq(templateVersions.id, templateVersionId));
  const [origin] = await db
    .select()
    .from(builds)
    .where(and(eq(builds.unitGroupId, unitGroupId), eq(builds.kind, 'create')))
    .orderBy(asc(builds.createdAt))
    .limit(1);
  if (!version || !origin) throw new Error(`unit group ${unitGroupId} has no creating build or template version`);
  const secrets = openBuildSecrets(origin.id, origin.secrets);
  const parameters = { ...origin.parameters, ...secrets.parameters };
  const resolve = async (own: Record<string, unknown>) => {
    const resolved = await resolveValues(version.definition, { ...parameters, ...own });
    if (!resolved.ok) throw new Error(`the stored parameters no longer fit the template: ${JSON.stringify(resolved.errors)}`);
    return resolved.values;
  };
  const values = await resolve({});
  const texts = secretTexts(secrets);
  return {
    definition: version.definition,
    values,
    secrets: secrets.generated,
    templateDir: templateDir(version.sourceSlug ?? version.slug),
    redact: (text) => redactSecrets(text, texts),
    valuesFor: (unit) => (unit.specValues ? resolve(unit.specValues) : Promise.resolve(values)),
  };
}

/** The unit group as template expressions see it: units with their nodes' names and addresses. */
export async function groupRuntime(db: Database, unitGroupId: string, secrets: Record<string, string>): Promise<GroupRuntime> {
  const group = await db.query.unitGroups.findFirst({ where: eq(unitGroups.id, unitGroupId) });
  const unitRows = await db.select().from(units).where(and(eq(units.unitGroupId, unitGroupId), ne(units.state, 'DELETED')));
  const nodeRows = await db
    .select({ unitId: nodes.unitId, name: nodes.name, ipAddress: nodes.ipAddress, nodeNo: nodes.nodeNo, hostname: nodes.agentHostname, agentDir: hosts.agentDir, overlayBlock: overlayNetworks.block, overlayHostNo: overlayMembers.hostNo })
    .from(nodes)
    .leftJoin(hosts, eq(nodes.hostId, hosts.id))
    .leftJoin(overlayMembers, eq(overlayMembers.nodeId, nodes.id))
    .leftJoin(overlayNetworks, eq(overlayNetworks.unitGroupId, overlayMembers.unitGroupId))
    .where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt), ne(nodes.state, 'DELETING')))
    .orderBy(asc(nodes.nodeNo));
  return {
    unitGroup: group?.name ?? '',
    secrets,
    units: Object.fromEntries(
      unitRows.map((u) => {
        const mine = nodeRows.filter((n) => n.unitId === u.id);
        const runtime = mine.map((n) => ({
          name: n.name,
          ip: n.ipAddress ?? '',
          privateIp: n.overlayBlock !== null && n.overlayHostNo !== null ? blockAddress(n.overlayBlock, n.overlayHostNo) : (n.ipAddress ?? ''),
          no: n.nodeNo,
          ...(n.hostname ? { hostname: n.hostname } : {}),
          ...(n.agentDir ? { folder: nodeFolder({ agentDir: n.agentDir, name: n.name }) } : {}),
        }));
        return [u.name, { role: u.role, nodes: runtime }];
      }),
    ),
  };
}
