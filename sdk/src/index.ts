export { OcsClient, type ClientOptions, type UnitGroupSummary } from './client.js';
export { Builds, DEFAULT_TIMEOUT_MS, type Build, type BuildLogLine, type SubmitBuildInput, type WaitOptions } from './builds.js';
export { OcsApiError, OcsBuildError, OcsError, OcsTimeoutError, type ErrorCode } from './errors.js';
export { Unit, UnitGroup, type AddNodes, type ChangeOptions, type DeleteNodes, type NodeData, type NodeState, type PowerNodes, type Spec, type SpecInput, type UnitData, type UnitGroupData } from './unit-group.js';
export type { components, operations, paths } from './openapi.js';
