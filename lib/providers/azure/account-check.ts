import type { AccountCheck, CheckedAccount } from '../account-check';
import { armClients } from './arm';
import { AzureError, azureFailure } from './errors';

/**
 * 接続テスト for Azure (reads only): signs in to Entra ID, lists the resource group's VMs (the
 * resource group exists and the app may read VMs in it: what the driver needs, more than reading the
 * group itself), then reads the account's subnet in its virtual network.
 */
export async function checkAzureAccount(account: CheckedAccount): Promise<AccountCheck> {
  const arm = armClients(account.credentials);
  const { resourceGroup, virtualNetwork, subnet } = account.network as Record<'resourceGroup' | 'virtualNetwork' | 'subnet', string>;
  try {
    await arm.credential.getToken(arm.scope);
    await arm.compute.virtualMachines.list(resourceGroup).byPage().next();
    const found = await arm.network.subnets.get(resourceGroup, virtualNetwork, subnet).catch((e: { statusCode?: number; code?: string }) => {
      // A missing network and a missing subnet are both 404 (ResourceNotFound, NotFound); the group was seen above.
      if (e.statusCode === 404 && e.code !== 'ResourceGroupNotFound') throw new AzureError('SubnetNotFound', `subnet ${subnet} of virtual network ${virtualNetwork} is not found in resource group ${resourceGroup}`);
      throw e;
    });
    return { ok: true, code: null, message: `Signed in to subscription ${arm.subscriptionId}; resource group ${resourceGroup} and subnet ${virtualNetwork}/${subnet} (${found.addressPrefix ?? found.addressPrefixes?.join(', ')}) found` };
  } catch (e) {
    const { code, advice } = azureFailure(e);
    return { ok: false, code, message: (e as Error).message, advice };
  }
}
