import { OciError } from 'oci-common';
import type { Localized } from '../types';

// What an OCI failure means for the person who can act on it, and whether trying again can help.
// Decided by the HTTP status and OCI's error code (`serviceCode`, from the body's "code"), never by
// the message text. OCI answers a launch without host capacity with the generic 500 InternalError
// ("Out of host capacity."): the driver tells that case apart by asking OCI's own compute capacity
// report (oracle-provider.ts), names it OutOfHostCapacity and does not try it again.

/** A failure the driver itself detects (no OCI error carries it): no image set, a launch that ended TERMINATED, … */
export class OciDriverError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'OciDriverError';
  }
}

const ADVICE: Record<string, Localized> = {
  NotAuthenticated: {
    ja: 'OCI が署名を認めませんでした。テナンシ OCID、ユーザー OCID、API キーのフィンガープリントと秘密鍵 (そのユーザーにアップロードした公開鍵と対のもの) を確認し、認証情報を置き換えてください。',
    en: 'OCI did not accept the request signature. Check the tenancy OCID, user OCID, API key fingerprint and private key (the pair of the public key uploaded for that user), then replace the credentials.',
  },
  NotAuthorizedOrNotFound: {
    ja: 'リソースが見つからないか、このユーザーに権限がありません。OCID (コンパートメント、サブネット、イメージ) を確認し、ユーザーのグループに「manage instance-family」「use virtual-network-family」「read instance-images」をコンパートメントで許可するポリシーがあるか確認してください。',
    en: 'The resource is not found, or this user may not use it. Check the OCIDs (compartment, subnet, image), and that a policy lets the user\'s group "manage instance-family", "use virtual-network-family" and "read instance-images" in the compartment.',
  },
  RelatedResourceNotAuthorizedOrNotFound: {
    ja: 'リクエストが指すサブネットまたはイメージが見つからないか、このユーザーに権限がありません。アカウントのサブネット OCID とイメージ OCID、それらを使うポリシーを確認してください。',
    en: "The subnet or image the request names is not found, or this user may not use it. Check the account's subnet and image OCIDs and the policies that let the user use them.",
  },
  LimitExceeded: {
    ja: 'テナンシのサービス制限 (このシェイプの数やコア数) に達しました。OCI コンソールで制限の引き上げを申請するか、ノードを減らすか、別のシェイプを選んでください。',
    en: "The tenancy's service limit (instances or cores of this shape) is reached. Request a limit increase in the OCI console, use fewer nodes, or choose another shape.",
  },
  QuotaExceeded: {
    ja: 'コンパートメントのクォータに達しました。テナンシの管理者にクォータの引き上げを依頼するか、ノードを減らしてください。',
    en: "The compartment's quota is reached. Ask the tenancy's administrators to raise it, or use fewer nodes.",
  },
  OutOfHostCapacity: {
    ja: 'この可用性ドメインには今、このシェイプのインスタンスを置けるホストの空きがありません (Out of host capacity)。時間をおくか、別のシェイプ (フレーバー) または可用性ドメインを選んでください。',
    en: 'The availability domain has no host capacity for this shape now (Out of host capacity). Try later, or choose another shape (flavor) or availability domain.',
  },
  InternalError: {
    ja: 'OCI の内部エラーです。時間をおいて再試行します。続く場合は OCI のサービス状況を確認してください。',
    en: "OCI had an internal error. Trying again later; if it persists, check OCI's service status.",
  },
  TooManyRequests: {
    ja: 'OCI が呼び出しを制限しています。しばらく待ってから再試行します。',
    en: 'OCI is throttling calls. Trying again after a pause.',
  },
  InvalidParameter: {
    ja: 'OCI がリクエストの値を認めませんでした。メッセージが示す項目 (シェイプ、可用性ドメイン、ブートボリュームの大きさ、固定 IP など) を確認してください。',
    en: 'OCI refused a value of the request. Check the field its message names (shape, availability domain, boot volume size, fixed IP, …).',
  },
  ImageNotSet: {
    ja: 'アカウントにノードのイメージ OCID がありません。アカウントのネットワーク設定にイメージ OCID (cloud-init と Node.js 20 以上入り) を入れてください。',
    en: "The account names no image for nodes. Add the image OCID (with cloud-init and Node.js 20 or later) to the account's network settings.",
  },
  LaunchFailed: {
    ja: 'インスタンスが起動中に終了しました (TERMINATED)。OCI コンソールでインスタンスの作業リクエストを確認してください。再試行すると新しいインスタンスを作ります。',
    en: "The instance was terminated while it was being launched. See the instance's work request in the OCI console; trying again launches a new one.",
  },
  Unreachable: {
    ja: 'OCI の API に接続できませんでした。リージョンと、ポータルからインターネット (またはプロキシ) に出られるかを確認してください。',
    en: 'The OCI API could not be reached. Check the region, and that the portal can reach the internet (or its proxy).',
  },
  ServiceUnavailable: {
    ja: 'OCI のサービスが一時的に応答できません。しばらく待ってから再試行します。',
    en: 'An OCI service is not answering properly for now. Trying again after a pause.',
  },
};

const UNKNOWN: Localized = { ja: 'OCI がエラーを返しました。メッセージを確認してください。', en: 'OCI answered with an error; see its message.' };

/** Statuses after which the same call may succeed later: OCI's own SDK retries these (DefaultRetryCondition). */
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);

export function isOciError(e: unknown, status?: number, code?: string): e is OciError {
  return e instanceof OciError && (status === undefined || e.statusCode === status) && (code === undefined || e.serviceCode === code);
}

/** OCI never answered: the SDK throws a plain object naming the request then, kept here as an Error. */
class OciUnreachable extends Error {
  constructor(failure: { message?: string; requestEndpoint?: string }) {
    super(`${failure.requestEndpoint ?? 'a request'} got no answer: ${failure.message ?? 'no details'}`);
    this.name = 'OciUnreachable';
  }
}

/** What an SDK call threw, as an Error (retrying and reporting need one). */
export function asError(e: unknown): Error {
  if (e instanceof Error) return e;
  if (typeof (e as { requestEndpoint?: unknown } | null)?.requestEndpoint === 'string') return new OciUnreachable(e as { message?: string; requestEndpoint: string });
  return new Error(String(e));
}

/** A failure that trying the same call again may cure. */
export function isTransient(e: unknown): boolean {
  if (e instanceof OciDriverError) return e.retryable;
  if (e instanceof OciError) return TRANSIENT_STATUS.has(e.statusCode);
  return e instanceof OciUnreachable;
}

function ociErrorCode(e: unknown): string {
  if (e instanceof OciDriverError) return e.code;
  if (e instanceof OciError) {
    if (e.serviceCode && e.serviceCode !== 'None') return e.serviceCode;
    return e.statusCode >= 500 ? 'ServiceUnavailable' : `HTTP ${e.statusCode}`;
  }
  return e instanceof OciUnreachable ? 'Unreachable' : 'UnknownError';
}

export interface OciFailure {
  code: string;
  retryable: boolean;
  advice: Localized;
}

export function ociFailure(e: unknown): OciFailure {
  const code = ociErrorCode(e);
  return { code, retryable: isTransient(e), advice: ADVICE[code] ?? UNKNOWN };
}

/** The failure's own words: OCI's message (with its status and code), else what the driver or the network said. */
export function ociMessage(e: unknown): string {
  if (e instanceof OciError) return `${e.statusCode} ${e.serviceCode}: ${e.message}`;
  if (e instanceof OciDriverError) return `${e.code}: ${e.message}`;
  return asError(e).message;
}
