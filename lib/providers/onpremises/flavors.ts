import type { ProviderInfo } from '../types';

// A node on a lab server takes one place of the server's capacity, whatever its flavor; the
// flavor says what the node's applications may expect, as on the other providers.
export const ONPREMISES_PROVIDER: ProviderInfo = {
  id: 'onpremises',
  label: { ja: '研究室のサーバー (オンプレミス)', en: "The lab's own servers (on-premises)" },
  flavors: [
    { name: 'small', label: { ja: '小', en: 'Small' }, values: { cpus: 1, memory_mb: 1024 } },
    { name: 'medium', label: { ja: '中', en: 'Medium' }, values: { cpus: 2, memory_mb: 4096 } },
    { name: 'large', label: { ja: '大', en: 'Large' }, values: { cpus: 4, memory_mb: 8192 } },
  ],
};
