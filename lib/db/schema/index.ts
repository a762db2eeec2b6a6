export * from './tenancy';
export * from './templates';
export * from './builds';
export * from './unit-groups';
