import type { Localized } from '../types';

// What an Azure failure means for the person who can act on it, and whether trying again can help.
// ARM names its errors by code (RestError.code, from the body's error.code) and status; a long-running
// operation that ends Failed names its code on the VM's instance view (ProvisioningState/failed/<code>).
// @azure/identity drops Entra ID's structured error: its AADSTS number survives only in the message,
// in Entra's fixed "AADSTS<number>" form, read for the advice only (sign-in failures are never retried).

/** A failure the driver itself detects or reads off the instance view (no RestError carries it). */
export class AzureError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'AzureError';
  }
}

interface Advice {
  retryable: boolean;
  advice: Localized;
}

const fixed = (ja: string, en: string): Advice => ({ retryable: false, advice: { ja, en } });
const passing = (ja: string, en: string): Advice => ({ retryable: true, advice: { ja, en } });

const SIGN_IN = fixed(
  'Microsoft Entra ID がサインインを認めませんでした。テナント ID、クライアント ID (アプリの登録) とクライアントシークレットを確認し、認証情報を置き換えてください。',
  'Microsoft Entra ID refused the sign-in. Check the tenant ID, the client ID (app registration) and the client secret, then replace the credentials.',
);
// Trying the same size in the same region again at once does not help: a person chooses.
const CAPACITY = fixed(
  'このリージョンに、この VM サイズの空きがありません。時間をおくか、別のフレーバー (VM サイズ) またはリージョンを選んでください。',
  'The region has no capacity for this VM size now. Try later, or choose another flavor (VM size) or region.',
);
const QUOTA = fixed(
  'サブスクリプションの vCPU クォータ (リージョン全体または VM ファミリー) を超えます。Azure portal の「使用量 + クォータ」で引き上げを申請するか、ノードを減らしてください。',
  "The subscription's vCPU quota (regional or per VM family) would be exceeded. Ask for more under Usage + quotas in the Azure portal, or use fewer nodes.",
);
const IMAGE = fixed(
  'ノードのイメージが見つかりません。アカウントのイメージ (ギャラリーイメージの ID、または publisher:offer:sku:version) が、このリージョンで使えるか確認してください。',
  "The node image is not found. Check that the account's image (a gallery image ID, or publisher:offer:sku:version) is available in this region.",
);
const SUBNET = fixed(
  '仮想ネットワークまたはサブネットが見つかりません。リソースグループ、仮想ネットワーク名、サブネット名と、それがアカウントのリージョンにあることを確認してください。',
  "The virtual network or subnet is not found. Check the resource group, the virtual network and subnet names, and that they are in the account's region.",
);

const ADVICE: Record<string, Advice> = {
  AuthenticationFailed: SIGN_IN,
  AADSTS7000215: fixed('クライアントシークレットが違います。アプリの登録にある有効なシークレットの「値」(シークレット ID ではなく) で認証情報を置き換えてください。', 'The client secret is wrong. Replace the credentials with the value (not the secret ID) of a valid secret of the app registration.'),
  AADSTS7000222: fixed('クライアントシークレットの有効期限が切れています。アプリの登録で新しいシークレットを作り、認証情報を置き換えてください。', 'The client secret has expired. Make a new secret in the app registration and replace the credentials.'),
  AADSTS700016: fixed('このテナントにそのクライアント ID のアプリがありません。クライアント ID とテナント ID を確認してください。', 'The tenant has no application with this client ID. Check the client ID and the tenant ID.'),
  AADSTS90002: fixed('テナントが見つかりません。テナント ID (ディレクトリ ID) を確認してください。', 'The tenant is not found. Check the tenant ID (directory ID).'),
  AuthorityUnavailable: fixed(
    'Microsoft Entra ID からテナントのサインイン情報を得られませんでした。テナント ID と、ポータルから login.microsoftonline.com に出られるかを確認してください。',
    "Microsoft Entra ID gave no sign-in endpoints for the tenant. Check the tenant ID and that the portal can reach login.microsoftonline.com.",
  ),
  InvalidAuthenticationToken: SIGN_IN,
  InvalidAuthenticationTokenTenant: fixed('サブスクリプションが、このテナントのものではありません。サブスクリプション ID とテナント ID の組を確認してください。', 'The subscription is not in this tenant. Check that the subscription ID and the tenant ID belong together.'),
  SubscriptionNotFound: fixed('サブスクリプションが見つかりません。サブスクリプション ID を確認してください。', 'The subscription is not found. Check the subscription ID.'),
  AuthorizationFailed: fixed(
    'アプリ (サービスプリンシパル) にこのリソースグループでの権限がありません。リソースグループに「仮想マシン共同作成者」と「ネットワーク共同作成者」(または「共同作成者」) のロールを割り当ててください。',
    'The app (service principal) lacks permissions on the resource group. Assign it the Virtual Machine Contributor and Network Contributor roles (or Contributor) there.',
  ),
  ResourceGroupNotFound: fixed('リソースグループが見つかりません。名前と、サブスクリプションが正しいかを確認してください。', 'The resource group is not found. Check its name and that the subscription is the right one.'),
  InvalidResourceReference: SUBNET,
  SubnetNotFound: SUBNET,
  SkuNotAvailable: fixed(
    'この VM サイズは、このリージョン (またはサブスクリプション) では使えません。別のフレーバーかリージョンを選んでください (az vm list-skus で確認できます)。',
    'This VM size is not offered in this region (or to this subscription). Choose another flavor or region (az vm list-skus lists them).',
  ),
  AllocationFailed: CAPACITY,
  ZonalAllocationFailed: CAPACITY,
  OverconstrainedAllocationRequest: CAPACITY,
  OperationNotAllowed: QUOTA,
  QuotaExceeded: QUOTA,
  ImageNotFound: IMAGE,
  PlatformImageNotFound: IMAGE,
  GalleryImageNotFound: IMAGE,
  ImageNotSet: fixed(
    'アカウントにノードのイメージがありません。アカウントのネットワーク設定に、cloud-init と Node.js 20 以上入りのイメージ (ギャラリーイメージの ID か publisher:offer:sku:version) を入れてください。',
    "The account names no image for nodes. Add one with cloud-init and Node.js 20 or later to the account's network settings (a gallery image ID or publisher:offer:sku:version).",
  ),
  InvalidParameter: fixed('Azure が要求の値を認めませんでした (対象はメッセージにあります)。フレーバーの VM サイズ、ディスクの種類と大きさを確認してください。', "Azure refused a value of the request (the message names which). Check the flavor's VM size, disk type and size."),
  TooManyRequests: passing('Azure が呼び出しを制限しています。しばらく待ってから再試行します。', 'Azure is throttling calls. Trying again after a pause.'),
  ServiceUnavailable: passing('Azure が一時的に応答できません。しばらく待ってから再試行します。', 'Azure is not answering properly for now. Trying again after a pause.'),
  Unreachable: passing('Azure に接続できませんでした。ポータルから management.azure.com (またはプロキシ) に出られるか確認してください。', 'Azure could not be reached. Check that the portal can reach management.azure.com (or its proxy).'),
};

const UNKNOWN: Advice = fixed('Azure がエラーを返しました。メッセージを確認してください。', 'Azure answered with an error; see its message.');

export interface AzureFailure {
  code: string;
  retryable: boolean;
  advice: Localized;
}

type Thrown = { name?: string; code?: string; statusCode?: number; message?: string };

/** The code of a failure: ARM's own, the status's when it names none, or the sign-in's. */
function codeOf(e: Thrown): string {
  if (e instanceof AzureError) return e.code;
  if (e.name === 'RestError') {
    const status = e.statusCode;
    if (status === undefined) return 'Unreachable';
    if (status === 429) return e.code ?? 'TooManyRequests';
    if (status >= 500) return e.code && ADVICE[e.code] ? e.code : 'ServiceUnavailable';
    return e.code ?? `HTTP ${status}`;
  }
  // No token: Entra ID answered no endpoints for the tenant (CredentialUnavailableError), or refused the client.
  if (e.name === 'CredentialUnavailableError') return 'AuthorityUnavailable';
  if (e.name === 'AuthenticationError' || e.name === 'AuthenticationRequiredError') {
    const aadsts = /\bAADSTS(\d+)\b/.exec(e.message ?? '')?.[0];
    return aadsts && ADVICE[aadsts] ? aadsts : 'AuthenticationFailed';
  }
  return 'UnknownError';
}

export function azureFailure(e: unknown): AzureFailure {
  const err = (e ?? {}) as Thrown;
  const code = codeOf(err);
  const known = ADVICE[code] ?? UNKNOWN;
  // A code this table knows decides (no capacity stays fixed, whatever its status); else throttling
  // and server errors pass. An AzureError says for itself.
  const transient = err.name === 'RestError' && (err.statusCode === undefined || err.statusCode === 429 || err.statusCode >= 500);
  const retryable = e instanceof AzureError ? e.retryable || known.retryable : (ADVICE[code]?.retryable ?? transient);
  return { code, retryable, advice: known.advice };
}
