import { ProviderError, type Localized } from '../types';

// What a vSphere failure means for the person who can act on it, and whether trying again can
// help. A vim25 fault is named by its type (the xsi:type of the SOAP fault's detail, or of a task's
// info.error.fault); the tagging REST API by its vAPI error type; what the driver finds itself (a
// template the account names that is not there) by a code of its own. Never decided by message text.

/** Failures after which the same call may succeed without anyone acting: the driver tries again itself. */
const TRANSIENT = new Set(['Unreachable', 'ServiceUnavailable', 'HostCommunication', 'HostNotConnected', 'TaskInProgress']);

/** A vSphere fault, a vAPI error, or a failure the driver detects, by its type name. */
export class VmwareFault extends Error {
  constructor(
    /** The vim25 fault type (InvalidLogin, NoPermission, DuplicateName, …) or the driver's own code. */
    readonly code: string,
    message: string,
    /** Whether trying again later may succeed: a deleted object be made again. Not without capacity: a person chooses. */
    readonly retryable = TRANSIENT.has(code) || ['ManagedObjectNotFound', 'NoGuestAddress'].includes(code),
  ) {
    super(message);
    this.name = 'VmwareFault';
  }
}

export function isTransientVmware(e: unknown): boolean {
  return e instanceof VmwareFault && TRANSIENT.has(e.code);
}

/** Subtypes that share their base fault's advice (vim25: InsufficientMemoryResourcesFault extends InsufficientResourcesFault). */
function family(code: string): string {
  return /^Insufficient\w*(Resources|Capacity)Fault$|^InsufficientStorageSpace$/.test(code) ? 'InsufficientResourcesFault' : code;
}

const PRIVILEGES =
  'VirtualMachine.Provisioning.Clone, VirtualMachine.Inventory.CreateFromExisting, VirtualMachine.Inventory.Delete, VirtualMachine.Config.*, VirtualMachine.Interact.PowerOn/PowerOff, Resource.AssignVMToPool, Datastore.AllocateSpace, Network.Assign, vSphere Tagging (Create vSphere Tag, Assign or Unassign vSphere Tag, and Create vSphere Tag Category unless the ocs-portal category exists)';

const notFound = (what: Localized, field: Localized): Localized => ({
  ja: `アカウントの${field.ja}に指定した${what.ja}が vCenter にありません。vSphere Client のインベントリにある名前 (フォルダーの中ならフォルダー/名前) を指定してください。`,
  en: `vCenter has no ${what.en} by the name the account gives as its ${field.en}. Give the name shown in the vSphere Client's inventory (folder/name when it is in a folder).`,
});

const ADVICE: Record<string, Localized> = {
  InvalidLogin: {
    ja: 'vCenter がユーザー名・パスワードを認めませんでした。ユーザー名 (user@vsphere.local のようにドメイン付き) とパスワードを確認し、認証情報を置き換えてください。',
    en: 'vCenter did not accept the user name and password. Check the user name (with its domain, as in user@vsphere.local) and the password, then replace the credentials.',
  },
  NoPermission: {
    ja: `このユーザーには必要な権限がありません。vCenter の管理者に、データセンター (またはクラスタ・データストア・ネットワーク・フォルダー) で次の権限を持つロールを付けてもらってください: ${PRIVILEGES}`,
    en: `This user lacks a privilege it needs. Ask the vCenter administrators for a role with these privileges on the datacenter (or the cluster, datastore, network and folder): ${PRIVILEGES}`,
  },
  InsufficientResourcesFault: {
    ja: 'クラスタ (またはリソースプール) に、このフレーバーの CPU・メモリ・ディスクを割り当てる余裕がありません。時間をおくか、より小さいフレーバーを選ぶか、管理者に容量の追加を依頼してください。',
    en: 'The cluster (or resource pool) has no room for the CPU, memory or disk of this flavor. Try later, choose a smaller flavor, or ask the administrators for more capacity.',
  },
  NoDiskSpace: {
    ja: 'データストアに空きがありません。別のデータストアを指定するか、管理者に空き容量の確保を依頼してください。',
    en: 'The datastore is full. Name another datastore in the account, or ask the administrators to free space.',
  },
  NotEnoughLicenses: {
    ja: 'vSphere のライセンスが足りません。vCenter の管理者に確認してください。',
    en: 'vSphere has not enough licenses for this. Ask the vCenter administrators.',
  },
  DuplicateName: {
    ja: '同じフォルダーに同じ名前の別のオブジェクトがあり、ノードの VM を作れません。そのオブジェクトの名前を変えるか削除してから再試行してください。',
    en: 'Another object in the folder has the name of the node’s VM, so the VM cannot be made. Rename or remove that object, then try again.',
  },
  ManagedObjectNotFound: {
    ja: '操作の途中で vCenter のオブジェクトが削除されました。再試行してください。',
    en: 'A vCenter object was deleted while it was being worked on. Try again.',
  },
  TaskInProgress: {
    ja: 'この VM では別の操作が実行中です。しばらく待ってから再試行します。',
    en: 'Another operation is running on this VM. Trying again after a pause.',
  },
  TaskTimeout: {
    ja: 'vCenter の操作が 30 分以内に終わりませんでした。vSphere Client の「最近のタスク」で状況を確認してください。',
    en: "vCenter did not finish the operation within 30 minutes. See its state under Recent Tasks in the vSphere Client.",
  },
  HostCommunication: {
    ja: 'vCenter が ESXi ホストと通信できませんでした。しばらく待ってから再試行します。',
    en: 'vCenter could not talk to the ESXi host. Trying again after a pause.',
  },
  DatacenterNotFound: notFound({ ja: 'データセンター', en: 'datacenter' }, { ja: 'データセンター', en: 'datacenter' }),
  ClusterNotFound: notFound({ ja: 'クラスタ (またはホスト)', en: 'cluster (or host)' }, { ja: 'クラスタ', en: 'cluster' }),
  DatastoreNotFound: notFound({ ja: 'データストア', en: 'datastore' }, { ja: 'データストア', en: 'datastore' }),
  NetworkNotFound: notFound({ ja: 'ネットワーク (ポートグループ)', en: 'network (port group)' }, { ja: 'ネットワーク', en: 'network' }),
  FolderNotFound: notFound({ ja: 'VM フォルダー', en: 'VM folder' }, { ja: 'フォルダー', en: 'folder' }),
  TemplateNotFound: {
    ja: 'アカウントのテンプレート VM が vCenter にありません。VM フォルダーにあるテンプレートの名前 (フォルダーの中ならフォルダー/名前) を指定してください。テンプレートには open-vm-tools、cloud-init (VMware データソース) と Node.js 20 以上が必要です。',
    en: "vCenter has no template VM by the name the account gives. Give the name of a template in the datacenter's VM folders (folder/name when it is in a folder); it needs open-vm-tools, cloud-init (VMware datasource) and Node.js 20 or later.",
  },
  TemplateHasNoNetworkAdapter: {
    ja: 'テンプレート VM にネットワークアダプタがありません。アダプタを 1 つ付けたテンプレートを指定してください。',
    en: 'The template VM has no network adapter. Name a template with one.',
  },
  NetworkNotSupported: {
    ja: 'このネットワークの種類 (NSX の不透明ネットワークなど) には対応していません。標準または分散スイッチのポートグループを指定してください。',
    en: 'This kind of network (an NSX opaque network, say) is not supported. Name a standard or distributed switch port group.',
  },
  NoGuestAddress: {
    ja: 'VM は起動しましたが、IP アドレスが VMware Tools から報告されません。テンプレートに open-vm-tools が入っていること、ネットワークで DHCP がアドレスを配っていることを確認してください。',
    en: 'The VM started but VMware Tools reports no IP address. Check that the template has open-vm-tools and that the network hands out addresses by DHCP.',
  },
  UntrustedCertificate: {
    ja: 'vCenter の TLS 証明書を検証できませんでした。アカウントの CA 証明書に vCenter のルート CA 証明書 (https://<vCenter>/certs/download.zip にあるもの) を PEM で入れてください。',
    en: "vCenter's TLS certificate could not be verified. Put vCenter's root CA certificate (from https://<vCenter>/certs/download.zip) in the account's CA certificate, as PEM.",
  },
  Unreachable: {
    ja: 'vCenter に接続できませんでした。URL と、ポータルからそこへ出られるか (プロキシ、ファイアウォール) を確認してください。',
    en: 'vCenter could not be reached. Check the URL and that the portal can reach it (proxy, firewall).',
  },
  ServiceUnavailable: {
    ja: 'vCenter が一時的に応答できません。しばらく待ってから再試行します。',
    en: 'vCenter is not answering properly for now. Trying again after a pause.',
  },
  NotVcenter: {
    ja: 'この URL は vCenter の API (vim25 SOAP) として応答しませんでした。https://<vCenter>/sdk の形の URL を指定してください。',
    en: 'This URL did not answer as vCenter’s API (vim25 SOAP). Give a URL of the form https://<vCenter>/sdk.',
  },
};

const UNKNOWN: Localized = { ja: 'vCenter がエラーを返しました。メッセージを確認してください。', en: 'vCenter answered with an error; see its message.' };

interface VmwareFailure {
  code: string;
  retryable: boolean;
  advice: Localized;
}

export function vmwareFailure(e: unknown): VmwareFailure {
  if (!(e instanceof VmwareFault)) return { code: 'UnknownError', retryable: false, advice: UNKNOWN };
  return { code: e.code, retryable: e.retryable, advice: ADVICE[family(e.code)] ?? UNKNOWN };
}

/** A vSphere failure as a provider error: its code decides whether to retry and what to tell people. */
export function vmwareProviderError(e: unknown, doing: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const { code, retryable, advice } = vmwareFailure(e);
  return new ProviderError('vmware', code, `${doing}: vSphere ${code}: ${(e as Error).message}`, retryable, advice);
}
