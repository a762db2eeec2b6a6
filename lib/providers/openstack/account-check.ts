import type { AccountCheck, CheckedAccount } from '../account-check';
import { OpenStackError, openStackFailure } from './errors';
import { OpenStackProject } from './project';

/**
 * 接続テスト for OpenStack: signs in to Keystone, reads the project's flavors from Nova, then finds
 * the account's network and security group in Neutron and its image in Glance (reads only).
 */
export async function checkOpenStackAccount(account: CheckedAccount): Promise<AccountCheck> {
  const project = new OpenStackProject({ credentials: account.credentials, region: account.region });
  const { networkId, securityGroup = 'default', imageId } = account.network;
  try {
    await project.call('compute', 'GET', '/flavors?limit=1');
    const network = await project.network(networkId!);
    await project.securityGroup(securityGroup);
    if (!imageId) throw new OpenStackError('ImageNotSet', 'the account names no image for nodes (imageId)');
    const image = await project.image(imageId);
    const where = `${account.credentials.projectName}${account.region ? ` (${account.region})` : ''}`;
    return { ok: true, code: null, message: `Signed in to ${where}; network ${network.name}, security group ${securityGroup} and image ${image.name} found` };
  } catch (e) {
    const { code, advice } = openStackFailure(e);
    return { ok: false, code, message: (e as Error).message, advice };
  }
}
