// (being filled: routes of this area move here from their files under app/api/v1)
import type { RouteContract } from '@/lib/api/contract';

export const expiryRoutes: Record<string, RouteContract> = {};
