// The ordered steps of a build. Keys are stored per build and are stable; titles are in lib/i18n.
export const BUILD_STEPS = ['create-nodes', 'start-applications', 'wait-ready'] as const;
/** Changing a unit's node count: release the nodes marked for removal, then bring up the new ones. */
export const SCALE_STEPS = ['remove-nodes', 'create-nodes', 'start-applications', 'wait-ready'] as const;
export type BuildStepKey = (typeof SCALE_STEPS)[number];
