import type { AccountCheck, CheckedAccount } from '../account-check';
import { OciDriverError, ociFailure, ociMessage } from './errors';
import { OciCloud } from './oci-cloud';

/**
 * 接続テスト for OCI, with Core Services reads only (the Identity service's SDK is not a
 * dependency): the account's subnet (a wrong key, fingerprint or user is refused there as
 * NotAuthenticated), one page of the compartment's instances (the policy nodes need), then the
 * image nodes boot.
 */
export async function checkOracleAccount(account: CheckedAccount): Promise<AccountCheck> {
  const cloud = new OciCloud(account);
  const { compartmentId, subnetId, imageId } = account.network;
  let reading = `subnet ${subnetId}`;
  try {
    const { subnet } = await cloud.call(() => cloud.network.getSubnet({ subnetId: subnetId! }));
    reading = `the instances of compartment ${compartmentId}`;
    await cloud.call(() => cloud.compute.listInstances({ compartmentId: compartmentId!, limit: 1 }));
    reading = `image ${imageId}`;
    if (!imageId) throw new OciDriverError('ImageNotSet', 'the account names no image for nodes (imageId)');
    const { image } = await cloud.call(() => cloud.compute.getImage({ imageId }));
    return { ok: true, code: null, message: `Signed in to ${account.region}; subnet ${subnet.displayName} (${subnet.cidrBlock}) and image ${image.displayName} found` };
  } catch (e) {
    const { code, advice } = ociFailure(e);
    return { ok: false, code, message: `reading ${reading}: ${ociMessage(e)}`, advice };
  }
}
