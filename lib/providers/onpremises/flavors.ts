import { MACHINE_FLAVORS } from '../machine-flavors';
import type { ProviderInfo } from '../types';

// A node on a lab server takes one place of the server's capacity, whatever its flavor; the
// flavor says what the node's applications may expect, as on the other providers.
export const ONPREMISES_PROVIDER: ProviderInfo = {
  id: 'onpremises',
  label: { ja: '研究室のサーバー (オンプレミス)', en: "The lab's own servers (on-premises)" },
  // A lab's GPU servers: templates with a GPU variant (OpenHPC's compute nodes) can choose them.
  region: 'onpremises',
  available: true,
  power: true,
  overflows: true,
  flavors: [...MACHINE_FLAVORS, { name: 'gpu', label: { ja: 'GPU', en: 'GPU' }, values: { cpus: 4, memory_mb: 16384, gpus: 1 } }],
};
