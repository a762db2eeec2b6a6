import { HttpStatusError, isNetworkFailure } from '../http';
import type { Localized } from '../types';

// What a Sakura Cloud error means for the person who can act on it, and whether trying again can
// help. Decided by the `error_code` of the API's error body (the codes Sakura's own SDKs name), then
// by the HTTP status when the code is one this table does not know; never by the message text.

export interface SakuraErrorAdvice {
  retryable: boolean;
  advice: Localized;
}

const UNAUTHORIZED: SakuraErrorAdvice = {
  retryable: false,
  advice: {
    ja: 'アクセストークンとシークレットがさくらのクラウドに認められませんでした。コントロールパネルの「APIキー」で有効なキーを確認し、認証情報を置き換えてください。',
    en: 'Sakura Cloud did not accept the access token and secret. Check the key under "API keys" in the control panel, then replace the credentials.',
  },
};

const FORBIDDEN: SakuraErrorAdvice = {
  retryable: false,
  advice: {
    ja: 'この API キーには必要な権限がありません。アクセスレベル「作成・削除」のキーを発行し、このゾーンを操作できるプロジェクトのものか確認してください。',
    en: 'This API key lacks the permission needed. Issue a key with the "create and delete" access level, for a project that can use this zone.',
  },
};

const NOT_FOUND: SakuraErrorAdvice = {
  retryable: false,
  advice: {
    ja: '指定したリソース (スイッチまたはアーカイブ) がこのゾーンに見つかりません。ID とゾーンを確認してください。',
    en: 'The resource named (switch or archive) is not found in this zone. Check its ID and the zone.',
  },
};

const QUOTA: SakuraErrorAdvice = {
  retryable: false,
  advice: {
    ja: 'アカウントまたはゾーンのリソース上限に達しました。使っていないサーバやディスクを削除するか、さくらインターネットに上限の緩和を申請するか、ノードを減らしてください。',
    en: 'The account or zone limit is reached. Delete unused servers or disks, ask Sakura Internet to raise the limit, or use fewer nodes.',
  },
};

// Sakura answers 503, but trying the same zone again at once does not help: a person chooses.
const CAPACITY: SakuraErrorAdvice = {
  retryable: false,
  advice: {
    ja: 'このゾーンには今、必要な資源 (ディスク、アドレス、ホスト) の空きがありません。時間をおくか、別のゾーンのアカウントまたは小さいフレーバーを選んでください。',
    en: 'The zone has no capacity (disks, addresses, hosts) for this now. Try later, or choose an account in another zone or a smaller flavor.',
  },
};

const BUSY: SakuraErrorAdvice = {
  retryable: true,
  advice: { ja: 'さくらのクラウドが混み合っているか、呼び出しを制限しています。しばらく待ってから再試行します。', en: 'Sakura Cloud is busy or throttling calls. Trying again after a pause.' },
};

const REFUSED: SakuraErrorAdvice = {
  retryable: false,
  advice: {
    ja: 'さくらのクラウドが要求を受け付けませんでした。アーカイブ、スイッチ、フレーバーの設定をメッセージと照らして確認してください。',
    en: 'Sakura Cloud refused the request. Check the archive, switch and flavor against its message.',
  },
};

const UNREACHABLE: SakuraErrorAdvice = {
  retryable: true,
  advice: {
    ja: 'さくらのクラウドの API (secure.sakura.ad.jp) に接続できませんでした。ポータルからインターネット (またはプロキシ) に出られるか確認してください。',
    en: 'The Sakura Cloud API (secure.sakura.ad.jp) could not be reached. Check that the portal can reach the internet (or its proxy).',
  },
};

const UNKNOWN: SakuraErrorAdvice = {
  retryable: false,
  advice: { ja: 'さくらのクラウドがエラーを返しました。メッセージを確認してください。', en: 'Sakura Cloud answered with an error; see its message.' },
};

const BY_CODE: Record<string, SakuraErrorAdvice> = {
  unauthorized: UNAUTHORIZED,
  forbidden: FORBIDDEN,
  access_apikey_disabled: FORBIDDEN,
  access_staff: FORBIDDEN,
  access_xhr_or_apikey: FORBIDDEN,
  not_found: NOT_FOUND,
  param_res_not_found: NOT_FOUND,
  limit_count_in_account: QUOTA,
  limit_count_in_member: QUOTA,
  limit_count_in_zone: QUOTA,
  limit_memory_in_account: QUOTA,
  limit_size_in_account: QUOTA,
  disk_stock_run_out: CAPACITY,
  run_out_of_ipaddress: CAPACITY,
  host_operation_failure: CAPACITY,
  busy: BUSY,
  too_many_request: BUSY,
  too_many_requests: BUSY,
  service_temporarily_unavailable: BUSY,
  operation_timeout: BUSY,
  apiproxy_timeout: BUSY,
  still_creating: BUSY,
  locked: BUSY,
  missing_param: REFUSED,
  invalid_format: REFUSED,
  invalid_param_comb: REFUSED,
  bad_request: REFUSED,
};

const BY_STATUS: Record<number, SakuraErrorAdvice> = { 400: REFUSED, 401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND, 423: BUSY, 429: BUSY, 502: BUSY, 503: BUSY, 504: BUSY };

export interface ExplainedSakuraError extends SakuraErrorAdvice {
  /** The API's `error_code`, `HTTP <status>` when the body named none, or "NetworkError" when it never answered. */
  code: string;
}

/** Whether trying again may help, when the error's `error_code` is one this table knows; else undefined (its status decides). */
export function sakuraCodeRetryable(code: string): boolean | undefined {
  return BY_CODE[code]?.retryable;
}

export function explainSakuraError(e: unknown): ExplainedSakuraError {
  if (e instanceof HttpStatusError) return { code: e.code, ...(BY_CODE[e.code] ?? BY_STATUS[e.status] ?? UNKNOWN) };
  if (isNetworkFailure(e)) return { code: 'NetworkError', ...UNREACHABLE };
  return { code: (e as Error).name ?? 'UnknownError', ...UNKNOWN };
}

/** The `error_code` of Sakura's error body: {"is_fatal":true,"serial":"…","status":"404 Not Found","error_code":"not_found","error_msg":"…"}. */
export function errorCodeOfBody(body: unknown): string | undefined {
  const code = (body as { error_code?: unknown } | null)?.error_code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}
