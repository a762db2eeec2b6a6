import type { AccountCheck, CheckedAccount } from '../account-check';
import { vmwareFailure } from './errors';
import { placementOf } from './placement';
import { Vcenter } from './vcenter';

/**
 * 接続テスト for vSphere: signs in to vCenter (vim25 SessionManager.Login), finds the datacenter,
 * cluster, datastore, network, template VM and folder the account names, and reads the tag
 * categories through the Automation API (reads only). Its sessions are ended afterwards.
 */
export async function checkVmwareAccount(account: CheckedAccount): Promise<AccountCheck> {
  const { url, username, password, caCertificate } = account.credentials;
  const vc = new Vcenter({ url: url!, username: username!, password: password!, ...(caCertificate ? { caCertificate } : {}) });
  try {
    await placementOf(vc, account.network);
    await vc.rest('GET', '/com/vmware/cis/tagging/category');
    const { datacenter, cluster, datastore, network, template } = account.network;
    return { ok: true, code: null, message: `Signed in to ${vc.sdkUrl.host} as ${username}; datacenter ${datacenter}, cluster ${cluster}, datastore ${datastore}, network ${network} and template ${template} found` };
  } catch (e) {
    const { code, advice } = vmwareFailure(e);
    return { ok: false, code, message: (e as Error).message, advice };
  } finally {
    await vc.logout();
  }
}
