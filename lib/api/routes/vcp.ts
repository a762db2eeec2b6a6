// The VCP SDK's get_spec: a provider's defaults for a flavor, to override before create_unit.
import { z } from 'zod';
import { defineRoute } from '@/lib/api/contract';
import { ZSpecView } from '@/lib/unit-groups/spec';

export const vcpRoutes = {
  getSpec: defineRoute({
    method: 'GET',
    path: '/api/v1/specs/{provider}/{flavor}',
    operationId: 'getSpec',
    tag: 'Unit groups',
    summary: 'A provider\'s spec for a flavor (get_spec), with the base container\'s defaults',
    access: 'signedIn',
    params: z.object({ provider: z.string().max(40), flavor: z.string().max(40) }),
    status: 200,
    output: z.object({ spec: ZSpecView }),
  }),
};
