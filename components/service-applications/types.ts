import type { ApplicationDetail, ApplicationSummary, ThreadComment } from '@/lib/service-applications/queries';
import type { Json } from '../json-types';

/** Applications as the browser sees them (after JSON). */
export type ApplicationJson = Json<ApplicationSummary>;
export type ApplicationDetailJson = Omit<Json<ApplicationDetail>, 'comments'> & { comments: Json<ThreadComment>[] };

export const applicationQueryKey = (id: string) => ['service-applications', id] as const;

/** What a server page hands to a client component: the same shape the API returns. */
export function asJson<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
