import type { ApplicationDetailView, ApplicationSummaryView } from '@/lib/service-applications/views';
import type { Json } from '../json-types';

/** Applications as the browser sees them (after JSON): the API's views. */
export type ApplicationJson = Json<ApplicationSummaryView>;
export type ApplicationDetailJson = Json<ApplicationDetailView>;

export const applicationQueryKey = (id: string) => ['service-applications', id] as const;

/** What a server page hands to a client component: the same shape the API returns. */
export function asJson<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
