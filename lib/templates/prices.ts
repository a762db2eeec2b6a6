import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { TEMPLATES_DIR } from '@/lib/catalog/template-files';
import type { Flavor } from '@/lib/providers/types';

// The dated price table (templates/prices.yaml) behind a plan's hourly cost estimate.

export const PRICES_FILE = path.join(TEMPLATES_DIR, 'prices.yaml');

export const ZPriceTable = z.strictObject({
  as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2026-11-01'),
  currency: z.literal('USD'),
  /** provider → region → price key → USD per hour */
  providers: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.number().nonnegative()))),
});

export type PriceTable = z.infer<typeof ZPriceTable>;

/** A price per node-hour, or 'unknown' when the table has none: unknown is never shown as free. */
export type HourlyPrice = number | 'unknown';

export function parsePriceTable(text: string): PriceTable {
  const parsed = ZPriceTable.safeParse(parse(text));
  if (!parsed.success) throw new Error(`price table is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

let shipped: Promise<PriceTable> | undefined;

/** templates/prices.yaml, read once per process. */
export function shippedPriceTable(): Promise<PriceTable> {
  shipped ??= readFile(PRICES_FILE, 'utf8').then(parsePriceTable);
  return shipped;
}

/** What a flavor is priced by: its instance type, VM size or cores/memory plan, else its name. */
export function priceKey(flavor: Flavor): string {
  const v = flavor.values;
  if (typeof v.instance_type === 'string') return v.instance_type;
  if (typeof v.vm_size === 'string') return v.vm_size;
  if (v.num_cores !== undefined && v.memory !== undefined) return `${v.num_cores}core-${v.memory}GB`;
  return flavor.name;
}

/** Nodes on this machine (local) or on the lab's own servers (onpremises) have no hourly charge. */
export function hourlyPrice(table: PriceTable, providerId: string, region: string, flavor: Flavor): HourlyPrice {
  if (providerId === 'local' || providerId === 'onpremises') return 0;
  return table.providers[providerId]?.[region]?.[priceKey(flavor)] ?? 'unknown';
}

/** Money in a plan: rounded to 1/10000 USD so sums of float products stay exact enough to compare. */
export function roundUsd(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
