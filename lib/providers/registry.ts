import { db } from '@/lib/db/client';
import { AwsProvider } from './aws/aws-provider';
import { AzureProvider } from './azure/azure-provider';
import { localProvider } from './local';
import { MdxProvider } from './mdx/mdx-provider';
import { onPremisesProvider } from './onpremises';
import { OpenStackProvider } from './openstack/openstack-provider';
import { OracleProvider } from './oracle/oracle-provider';
import { SakuraProvider } from './sakura/sakura-provider';
import { VmwareProvider } from './vmware/vmware-provider';
import type { Provider } from './types';

// Provider drivers, for workers: every provider the catalog marks available (lib/providers/catalog.ts).
const drivers: Record<string, () => Provider> = {
  local: localProvider,
  onpremises: onPremisesProvider,
  aws: () => new AwsProvider(db),
  aws_spot: () => new AwsProvider(db, 'aws_spot'),
  azure: () => new AzureProvider(db),
  sakura: () => new SakuraProvider(db),
  mdx: () => new MdxProvider(db),
  openstack: () => new OpenStackProvider(db),
  oracle: () => new OracleProvider(db),
  vmware: () => new VmwareProvider(db),
};

export function hasDriver(id: string): boolean {
  return id in drivers;
}

export function getProvider(id: string): Provider {
  const driver = drivers[id];
  if (!driver) throw new Error(`No driver for provider "${id}"`);
  return driver();
}
