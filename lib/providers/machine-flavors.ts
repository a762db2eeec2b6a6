import type { Flavor } from './types';

// The flavors of providers whose nodes share a machine (this one, or a lab's server): what a node's
// applications may expect, not a size the provider enforces.
export const MACHINE_FLAVORS: Flavor[] = [
  { name: 'small', label: { ja: '小', en: 'Small' }, values: { cpus: 1, memory_mb: 1024 } },
  { name: 'medium', label: { ja: '中', en: 'Medium' }, values: { cpus: 2, memory_mb: 4096 } },
  { name: 'large', label: { ja: '大', en: 'Large' }, values: { cpus: 4, memory_mb: 8192 } },
];
