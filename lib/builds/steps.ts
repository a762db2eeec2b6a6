// The steps of a build that changes a unit's node count (a template's own build has the steps
// its template lists). Keys are stored per build; titles are in lib/i18n.
/** Release the nodes marked for removal, then bring up the new ones. */
export const SCALE_STEPS = ['remove-nodes', 'create-nodes', 'start-applications', 'wait-ready'] as const;
