// Every /api/v1 route's contract, in the order the OpenAPI document lists them. A route file
// exports `handle(contract, …)`; lib/api/registry.int.test.ts fails when one is missing here.
import type { RouteContract } from './contract';
import { applicationRoutes } from './routes/applications';
import { auditRoutes } from './routes/audit';
import { buildRoutes } from './routes/builds';
import { expiryRoutes } from './routes/expiry';
import { infrastructureRoutes } from './routes/infrastructure';
import { metaRoutes } from './routes/meta';
import { metricsRoutes } from './routes/metrics';
import { nodeRoutes } from './routes/nodes';
import { organizationRoutes } from './routes/organizations';
import { profileRoutes } from './routes/profile';
import { templateRoutes } from './routes/templates';
import { unitGroupRoutes } from './routes/unit-groups';
import { unitRoutes } from './routes/units';
import { vcpRoutes } from './routes/vcp';
import { webhookRoutes } from './routes/webhooks';

export const ROUTES: readonly RouteContract[] = [
  metaRoutes,
  unitGroupRoutes,
  vcpRoutes,
  unitRoutes,
  nodeRoutes,
  buildRoutes,
  templateRoutes,
  metricsRoutes,
  expiryRoutes,
  organizationRoutes,
  infrastructureRoutes,
  profileRoutes,
  applicationRoutes,
  webhookRoutes,
  auditRoutes,
].flatMap((area) => Object.values(area));
