export * from './tenancy';
export * from './service-applications';
export * from './access';
export * from './templates';
export * from './builds';
export * from './unit-groups';
export * from './hosts';
export * from './provider-accounts';
