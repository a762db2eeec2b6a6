import { db } from '@/lib/db/client';
import type { Provider } from './types';

// Provider drivers, for workers: every provider the catalog marks available (lib/providers/catalog.ts).
// Loaded on use, as the account checks are (lib/providers/account-check.ts): a worker brings in a
// cloud's SDK only when it acts on that cloud. AWS's, Azure's and Oracle's take seconds to load,
// which every worker's start, and every process that runs a build step, would pay otherwise.
const drivers: Record<string, () => Promise<Provider>> = {
  local: async () => (await import('./local')).localProvider(),
  onpremises: async () => (await import('./onpremises')).onPremisesProvider(),
  aws: async () => new (await import('./aws/aws-provider')).AwsProvider(db),
  aws_spot: async () => new (await import('./aws/aws-provider')).AwsProvider(db, 'aws_spot'),
  azure: async () => new (await import('./azure/azure-provider')).AzureProvider(db),
  sakura: async () => new (await import('./sakura/sakura-provider')).SakuraProvider(db),
  mdx: async () => new (await import('./mdx/mdx-provider')).MdxProvider(db),
  openstack: async () => new (await import('./openstack/openstack-provider')).OpenStackProvider(db),
  oracle: async () => new (await import('./oracle/oracle-provider')).OracleProvider(db),
  vmware: async () => new (await import('./vmware/vmware-provider')).VmwareProvider(db),
};

export function hasDriver(id: string): boolean {
  return id in drivers;
}

export async function getProvider(id: string): Promise<Provider> {
  const driver = drivers[id];
  if (!driver) throw new Error(`No driver for provider "${id}"`);
  return driver();
}
