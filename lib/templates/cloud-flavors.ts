import { providerCatalog } from '@/lib/providers/catalog';
import type { ProviderInfo } from '@/lib/providers/types';

// Cloud providers templates may name, with OCS's shipped vcp_flavor.yml defaults (ocs-domain.md
// §1.7). They have no driver yet: plans can show them (with prices) but builds cannot create them.
// To be merged into lib/providers/catalog.ts; until then knownProviders() combines both.

export interface TemplateProviderInfo extends ProviderInfo {
  /** The region prices are looked up in (local: 'local'). */
  region: string;
}

export const CLOUD_PROVIDERS: TemplateProviderInfo[] = [
  {
    id: 'aws',
    label: { ja: 'Amazon Web Services', en: 'Amazon Web Services' },
    region: 'ap-northeast-1',
    flavors: [
      { name: 'small', label: { ja: '小', en: 'Small' }, values: { instance_type: 'm4.large', volume_size: 8, volume_type: 'gp2' } },
      { name: 'medium', label: { ja: '中', en: 'Medium' }, values: { instance_type: 'm4.xlarge', volume_size: 40, volume_type: 'gp2' } },
      { name: 'large', label: { ja: '大', en: 'Large' }, values: { instance_type: 'm4.2xlarge', volume_size: 100, volume_type: 'gp2' } },
      { name: 'gpu', label: { ja: 'GPU', en: 'GPU' }, values: { instance_type: 'p2.xlarge', volume_size: 40, volume_type: 'gp2' } },
    ],
  },
  {
    id: 'azure',
    label: { ja: 'Microsoft Azure', en: 'Microsoft Azure' },
    region: 'japaneast',
    flavors: [
      { name: 'small', label: { ja: '小', en: 'Small' }, values: { vm_size: 'Standard_B1s', disk_size_gb: 40, managed_disk_type: 'Standard_LRS' } },
      { name: 'medium', label: { ja: '中', en: 'Medium' }, values: { vm_size: 'Standard_D3_v2', disk_size_gb: 100, managed_disk_type: 'Standard_LRS' } },
      { name: 'large', label: { ja: '大', en: 'Large' }, values: { vm_size: 'Standard_D4_v2', disk_size_gb: 100, managed_disk_type: 'Premium_LRS' } },
      // Not in OCS's shipped file (Azure has no default GPU flavor there); OpenHPC v3 uses NC-series.
      { name: 'gpu', label: { ja: 'GPU', en: 'GPU' }, values: { vm_size: 'Standard_NC6s_v3', disk_size_gb: 100, managed_disk_type: 'Premium_LRS' } },
    ],
  },
  {
    id: 'sakura',
    label: { ja: 'さくらのクラウド', en: 'Sakura Cloud' },
    region: 'is1a',
    flavors: [
      { name: 'small', label: { ja: '小', en: 'Small' }, values: { num_cores: 1, memory: 1, sakuracloud_disk_plan: 'ssd', sakuracloud_disk_size: 20 } },
      { name: 'medium', label: { ja: '中', en: 'Medium' }, values: { num_cores: 2, memory: 4, sakuracloud_disk_plan: 'ssd', sakuracloud_disk_size: 80 } },
      { name: 'large', label: { ja: '大', en: 'Large' }, values: { num_cores: 4, memory: 8, sakuracloud_disk_plan: 'ssd', sakuracloud_disk_size: 200 } },
    ],
  },
];

/** Every provider a template may name: the build catalog's (which wins) plus the cloud ones above. */
export function knownProviders(): TemplateProviderInfo[] {
  const catalog = providerCatalog().map((p) => ({ ...p, region: CLOUD_PROVIDERS.find((c) => c.id === p.id)?.region ?? p.id }));
  return [...catalog, ...CLOUD_PROVIDERS.filter((c) => !catalog.some((p) => p.id === c.id))];
}
