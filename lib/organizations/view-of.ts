// Rows → the API's views (lib/organizations/views.ts), field by field.
import type { Organization } from '@/lib/db/schema';
import type { CreatedOrganizationView } from './views';

export function createdOrganizationView(o: Organization): CreatedOrganizationView {
  return { id: o.id, name: o.name, kind: o.kind, department: o.department, state: o.state, maxNodes: o.maxNodes, createdAt: o.createdAt };
}
