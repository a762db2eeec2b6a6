// The ordered steps of a build. Keys are stored per build and are stable; titles are in lib/i18n.
export const BUILD_STEPS = ['create-nodes', 'start-applications', 'wait-ready'] as const;
export type BuildStepKey = (typeof BUILD_STEPS)[number];
