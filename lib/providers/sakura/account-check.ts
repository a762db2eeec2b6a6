import type { AccountCheck, CheckedAccount } from '../account-check';
import type { Localized } from '../types';
import { explainSakuraError } from './errors';
import { sakuraApi } from './sakura-api';

const NEEDS_CREATE: Localized = {
  ja: 'この API キーのアクセスレベルではサーバを作成できません。アクセスレベル「作成・削除」のキーを発行し、認証情報を置き換えてください。',
  en: 'This API key\'s access level cannot create servers. Issue a key with the "create and delete" access level, then replace the credentials.',
};

/**
 * 接続テスト for Sakura Cloud: signs in through the zone's API and reads the key's access level,
 * then finds the switch and the source archive the account names (reads only).
 */
export async function checkSakuraAccount(account: CheckedAccount): Promise<AccountCheck> {
  const api = sakuraApi({ zone: account.region!, credentials: account.credentials });
  try {
    const auth = await api.get<{ Permission?: string; Account?: { Code?: string } }>('/auth-status');
    if (auth.Permission !== 'create') return { ok: false, code: 'permission', message: `The API key's access level is "${auth.Permission ?? 'unknown'}", not "create"`, advice: NEEDS_CREATE };
    const { switchId, archiveId } = account.network;
    if (switchId) await api.get(`/switch/${switchId}`);
    if (archiveId) await api.get(`/archive/${archiveId}`);
    const found = [switchId && `switch ${switchId}`, archiveId && `archive ${archiveId}`].filter(Boolean);
    return { ok: true, code: null, message: `Signed in to ${api.zone} as account ${auth.Account?.Code ?? '?'}${found.length ? `; ${found.join(' and ')} found` : ''}` };
  } catch (e) {
    const { code, advice } = explainSakuraError(e);
    return { ok: false, code, message: (e as Error).message, advice };
  }
}
