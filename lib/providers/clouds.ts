import type { ProviderInfo } from './types';

// The clouds OCS builds on, with the flavors of OCS's shipped vcp_flavor.yml (ocs-domain.md §1.7)
// and the region their prices are looked up in. Where a cloud has no driver yet, plans show what a
// build there would create (with prices where known), and builds wait for the driver.


export const CLOUD_PROVIDERS: ProviderInfo[] = [
  {
    id: 'aws',
    fixedIps: true,
    label: { ja: 'Amazon Web Services', en: 'Amazon Web Services' },
    region: 'ap-northeast-1',
    // Nodes are EC2 instances in the organization's default AWS account (lib/providers/aws).
    available: true,
    power: true,
    flavors: [
      { name: 'small', label: { ja: '小', en: 'Small' }, values: { instance_type: 'm4.large', volume_size: 8, volume_type: 'gp2' } },
      { name: 'medium', label: { ja: '中', en: 'Medium' }, values: { instance_type: 'm4.xlarge', volume_size: 40, volume_type: 'gp2' } },
      { name: 'large', label: { ja: '大', en: 'Large' }, values: { instance_type: 'm4.2xlarge', volume_size: 100, volume_type: 'gp2' } },
      { name: 'gpu', label: { ja: 'GPU', en: 'GPU' }, values: { instance_type: 'p2.xlarge', volume_size: 40, volume_type: 'gp2' } },
    ],
  },
  {
    // OCS's aws_spot: EC2 spot instances in the organization's AWS account. AWS may reclaim one
    // at any time; one-time spot instances cannot be stopped, so there is no power off.
    id: 'aws_spot',
    fixedIps: true,
    label: { ja: 'AWS (スポットインスタンス)', en: 'AWS (spot instances)' },
    region: 'ap-northeast-1',
    available: true,
    accountsOf: 'aws',
    flavors: [
      { name: 'small', label: { ja: '小', en: 'Small' }, values: { instance_type: 'm4.large', volume_size: 8, volume_type: 'standard', spot_type: 'one-time' } },
      { name: 'medium', label: { ja: '中', en: 'Medium' }, values: { instance_type: 'm4.xlarge', volume_size: 40, volume_type: 'standard', spot_type: 'one-time' } },
      { name: 'large', label: { ja: '大', en: 'Large' }, values: { instance_type: 'm4.2xlarge', volume_size: 100, volume_type: 'standard', spot_type: 'one-time' } },
      { name: 'gpu', label: { ja: 'GPU', en: 'GPU' }, values: { instance_type: 'p2.xlarge', volume_size: 40, volume_type: 'standard', spot_type: 'one-time' } },
    ],
  },
  {
    id: 'azure',
    fixedIps: true,
    label: { ja: 'Microsoft Azure', en: 'Microsoft Azure' },
    region: 'japaneast',
    // Nodes are VMs in the organization's Azure subscription (lib/providers/azure).
    available: true,
    power: true,
    flavors: [
      { name: 'small', label: { ja: '小', en: 'Small' }, values: { vm_size: 'Standard_B1s', disk_size_gb: 40, managed_disk_type: 'Standard_LRS' } },
      { name: 'medium', label: { ja: '中', en: 'Medium' }, values: { vm_size: 'Standard_D3_v2', disk_size_gb: 100, managed_disk_type: 'Standard_LRS' } },
      { name: 'large', label: { ja: '大', en: 'Large' }, values: { vm_size: 'Standard_D4_v2', disk_size_gb: 100, managed_disk_type: 'Premium_LRS' } },
      // Not in OCS's shipped file (Azure has no default GPU flavor there); OpenHPC v3 uses NC-series.
      { name: 'gpu', label: { ja: 'GPU', en: 'GPU' }, values: { vm_size: 'Standard_NC6s_v3', disk_size_gb: 100, managed_disk_type: 'Premium_LRS' } },
    ],
  },
  {
    id: 'oracle',
    fixedIps: true,
    label: { ja: 'Oracle Cloud Infrastructure', en: 'Oracle Cloud Infrastructure' },
    region: 'ap-tokyo-1',
    // Nodes are OCI instances in the organization's default OCI account (lib/providers/oracle).
    available: true,
    power: true,
    flavors: [
      { name: 'small', label: { ja: '小', en: 'Small' }, values: { shape: 'VM.Standard.E2.1', boot_volume_size_in_gbs: 50 } },
      { name: 'medium', label: { ja: '中', en: 'Medium' }, values: { shape: 'VM.Standard.E2.2', boot_volume_size_in_gbs: 100 } },
      { name: 'large', label: { ja: '大', en: 'Large' }, values: { shape: 'VM.Standard1.1sd', boot_volume_size_in_gbs: 250 } },
    ],
  },
  {
    id: 'sakura',
    fixedIps: true,
    label: { ja: 'さくらのクラウド', en: 'Sakura Cloud' },
    region: 'is1a',
    // Nodes are servers in the organization's Sakura Cloud account and zone (lib/providers/sakura).
    available: true,
    power: true,
    flavors: [
      { name: 'small', label: { ja: '小', en: 'Small' }, values: { num_cores: 1, memory: 1, sakuracloud_disk_plan: 'ssd', sakuracloud_disk_size: 20 } },
      { name: 'medium', label: { ja: '中', en: 'Medium' }, values: { num_cores: 2, memory: 4, sakuracloud_disk_plan: 'ssd', sakuracloud_disk_size: 80 } },
      { name: 'large', label: { ja: '大', en: 'Large' }, values: { num_cores: 4, memory: 8, sakuracloud_disk_plan: 'ssd', sakuracloud_disk_size: 200 } },
    ],
  },
  {
    id: 'vmware',
    label: { ja: 'VMware vSphere', en: 'VMware vSphere' },
    region: 'vsphere',
    // Nodes are VMs cloned from the template in the organization's default vSphere account (lib/providers/vmware).
    available: true,
    power: true,
    flavors: [
      { name: 'small', label: { ja: '小', en: 'Small' }, values: { num_cpus: 1, memory: 1024, disk_size: 40 } },
      { name: 'medium', label: { ja: '中', en: 'Medium' }, values: { num_cpus: 2, memory: 2048, disk_size: 40 } },
      { name: 'large', label: { ja: '大', en: 'Large' }, values: { num_cpus: 8, memory: 4096, disk_size: 100 } },
    ],
  },
  {
    // mdx bills by "packs" of CPU or GPU share; OCS ran mdx VMs as onpremises nodes, this portal deploys them.
    id: 'mdx',
    label: { ja: 'mdx (データ活用社会創成プラットフォーム)', en: 'mdx (data platform)' },
    region: 'mdx',
    // Nodes are VMs deployed in the organization's default mdx project (lib/providers/mdx).
    available: true,
    power: true,
    flavors: [
      { name: 'small', label: { ja: '小', en: 'Small' }, values: { pack_type: 'cpu', pack_num: 3, disk_size: 40 } },
      { name: 'medium', label: { ja: '中', en: 'Medium' }, values: { pack_type: 'cpu', pack_num: 6, disk_size: 80 } },
      { name: 'large', label: { ja: '大', en: 'Large' }, values: { pack_type: 'cpu', pack_num: 12, disk_size: 100 } },
      { name: 'gpu', label: { ja: 'GPU', en: 'GPU' }, values: { pack_type: 'gpu', pack_num: 1, disk_size: 100 } },
    ],
  },
  {
    // Academic clouds on OpenStack (mdx II among them): the flavor names are each cloud's own.
    id: 'openstack',
    fixedIps: true,
    label: { ja: 'OpenStack (mdx II ほか)', en: 'OpenStack (mdx II and others)' },
    region: 'openstack',
    // Nodes are Nova servers in the organization's default OpenStack project (lib/providers/openstack).
    available: true,
    power: true,
    flavors: [
      { name: 'small', label: { ja: '小', en: 'Small' }, values: { flavor_name: 'm1.small', volume_size: 20 } },
      { name: 'medium', label: { ja: '中', en: 'Medium' }, values: { flavor_name: 'm1.medium', volume_size: 40 } },
      { name: 'large', label: { ja: '大', en: 'Large' }, values: { flavor_name: 'm1.large', volume_size: 80 } },
    ],
  },
  {
    id: 'hokudai',
    label: { ja: '北海道大学インタークラウド', en: 'Hokkaido University intercloud' },
    region: 'hokudai',
    available: false,
    unavailableReason: {
      ja: 'API の仕様が確認できていないため、まだ使えません (OCS の資料には固定 IP のみが記載され、タグ・ディスク・電源の API はありません)。',
      en: 'Not yet available: its API is not confirmed (OCS documents fixed IPs only, with no tags, disks or power API).',
    },
    flavors: [
      { name: 'small', label: { ja: '小', en: 'Small' }, values: { flavor_name: '1core-6GB', volume_size: 50 } },
      { name: 'medium', label: { ja: '中', en: 'Medium' }, values: { flavor_name: '2core-8G', volume_size: 80 } },
      { name: 'large', label: { ja: '大', en: 'Large' }, values: { flavor_name: '4core-16G', volume_size: 100 } },
    ],
  },
];
