import type { ProviderInfo } from '../types';

// Informational only: local nodes share this machine's CPU and memory.
export const LOCAL_PROVIDER: ProviderInfo = {
  id: 'local',
  label: { ja: 'ローカル (このマシン)', en: 'Local (this machine)' },
  flavors: [
    { name: 'small', label: { ja: '小', en: 'Small' }, values: { cpus: 1, memory_mb: 1024 } },
    { name: 'medium', label: { ja: '中', en: 'Medium' }, values: { cpus: 2, memory_mb: 4096 } },
    { name: 'large', label: { ja: '大', en: 'Large' }, values: { cpus: 4, memory_mb: 8192 } },
  ],
};
