import { MACHINE_FLAVORS } from '../machine-flavors';
import type { ProviderInfo } from '../types';

// Informational only: local nodes share this machine's CPU and memory.
export const LOCAL_PROVIDER: ProviderInfo = {
  id: 'local',
  fixedIps: true,
  label: { ja: 'ローカル (このマシン)', en: 'Local (this machine)' },
  region: 'local',
  available: true,
  power: true,
  onPortalMachine: true,
  flavors: MACHINE_FLAVORS,
};
