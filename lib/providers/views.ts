// Providers as the API lists them (GET /api/v1/providers): the catalog's providers with their
// flavors, in the catalog's order, a page at a time like every list.
import { z } from 'zod';
import type { PageQuery } from '@/lib/api/pagination';
import { ZLocalizedText } from '@/lib/api/schemas/common';
import { invalidInput } from '@/lib/errors';
import { providerCatalog } from './catalog';
import type { ProviderInfo } from './types';

export const ZFlavorView = z
  .object({
    name: z.string(),
    label: ZLocalizedText,
    values: z.record(z.string(), z.union([z.string(), z.number()])).describe('Provider-specific sizing (instance_type, volume_size, cpus, memory_mb, …), as in vcp_flavor.yml.'),
  })
  .meta({ id: 'Flavor' });

export const ZProviderView = z
  .object({
    id: z.string(),
    label: ZLocalizedText,
    flavors: z.array(ZFlavorView),
    region: z.string().describe('The region prices are looked up in.'),
    available: z.boolean().describe('Builds can create nodes here on this installation.'),
    unavailableReason: ZLocalizedText.optional().describe('Why not, when it is not available.'),
    accountsOf: z.string().optional().describe('Whose cloud accounts its nodes are made in, when another provider\'s (aws_spot: aws).'),
    power: z.boolean().describe('Its nodes can be powered off and on again, keeping their disks.'),
    fixedIps: z.boolean().describe('A node can be given its address.'),
    overflows: z.boolean().describe('Its room runs out (the lab\'s servers): a unit here may overflow to a cloud.'),
  })
  .meta({ id: 'Provider' });

export type ProviderView = z.input<typeof ZProviderView>;

export function providerView(p: ProviderInfo): ProviderView {
  return {
    id: p.id,
    label: p.label,
    flavors: p.flavors.map((f) => ({ name: f.name, label: f.label, values: f.values })),
    region: p.region,
    available: p.available,
    ...(p.unavailableReason ? { unavailableReason: p.unavailableReason } : {}),
    ...(p.accountsOf ? { accountsOf: p.accountsOf } : {}),
    power: p.power === true,
    fixedIps: p.fixedIps === true,
    overflows: p.overflows === true,
  };
}

const NOT_A_CURSOR = 'is not a cursor this API gave';

/** The providers in the catalog's order; the cursor names the last one of the page before. */
export function listProviders(page: PageQuery = { limit: 50 }): { providers: ProviderView[]; nextCursor: string | null } {
  const all = providerCatalog();
  let start = 0;
  if (page.cursor) {
    const after = Buffer.from(page.cursor, 'base64url').toString('utf8');
    const at = all.findIndex((p) => p.id === after);
    if (at < 0) throw invalidInput({ cursor: NOT_A_CURSOR });
    start = at + 1;
  }
  const kept = all.slice(start, start + page.limit);
  const more = start + page.limit < all.length;
  return { providers: kept.map(providerView), nextCursor: more && kept.length ? Buffer.from(kept[kept.length - 1]!.id).toString('base64url') : null };
}
