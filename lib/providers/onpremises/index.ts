import { db } from '@/lib/db/client';
import type { Provider } from '../types';
import { OnPremisesProvider } from './onpremises-provider';

let singleton: Provider | undefined;

/** The provider workers use, on the portal's database. */
export function onPremisesProvider(): Provider {
  singleton ??= new OnPremisesProvider(db);
  return singleton;
}
