import type { Localized } from '../types';

// What an EC2 error code means for the person who can act on it, and whether trying again can
// help. Decided by the code AWS sends, never by its message text.

export interface Ec2ErrorAdvice {
  retryable: boolean;
  advice: Localized;
}

// No capacity: EC2 answers 500, but trying the same launch again at once does not help; a person chooses.
const CAPACITY: Ec2ErrorAdvice = {
  retryable: false,
  advice: { ja: 'このアベイラビリティーゾーンに、この種類のインスタンスの空きがありません。時間をおくか、別のフレーバーまたはサブネット (ゾーン) を選んでください。', en: 'The Availability Zone has no capacity for this instance type now. Try later, or choose another flavor or subnet (zone).' },
};

const IMAGE: Ec2ErrorAdvice = {
  retryable: false,
  advice: { ja: 'アカウントの AMI がこのリージョンに見つからないか、使えません。AMI ID (cloud-init と Node.js 20 以上入り) とリージョンを確認してください。', en: "The account's AMI is not found or not usable in this region. Check the AMI ID (with cloud-init and Node.js 20 or later) and the region." },
};

const ADVICE: Record<string, Ec2ErrorAdvice> = {
  AuthFailure: {
    retryable: false,
    advice: { ja: 'アクセスキー ID が AWS に認められませんでした。IAM のアクセスキーが有効か確認し、認証情報を置き換えてください。', en: 'AWS did not accept the access key ID. Check that the IAM access key is active, then replace the credentials.' },
  },
  SignatureDoesNotMatch: {
    retryable: false,
    advice: { ja: 'シークレットアクセスキーが一致しません。正しいシークレットで認証情報を置き換えてください。', en: 'The secret access key does not match. Replace the credentials with the right secret.' },
  },
  UnauthorizedOperation: {
    retryable: false,
    advice: { ja: 'この IAM ユーザーには必要な EC2 の権限がありません。ec2:Describe*、RunInstances、Start/Stop/TerminateInstances、CreateTags を許可してください。', en: 'This IAM user lacks the EC2 permissions needed: allow ec2:Describe*, RunInstances, Start/Stop/TerminateInstances and CreateTags.' },
  },
  OptInRequired: {
    retryable: false,
    advice: { ja: 'このリージョンはアカウントで有効になっていません。AWS コンソールで有効にするか、別のリージョンを選んでください。', en: 'This region is not enabled for the account. Enable it in the AWS console or choose another region.' },
  },
  'InvalidSubnetID.NotFound': {
    retryable: false,
    advice: { ja: 'サブネットがこのリージョンに見つかりません。サブネット ID とリージョンを確認してください。', en: 'The subnet is not found in this region. Check the subnet ID and the region.' },
  },
  'InvalidGroup.NotFound': {
    retryable: false,
    advice: { ja: 'セキュリティグループが見つかりません。ID を確認してください (サブネットと同じ VPC のもの)。', en: 'The security group is not found. Check its ID (it must be in the subnet\'s VPC).' },
  },
  RequestLimitExceeded: {
    retryable: true,
    advice: { ja: 'AWS が呼び出しを制限しています。しばらく待ってから再試行します。', en: 'AWS is throttling calls. Trying again after a pause.' },
  },
  InsufficientInstanceCapacity: CAPACITY,
  InsufficientHostCapacity: CAPACITY,
  InsufficientCapacity: CAPACITY,
  InsufficientAddressCapacity: CAPACITY,
  InsufficientFreeAddressesInSubnet: {
    retryable: false,
    advice: { ja: 'サブネットに空きの IP アドレスがありません。使っていないインスタンスやネットワークインターフェースを削除するか、大きいサブネットを選んでください。', en: 'The subnet has no free IP addresses. Remove instances or network interfaces no longer needed, or choose a larger subnet.' },
  },
  'InvalidAMIID.NotFound': IMAGE,
  'InvalidAMIID.Malformed': IMAGE,
  'InvalidAMIID.Unavailable': IMAGE,
  VcpuLimitExceeded: {
    retryable: false,
    advice: { ja: 'アカウントの vCPU 数の上限 (オンデマンドまたはスポット) に達しました。AWS で上限の引き上げを申請するか、ノードを減らすか、小さいフレーバーを選んでください。', en: "The account's vCPU limit (on-demand or spot) is reached. Ask AWS to raise it, use fewer nodes, or choose a smaller flavor." },
  },
  UnsupportedOperation: {
    retryable: false,
    advice: { ja: 'EC2 はこの操作を受け付けません (使い捨てのスポットインスタンスは停止できません)。電源オフが必要なら、スポットでない aws で構築してください。', en: 'EC2 does not allow this (a one-time spot instance cannot be stopped). Build on aws, not aws_spot, where nodes must be powered off.' },
  },
  MaxSpotInstanceCountExceeded: {
    retryable: false,
    advice: { ja: 'アカウントのスポットインスタンス数の上限に達しました。AWS で上限の引き上げを申請するか、ノードを減らしてください。', en: 'The account\'s spot instance limit is reached. Ask AWS to raise it, or use fewer nodes.' },
  },
  InstanceLimitExceeded: {
    retryable: false,
    advice: { ja: 'アカウントのインスタンス数の上限に達しました。AWS で上限の引き上げを申請するか、ノードを減らしてください。', en: 'The account\'s instance limit is reached. Ask AWS to raise the quota, or use fewer nodes.' },
  },
};

const UNREACHABLE: Ec2ErrorAdvice = {
  retryable: true,
  advice: { ja: 'EC2 のエンドポイントに接続できませんでした。ポータルからインターネット (またはプロキシ) に出られるか確認してください。', en: 'The EC2 endpoint could not be reached. Check that the portal can reach the internet (or its proxy).' },
};

const UNKNOWN: Localized = { ja: 'AWS がエラーを返しました。メッセージを確認してください。', en: 'AWS answered with an error; see its message.' };

/** The code of an EC2 error (SDK v3 names the error by it), or "NetworkError" when AWS never answered. */
export function ec2ErrorCode(e: unknown): string {
  const err = e as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  if (err.$metadata?.httpStatusCode) return err.name ?? 'UnknownError';
  return err.code && /^E[A-Z]+$/.test(err.code) ? 'NetworkError' : (err.name ?? 'UnknownError');
}

/** What a code this table knows says; a code it does not know may still pass when AWS's status (5xx) says so. */
export function ec2Advice(code: string, status?: number): Ec2ErrorAdvice {
  if (code === 'NetworkError') return UNREACHABLE;
  return ADVICE[code] ?? { retryable: status !== undefined && status >= 500, advice: UNKNOWN };
}

/** An error whose EC2 code says trying again will not help, whatever its status: no retry at all. */
export function isFinalEc2Error(e: unknown): boolean {
  return ADVICE[ec2ErrorCode(e)]?.retryable === false;
}

export function ec2Failure(e: unknown): Ec2ErrorAdvice & { code: string } {
  const code = ec2ErrorCode(e);
  return { code, ...ec2Advice(code, (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode) };
}
