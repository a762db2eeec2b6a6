import { z } from 'zod';

// What an organization's account on each cloud holds: its credentials (sealed at rest, never shown
// again), its region or zone, and the network its nodes join, in the provider's own terms (OCS's
// VPN catalog). Each field's message says what is accepted.

const text = (max = 256) =>
  z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(max, `must be at most ${max} characters`);
const secret = (min: number) =>
  z
    .string({ error: 'is required' })
    .min(1, 'is required')
    .min(min, `must be at least ${min} characters`)
    .max(16_384, 'is too long');
const pattern = (re: RegExp, message: string, max = 256) => text(max).regex(re, message);
const uuid = z
  .string({ error: 'is required' })
  .trim()
  .regex(/^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/, 'must be a GUID such as 00000000-0000-0000-0000-000000000000');
const ocid = (kind: string) => pattern(new RegExp(`^ocid1\\.${kind}\\.[a-z0-9-]*\\.[a-z0-9-]*\\.[a-z0-9]+$`), `must be an OCID of a ${kind} (ocid1.${kind}.oc1..…)`);
const httpsUrl = text(2048).refine((u) => URL.canParse(u) && new URL(u).protocol === 'https:', 'must be an https:// URL');

type Fields = z.ZodObject<Record<string, z.ZodType<string | undefined>>>;

/** The fields given (an optional one left out is not stored as undefined). */
export function given(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));
}

export interface AccountFields {
  credentials: Fields;
  network: Fields;
  /** The region or zone: required, optional, or not a thing this provider has. */
  region: z.ZodType<string | null>;
  /** What identifies the credentials without revealing them. */
  hint: (credentials: Record<string, string>) => string;
}

const SAKURA_ZONES = ['tk1a', 'tk1b', 'is1a', 'is1b', 'is1c', 'tk1v'] as const;

const none = z.preprocess((v) => (v === '' || v === undefined ? null : v), z.null({ error: 'this provider has no regions' }));
const required = (re: RegExp, example: string) => pattern(re, `must be a region or zone such as ${example}`, 64);

export const ACCOUNT_FIELDS: Record<string, AccountFields> = {
  aws: {
    credentials: z.strictObject({
      accessKeyId: pattern(/^[A-Z0-9]{16,128}$/, 'must be an access key id (AKIA…)'),
      secretAccessKey: secret(16),
    }),
    network: z.strictObject({
      subnetId: pattern(/^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id (subnet-…)'),
      securityGroupId: pattern(/^sg-[0-9a-f]{8,17}$/, 'must be a security group id (sg-…)'),
      // The machine image nodes boot: it needs Node.js 20 or later for the node agent.
      imageId: pattern(/^ami-[0-9a-f]{8,17}$/, 'must be an AMI id (ami-…)'),
    }),
    region: required(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'ap-northeast-1'),
    hint: (c) => c.accessKeyId!,
  },
  azure: {
    credentials: z.strictObject({ tenantId: uuid, clientId: uuid, clientSecret: secret(8), subscriptionId: uuid }),
    network: z.strictObject({
      resourceGroup: text(90),
      virtualNetwork: text(64),
      subnet: text(80),
      // The image nodes boot: cloud-init and Node.js 20 or later for the node agent.
      imageId: text(1024).refine((v) => v.startsWith('/subscriptions/') || /^[^:\s]+:[^:\s]+:[^:\s]+:[^:\s]+$/.test(v), 'must be an image ID (/subscriptions/…) or publisher:offer:sku:version'),
    }),
    region: required(/^[a-z0-9]+$/, 'japaneast'),
    hint: (c) => `client ${c.clientId}`,
  },
  oracle: {
    credentials: z.strictObject({
      tenancyId: ocid('tenancy'),
      userId: ocid('user'),
      fingerprint: pattern(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/, 'must be the API key fingerprint (aa:bb:…, 16 pairs)'),
      privateKey: secret(64).refine((k) => k.includes('PRIVATE KEY-----'), 'must be a PEM private key (-----BEGIN … PRIVATE KEY-----)'),
    }),
    network: z.strictObject({
      compartmentId: ocid('compartment'),
      subnetId: ocid('subnet'),
      availabilityDomain: text(128),
      // The image nodes boot: it needs cloud-init and Node.js 20 or later for the node agent.
      imageId: ocid('image'),
    }),
    region: required(/^[a-z]{2}-[a-z]+-\d$/, 'ap-tokyo-1'),
    hint: (c) => `key ${c.fingerprint}`,
  },
  sakura: {
    credentials: z.strictObject({ accessToken: text(128), accessTokenSecret: secret(16) }),
    network: z.strictObject({
      switchId: pattern(/^\d{12}$/, 'must be a switch id (12 digits)').optional(),
      // The disk nodes are copied from: cloud-init ready, with Node.js 20 or later for the node agent.
      archiveId: pattern(/^\d{12}$/, 'must be an archive id (12 digits)'),
    }),
    region: z.enum(SAKURA_ZONES, { error: 'must be a zone: tk1a, tk1b, is1a, is1b, is1c or tk1v (the sandbox)' }),
    hint: (c) => `token ${c.accessToken!.slice(0, 8)}…`,
  },
  vmware: {
    credentials: z.strictObject({
      url: httpsUrl,
      username: text(128),
      password: secret(1),
      // vCenter's root CA (VMCA, from https://<vcenter>/certs/download.zip) when the system's CAs do not sign its certificate.
      caCertificate: text(16_384)
        .refine((c) => c.includes('-----BEGIN CERTIFICATE-----'), 'must be a PEM certificate (-----BEGIN CERTIFICATE-----)')
        .optional(),
    }),
    network: z.strictObject({ datacenter: text(), cluster: text(), datastore: text(), network: text(), template: text(), folder: text().optional() }),
    region: none,
    hint: (c) => `${c.username} at ${new URL(c.url!).host}`,
  },
  mdx: {
    credentials: z.strictObject({ token: secret(20) }),
    network: z.strictObject({
      projectId: text(64),
      networkSegment: text(64),
      // The template nodes are deployed from: it needs Node.js 20 or later for the node agent.
      catalog: uuid,
      serviceLevel: z.enum(['spot', 'guarantee'], { error: 'must be spot or guarantee' }).optional(),
    }),
    region: none,
    hint: () => 'API token',
  },
  openstack: {
    credentials: z.strictObject({
      authUrl: httpsUrl,
      username: text(255),
      password: secret(1),
      projectName: text(64),
      userDomain: text(64).default('Default'),
      projectDomain: text(64).default('Default'),
    }),
    network: z.strictObject({
      networkId: text(64),
      securityGroup: text(255).default('default'),
      // The Glance image nodes boot: it needs cloud-init and Node.js 20 or later for the node agent.
      imageId: uuid,
    }),
    region: z.preprocess((v) => (v === '' ? null : v), z.string().trim().max(64, 'must be at most 64 characters').nullable().default(null)),
    hint: (c) => `${c.username} in ${c.projectName}`,
  },
};

/** Providers whose driver has a connection test (lib/providers/account-check.ts). */
export const TESTABLE_PROVIDERS = ['aws', 'azure', 'sakura', 'mdx', 'openstack', 'oracle', 'vmware'];

// ── the add form ───────────────────────────────────────────────────────────────────────────

type Localized = { ja: string; en: string };

/** How the form shows a field: its label, and whether it is a secret (masked, never shown again) or long text. */
const FIELD_TEXT: Record<string, { label: Localized; secret?: true; multiline?: true; placeholder?: string }> = {
  accessKeyId: { label: { ja: 'アクセスキー ID', en: 'Access key ID' }, placeholder: 'AKIA…' },
  secretAccessKey: { label: { ja: 'シークレットアクセスキー', en: 'Secret access key' }, secret: true },
  subnetId: { label: { ja: 'サブネット ID', en: 'Subnet ID' }, placeholder: 'subnet-…' },
  securityGroupId: { label: { ja: 'セキュリティグループ ID', en: 'Security group ID' }, placeholder: 'sg-…' },
  imageId: { label: { ja: 'ノードの AMI (Node.js 20 以上入り)', en: 'Node AMI (with Node.js 20 or later)' }, placeholder: 'ami-…' },
  tenantId: { label: { ja: 'テナント ID', en: 'Tenant ID' } },
  clientId: { label: { ja: 'クライアント ID', en: 'Client ID' } },
  clientSecret: { label: { ja: 'クライアントシークレット', en: 'Client secret' }, secret: true },
  subscriptionId: { label: { ja: 'サブスクリプション ID', en: 'Subscription ID' } },
  resourceGroup: { label: { ja: 'リソースグループ', en: 'Resource group' } },
  virtualNetwork: { label: { ja: '仮想ネットワーク', en: 'Virtual network' } },
  subnet: { label: { ja: 'サブネット', en: 'Subnet' } },
  tenancyId: { label: { ja: 'テナンシ OCID', en: 'Tenancy OCID' }, placeholder: 'ocid1.tenancy.oc1..…' },
  userId: { label: { ja: 'ユーザー OCID', en: 'User OCID' }, placeholder: 'ocid1.user.oc1..…' },
  fingerprint: { label: { ja: 'API キーのフィンガープリント', en: 'API key fingerprint' }, placeholder: 'aa:bb:…' },
  privateKey: { label: { ja: 'API 秘密鍵 (PEM)', en: 'API private key (PEM)' }, secret: true, multiline: true },
  compartmentId: { label: { ja: 'コンパートメント OCID', en: 'Compartment OCID' } },
  availabilityDomain: { label: { ja: '可用性ドメイン', en: 'Availability domain' } },
  accessToken: { label: { ja: 'アクセストークン', en: 'Access token' } },
  accessTokenSecret: { label: { ja: 'アクセストークンシークレット', en: 'Access token secret' }, secret: true },
  switchId: { label: { ja: 'スイッチ ID (任意)', en: 'Switch ID (optional)' } },
  archiveId: { label: { ja: 'ノードのアーカイブ ID (cloud-init 対応、Node.js 20 以上入り)', en: 'Node archive ID (cloud-init ready, with Node.js 20 or later)' } },
  url: { label: { ja: 'vCenter の URL', en: 'vCenter URL' }, placeholder: 'https://vcenter.example.ac.jp/sdk' },
  username: { label: { ja: 'ユーザー名', en: 'User name' } },
  password: { label: { ja: 'パスワード', en: 'Password' }, secret: true },
  datacenter: { label: { ja: 'データセンター', en: 'Datacenter' } },
  cluster: { label: { ja: 'クラスタ', en: 'Cluster' } },
  datastore: { label: { ja: 'データストア', en: 'Datastore' } },
  network: { label: { ja: 'ネットワーク (ポートグループ)', en: 'Network (port group)' } },
  template: { label: { ja: 'テンプレート VM', en: 'Template VM' } },
  token: { label: { ja: 'API トークン', en: 'API token' }, secret: true },
  projectId: { label: { ja: 'プロジェクト ID', en: 'Project ID' } },
  networkSegment: { label: { ja: 'ネットワークセグメント', en: 'Network segment' } },
  authUrl: { label: { ja: 'Keystone の URL', en: 'Keystone URL' }, placeholder: 'https://keystone.example.ac.jp/v3' },
  projectName: { label: { ja: 'プロジェクト名', en: 'Project name' } },
  userDomain: { label: { ja: 'ユーザードメイン', en: 'User domain' }, placeholder: 'Default' },
  projectDomain: { label: { ja: 'プロジェクトドメイン', en: 'Project domain' }, placeholder: 'Default' },
  networkId: { label: { ja: 'ネットワーク ID', en: 'Network ID' } },
  securityGroup: { label: { ja: 'セキュリティグループ', en: 'Security group' }, placeholder: 'default' },
  caCertificate: { label: { ja: 'CA 証明書 (任意、PEM)', en: 'CA certificate (optional, PEM)' }, multiline: true },
  folder: { label: { ja: 'VM フォルダー (任意)', en: 'VM folder (optional)' } },
  catalog: { label: { ja: 'カタログ ID (Node.js 20 以上入りのテンプレート)', en: 'Catalog ID (a template with Node.js 20 or later)' } },
  serviceLevel: { label: { ja: 'サービスレベル (任意: spot / guarantee)', en: 'Service level (optional: spot / guarantee)' }, placeholder: 'spot' },
};

/** Where one provider names a field the way no other does. */
const PROVIDER_FIELD_TEXT: Record<string, typeof FIELD_TEXT> = {
  openstack: { imageId: { label: { ja: 'ノードのイメージ ID (cloud-init と Node.js 20 以上入り)', en: 'Node image ID (with cloud-init and Node.js 20 or later)' } } },
  azure: {
    imageId: { label: { ja: 'ノードのイメージ (cloud-init と Node.js 20 以上入り: イメージ ID か publisher:offer:sku:version)', en: 'Node image (with cloud-init and Node.js 20 or later: an image ID or publisher:offer:sku:version)' }, placeholder: '/subscriptions/…/galleries/…/images/…' },
  },
  vmware: {
    template: { label: { ja: 'テンプレート VM (open-vm-tools・cloud-init・Node.js 20 以上入り)', en: 'Template VM (with open-vm-tools, cloud-init and Node.js 20 or later)' } },
  },
  oracle: {
    imageId: { label: { ja: 'ノードのイメージ OCID (cloud-init と Node.js 20 以上入り)', en: 'Node image OCID (with cloud-init and Node.js 20 or later)' }, placeholder: 'ocid1.image.oc1..…' },
    subnetId: { label: { ja: 'サブネット OCID', en: 'Subnet OCID' }, placeholder: 'ocid1.subnet.oc1..…' },
  },
};

export interface AccountFormField {
  key: string;
  label: Localized;
  secret: boolean;
  multiline: boolean;
  optional: boolean;
  placeholder?: string;
}

export interface AccountForm {
  provider: string;
  region: { kind: 'required' | 'optional' | 'none'; options?: string[]; placeholder?: string };
  credentials: AccountFormField[];
  network: AccountFormField[];
}

function formFields(provider: string, fields: Fields): AccountFormField[] {
  return Object.entries(fields.shape).map(([key, schema]) => {
    const text = PROVIDER_FIELD_TEXT[provider]?.[key] ?? FIELD_TEXT[key] ?? { label: { ja: key, en: key } };
    return { key, label: text.label, secret: !!text.secret, multiline: !!text.multiline, optional: schema.safeParse(undefined).success, ...(text.placeholder ? { placeholder: text.placeholder } : {}) };
  });
}

const REGION_EXAMPLE: Record<string, string> = { aws: 'ap-northeast-1', azure: 'japaneast', oracle: 'ap-tokyo-1', openstack: 'RegionOne' };

/** The add form of each provider that takes accounts, read off the same schemas that check what is sent. */
export function accountForms(): AccountForm[] {
  return Object.entries(ACCOUNT_FIELDS).map(([provider, fields]) => {
    const kind = fields.region.safeParse(null).success ? (fields.region.safeParse('x').success ? 'optional' : 'none') : 'required';
    const region: AccountForm['region'] = provider === 'sakura' ? { kind, options: [...SAKURA_ZONES] } : { kind, ...(REGION_EXAMPLE[provider] ? { placeholder: REGION_EXAMPLE[provider] } : {}) };
    return { provider, region, credentials: formFields(provider, fields.credentials), network: formFields(provider, fields.network) };
  });
}
