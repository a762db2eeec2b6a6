'use client';
import { useQuery } from '@tanstack/react-query';
import type { ProviderChoice } from '@/lib/service-applications/validation';
import { api } from '../api';
import { ApplicationDetails, ApplicationHeader } from './application-details';
import { ApplicationForm } from './application-form';
import { CommentThread } from './comment-thread';
import { applicationQueryKey, type ApplicationDetailJson } from './types';

/** The applicant's page: the application (as a form while it may be edited) and the thread with NII. */
export function ApplicationView({ initial, providers }: { initial: ApplicationDetailJson; providers: ProviderChoice[] }) {
  const { data } = useQuery({
    queryKey: applicationQueryKey(initial.id),
    queryFn: async () => (await api.get<{ application: ApplicationDetailJson }>(`/api/v1/service-applications/${initial.id}`)).application,
    initialData: initial,
  });
  return (
    <div className="space-y-6">
      <ApplicationHeader application={data} />
      {data.allowed.edit ? (
        // Keyed by state, so the form restarts from what the server holds once staff returned it.
        <ApplicationForm key={data.state} application={data} providers={providers} domain={data.institutionDomain} />
      ) : (
        <ApplicationDetails application={data} providers={providers} />
      )}
      <CommentThread application={data} />
    </div>
  );
}
