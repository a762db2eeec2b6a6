'use client';
import { useState } from 'react';
import { OrganizationPicker, type OrganizationOption } from '../organization/organization-picker';
import { WebhookForm } from './webhook-form';
import { WebhookList } from './webhook-list';

/** One organization's webhooks: the list with state, tests and deliveries, and the form to add one. */
export function WebhooksManager({ organizations }: { organizations: OrganizationOption[] }) {
  const [organizationId, setOrganizationId] = useState(organizations[0]!.id);
  return (
    <>
      <OrganizationPicker organizations={organizations} value={organizationId} onChange={setOrganizationId} />
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <WebhookList key={organizationId} organizationId={organizationId} />
        <WebhookForm key={`add-${organizationId}`} organizationId={organizationId} />
      </div>
    </>
  );
}
