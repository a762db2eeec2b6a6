// The steps of the portal's own builds: changing a unit's node count, powering nodes (a template's
// own build has the steps its template lists). Keys are stored per build; titles are in lib/i18n.
/** Release the nodes marked for removal, then bring up the new ones. */
export const SCALE_STEPS = ['remove-nodes', 'create-nodes', 'start-applications', 'wait-ready'] as const;
/** Power off or on the nodes a power build names (a unit's or a whole unit group's). */
export const POWER_STEPS = ['power-nodes'] as const;
