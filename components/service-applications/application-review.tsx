'use client';
import { useQuery } from '@tanstack/react-query';
import type { ProviderChoice } from '@/lib/service-applications/validation';
import { api } from '../api';
import { ApplicationDetails, ApplicationHeader } from './application-details';
import { CommentThread } from './comment-thread';
import { DecisionForm } from './decision-form';
import { applicationQueryKey, type ApplicationDetailJson } from './types';

/** Staff's page: the application, the thread, and the decision form while it awaits review. */
export function ApplicationReview({ initial, providers }: { initial: ApplicationDetailJson; providers: ProviderChoice[] }) {
  const { data } = useQuery({
    queryKey: applicationQueryKey(initial.id),
    queryFn: async () => (await api.get<{ application: ApplicationDetailJson }>(`/api/v1/service-applications/${initial.id}`)).application,
    initialData: initial,
  });
  // Quotas for the providers the portal can build on, and for any other the applicant wished for.
  const quotaProviders = [...new Set([...providers.filter((p) => p.available).map((p) => p.id), ...data.wantedProviders])];
  return (
    <div className="space-y-6">
      <ApplicationHeader application={data} />
      <div className="grid gap-6 lg:grid-cols-[1fr_24rem]">
        <ApplicationDetails application={data} providers={providers} />
        {data.allowed.decide && <DecisionForm application={data} quotaProviders={quotaProviders} />}
      </div>
      <CommentThread application={data} />
    </div>
  );
}
