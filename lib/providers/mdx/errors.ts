import { HttpStatusError, isNetworkFailure } from '../http';
import { ProviderError, type Localized } from '../types';

// What an mdx answer means for the person who can act on it, and whether trying again can help.
// Decided by the HTTP status and, for the few errors mdx names in its body ({"code": …}), by that
// code; never by message text. mdx's REST API answers like Django REST framework: {"detail": "…"},
// or {"<field>": ["…"]} for a request it refuses. mdx-rest-client-python documents no body for a
// shortage of resources: this driver and the test facade take `resource_shortage` (no room for the
// packs now) and `quota_exceeded` (the project's allocation is used up) in a 400's body; change
// both together once mdx's real answer is known.

export interface MdxErrorAdvice {
  retryable: boolean;
  advice: Localized;
}

const ADVICE: Record<string, MdxErrorAdvice> = {
  token_rejected: {
    retryable: false,
    advice: {
      ja: 'mdx が API トークンを受け付けませんでした (期限切れか、すでに更新された古いトークンです)。mdx ユーザポータル右上のユーザー名から「トークン発行」で新しいトークンを発行し、このアカウントの認証情報を置き換えてください。',
      en: "mdx refused the API token (expired, or an old one already refreshed). Issue a new token in the mdx user portal (your user name at the top right → トークン発行) and replace this account's credentials.",
    },
  },
  forbidden: {
    retryable: false,
    advice: {
      ja: 'このトークンのユーザーには、このプロジェクトでの操作が許されていません。プロジェクト ID と、ユーザーがそのプロジェクトのメンバーであることを確認してください。',
      en: "The token's user may not do this in the project. Check the project ID and that the user is a member of the project.",
    },
  },
  not_found: {
    retryable: false,
    advice: {
      ja: 'プロジェクト、ネットワークセグメント、カタログまたは仮想マシンが mdx に見つかりません。アカウントのプロジェクト ID、セグメント、カタログを確認してください。',
      en: "The project, network segment, catalog or VM is not found on mdx. Check the account's project ID, segment and catalog.",
    },
  },
  invalid_request: {
    retryable: false,
    advice: {
      ja: 'mdx が要求を受け付けませんでした。メッセージにある項目を確認してください (アカウントのセグメントやカタログ、フレーバーのパック数やディスク容量)。',
      en: "mdx refused the request. Check the fields its message names (the account's segment or catalog, the flavor's packs or disk size).",
    },
  },
  wrong_state: {
    retryable: true,
    advice: {
      ja: '仮想マシンがこの操作のできる状態ではありません (削除は電源オフの後だけで、別のタスクの実行中は操作できません)。状態が変わってから再試行します。',
      en: 'The VM is not in a state that allows this (it is destroyed only when powered off, and not while another task runs). Trying again once its state has changed.',
    },
  },
  // Trying the same packs again at once does not help: a person chooses.
  resource_shortage: {
    retryable: false,
    advice: {
      ja: 'mdx に、このパック数の仮想マシンを置く空きが今はありません。時間をおくか、小さいフレーバーを選ぶか、サービスレベル (spot / guarantee) を見直してください。',
      en: 'mdx has no room for a VM of this many packs now. Try later, choose a smaller flavor, or reconsider the service level (spot / guarantee).',
    },
  },
  quota_exceeded: {
    retryable: false,
    advice: {
      ja: 'プロジェクトに割り当てられた資源 (パック数・ディスク) を使い切りました。使っていない仮想マシンを削除するか、mdx に割り当ての追加を申請してください。',
      en: "The project's allocation (packs, disk) is used up. Destroy VMs no longer needed, or apply to mdx for a larger allocation.",
    },
  },
  throttled: {
    retryable: true,
    advice: { ja: 'mdx が呼び出しを制限しています。しばらく待ってから再試行します。', en: 'mdx is throttling calls. Trying again after a pause.' },
  },
  unavailable: {
    retryable: true,
    advice: { ja: 'mdx の API が一時的に応答できません。しばらく待ってから再試行します。', en: 'The mdx API cannot answer for now. Trying again after a pause.' },
  },
  unreachable: {
    retryable: true,
    advice: {
      ja: 'mdx の API (oprpl.mdx.jp) に接続できませんでした。ポータルからインターネットに出られるか、IPv4 で接続できるかを確認してください。',
      en: 'The mdx API (oprpl.mdx.jp) could not be reached. Check that the portal can reach the internet, over IPv4 too.',
    },
  },
  no_project: {
    retryable: false,
    advice: {
      ja: 'トークンのユーザーはこのプロジェクトに割り当てられていません。mdx ユーザポータルでプロジェクト ID を確認してください。',
      en: "The token's user is not assigned to this project. Check the project ID in the mdx user portal.",
    },
  },
  no_segment: {
    retryable: false,
    advice: {
      ja: 'ネットワークセグメントがこのプロジェクトにありません。mdx ユーザポータルの「ネットワーク」でセグメント ID を確認してください。',
      en: 'The network segment is not in this project. Check the segment ID under Network in the mdx user portal.',
    },
  },
  no_catalog: {
    retryable: false,
    advice: {
      ja: 'カタログがこのプロジェクトにありません。Node.js 20 以上の入ったテンプレートのカタログ ID を指定してください。',
      en: 'The catalog is not in this project. Name the catalog ID of a template with Node.js 20 or later.',
    },
  },
};

const UNKNOWN: MdxErrorAdvice = {
  retryable: false,
  advice: { ja: 'mdx がエラーを返しました。メッセージを確認してください。', en: 'mdx answered with an error; see its message.' },
};

const BY_STATUS: Record<number, string> = { 400: 'invalid_request', 401: 'token_rejected', 403: 'forbidden', 404: 'not_found', 409: 'wrong_state', 429: 'throttled' };
/** Codes mdx names in an error body; any other code in a body says less than the status does. */
const BODY_CODES = new Set(['resource_shortage', 'quota_exceeded']);

/** The code of an mdx error answer, for requestJson: the body's own when it is one mdx documents, else the status's. */
export function mdxErrorCode(body: unknown, status: number): string {
  const named = (body as { code?: unknown } | null)?.code;
  if (typeof named === 'string' && BODY_CODES.has(named)) return named;
  return BY_STATUS[status] ?? (status >= 500 ? 'unavailable' : `http_${status}`);
}

export function mdxAdvice(code: string): MdxErrorAdvice {
  return ADVICE[code] ?? UNKNOWN;
}

/** The code of any failure of an mdx call. */
export function mdxFailureCode(e: unknown): string {
  if (e instanceof ProviderError) return e.code;
  if (e instanceof HttpStatusError) return e.code;
  return isNetworkFailure(e) ? 'unreachable' : 'failed';
}

/** A failure of `doing` as a provider error: its code decides whether to retry and what to tell people. */
export function mdxError(e: unknown, doing: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const code = mdxFailureCode(e);
  const { retryable, advice } = mdxAdvice(code);
  return new ProviderError('mdx', code, `${doing}: mdx ${code}: ${(e as Error).message}`, retryable, advice);
}

/** A failure the driver itself finds, with the advice of its code. */
export function mdxProblem(code: string, what: string): ProviderError {
  const { retryable, advice } = mdxAdvice(code);
  return new ProviderError('mdx', code, `${what} (mdx ${code})`, retryable, advice);
}
