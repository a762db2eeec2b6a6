// react-query keys, one factory so lists and details invalidate together.
export const queryKeys = {
  builds: () => ['builds'] as const,
  build: (id: string) => ['builds', id] as const,
  unitGroups: () => ['unit-groups'] as const,
  unitGroup: (id: string) => ['unit-groups', id] as const,
  providers: () => ['providers'] as const,
  providerAccounts: (organizationId: string) => ['organizations', organizationId, 'provider-accounts'] as const,
};
