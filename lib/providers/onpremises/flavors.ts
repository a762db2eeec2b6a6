import { MACHINE_FLAVORS } from '../machine-flavors';
import type { ProviderInfo } from '../types';

// A node on a lab server takes one place of the server's capacity, whatever its flavor; the
// flavor says what the node's applications may expect, as on the other providers.
export const ONPREMISES_PROVIDER: ProviderInfo = {
  id: 'onpremises',
  label: { ja: '研究室のサーバー (オンプレミス)', en: "The lab's own servers (on-premises)" },
  flavors: MACHINE_FLAVORS,
};
