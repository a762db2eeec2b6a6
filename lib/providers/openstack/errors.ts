import { HttpStatusError, isNetworkFailure, isTransient } from '../http';
import type { Localized } from '../types';

// What an OpenStack failure means for the person who can act on it, and whether trying again can
// help. The HTTP status and the error's name in the body decide; Nova names several 400s and its
// quota 403 only in the message, so those few are told apart by Nova's own fixed message formats
// (nova/exception.py), for the advice only: whether to retry is decided by status alone.

/** A failure the driver itself detects (no HTTP error carries it): a server that went to ERROR, a flavor name no flavor has, … */
export class OpenStackError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'OpenStackError';
  }
}

const ADVICE: Record<string, Localized> = {
  Unauthorized: {
    ja: 'Keystone がユーザー名・パスワードを認めませんでした。ユーザー名、パスワード、ユーザードメイン、プロジェクト名とプロジェクトドメインを確認し、認証情報を置き換えてください。',
    en: 'Keystone did not accept the user name and password. Check the user name, password, user domain, project name and project domain, then replace the credentials.',
  },
  Forbidden: {
    ja: 'このユーザーにはプロジェクトでの権限が足りません。プロジェクトの member ロールを付けてもらってください。',
    en: 'This user lacks the permissions needed in the project. Ask for the member role on the project.',
  },
  QuotaExceeded: {
    ja: 'プロジェクトのクォータ (インスタンス数、vCPU、メモリなど) の上限に達しました。クラウドの管理者にクォータの引き上げを依頼するか、ノードを減らしてください。',
    en: "The project's quota (instances, vCPUs, RAM, …) is used up. Ask the cloud's administrators to raise it, or use fewer nodes.",
  },
  RateLimited: {
    ja: 'OpenStack が呼び出しを制限しています。しばらく待ってから再試行します。',
    en: 'OpenStack is limiting the rate of calls. Trying again after a pause.',
  },
  NoValidHost: {
    ja: 'このフレーバーのサーバーを置けるホストがありません (No valid host)。時間をおくか、より小さいフレーバーを選んでください。',
    en: 'No host has room for a server of this flavor (No valid host). Try later, or choose a smaller flavor.',
  },
  FlavorNotFound: {
    ja: 'このフレーバー名はクラウドにありません。クラウドのフレーバー一覧 (openstack flavor list) にある名前を選んでください。',
    en: 'The cloud has no flavor of this name. Choose a name from its flavor list (openstack flavor list).',
  },
  ImageNotFound: {
    ja: 'イメージが見つかりません。イメージ ID を確認してください (プロジェクトから見えるもの、Node.js 20 以上入り)。',
    en: 'The image is not found. Check the image ID (visible to the project, with Node.js 20 or later).',
  },
  ImageNotSet: {
    ja: 'アカウントにノードのイメージ ID がありません。アカウントのネットワーク設定にイメージ ID を入れてください。',
    en: "The account names no image for nodes. Add the image ID to the account's network settings.",
  },
  NetworkNotFound: {
    ja: 'ネットワークが見つかりません。ネットワーク ID (openstack network list) とリージョンを確認してください。',
    en: 'The network is not found. Check the network ID (openstack network list) and the region.',
  },
  SecurityGroupNotFound: {
    ja: 'セキュリティグループが見つかりません。プロジェクトにあるグループの名前か ID を指定してください。',
    en: 'The security group is not found. Give the name or ID of a group in the project.',
  },
  EndpointNotFound: {
    ja: 'Keystone のサービスカタログに、このリージョンの必要なサービス (compute、network、image) がありません。リージョン名を確認してください。',
    en: "Keystone's service catalog lists no endpoint of a needed service (compute, network, image) in this region. Check the region name.",
  },
  Unreachable: {
    ja: 'OpenStack の API に接続できませんでした。Keystone の URL と、ポータルからそこへ出られるか (プロキシ、ファイアウォール) を確認してください。',
    en: 'The OpenStack API could not be reached. Check the Keystone URL and that the portal can reach it (proxy, firewall).',
  },
  ServiceUnavailable: {
    ja: 'OpenStack のサービスが一時的に応答できません。しばらく待ってから再試行します。',
    en: 'An OpenStack service is not answering properly for now. Trying again after a pause.',
  },
};

const UNKNOWN: Localized = { ja: 'OpenStack がエラーを返しました。メッセージを確認してください。', en: 'OpenStack answered with an error; see its message.' };

/** Nova's messages (nova/exception.py) for what its 400s and 403s do not name otherwise. */
const NOVA_MESSAGES: [RegExp, string][] = [
  [/^Quota exceeded/, 'QuotaExceeded'],
  [/^Can not find requested image|^Image \S+ could not be found/, 'ImageNotFound'],
  [/^Flavor \S+ could not be found|^Invalid flavorRef/, 'FlavorNotFound'],
  [/^Network \S+ could not be found/, 'NetworkNotFound'],
  [/^Security group \S+ not found/, 'SecurityGroupNotFound'],
];

const NOVA_FAULTS: Record<string, string> = { badRequest: 'BadRequest', forbidden: 'Forbidden', itemNotFound: 'NotFound', conflictingRequest: 'Conflict' };

/**
 * The error code an OpenStack body names (for requestJson): Nova's `{"badRequest": {"message"}}`,
 * Keystone's `{"error": {"title"}}`, Neutron's `{"NeutronError": {"type"}}`.
 */
export function openStackBodyCode(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const record = body as Record<string, { message?: unknown; title?: unknown; type?: unknown }>;
  if (typeof record.NeutronError?.type === 'string') return record.NeutronError.type;
  if (typeof record.error?.title === 'string') return record.error.title.replace(/\s+/g, '');
  const [name, fault] = Object.entries(record)[0] ?? [];
  if (!name || !NOVA_FAULTS[name]) return undefined;
  const message = typeof fault?.message === 'string' ? fault.message : '';
  return NOVA_MESSAGES.find(([re]) => re.test(message))?.[1] ?? NOVA_FAULTS[name];
}

/** The code of a failure: by status first (401, rate limits, 5xx), then as the body names it. */
export function openStackErrorCode(e: unknown): string {
  if (e instanceof OpenStackError) return e.code;
  if (e instanceof HttpStatusError) {
    if (e.status === 401) return 'Unauthorized';
    // 413 with Retry-After (or 429) is a rate limit; 413 without one is Nova's old over-quota answer.
    if (e.status === 429 || (e.status === 413 && e.retryAfterMs !== null)) return 'RateLimited';
    if (e.status === 413) return 'QuotaExceeded';
    if (e.status >= 500) return 'ServiceUnavailable';
    return e.code;
  }
  return isNetworkFailure(e) ? 'Unreachable' : 'UnknownError';
}

export interface OpenStackFailure {
  code: string;
  retryable: boolean;
  advice: Localized;
}

export function openStackFailure(e: unknown): OpenStackFailure {
  const code = openStackErrorCode(e);
  const retryable = e instanceof OpenStackError ? e.retryable : isTransient(e);
  return { code, retryable, advice: ADVICE[code] ?? UNKNOWN };
}

/**
 * Why a server went to ERROR, from its fault: Nova's scheduling failures (NoValidHost and its
 * MaxRetriesExceeded) mean no capacity, which trying again at once does not cure: a person chooses.
 */
export function serverFaultError(serverId: string, fault: { code?: number; message?: string } | undefined): OpenStackError {
  const message = fault?.message ?? 'no fault recorded';
  const capacity = fault?.code === 500 && /^(No valid host was found|Exceeded maximum number of retries)/.test(message);
  return capacity
    ? new OpenStackError('NoValidHost', `server ${serverId} could not be placed: ${message}`)
    : new OpenStackError('ServerFault', `server ${serverId} went to ERROR: ${message}`);
}
