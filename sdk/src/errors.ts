// What the SDK throws: the portal's own errors with their code and fields, a build that ended
// badly, and a wait that ran out of time (with the build to wait on again).

export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'INVALID_INPUT' | 'CONFLICT' | 'IDEMPOTENCY_MISMATCH' | 'QUOTA_EXCEEDED' | 'PROVIDER_UNAVAILABLE' | 'SERVICE_UNAVAILABLE' | 'INTERNAL';

export class OcsError extends Error {
  override name = 'OcsError';
}

/** The portal refused or failed a request: `code` says why, `fields` which input fields (for INVALID_INPUT). */
export class OcsApiError extends OcsError {
  override name = 'OcsApiError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A build (an operation) ended FAILED or CANCELLED. */
export class OcsBuildError extends OcsError {
  override name = 'OcsBuildError';
  constructor(
    readonly buildId: string,
    readonly status: string,
    readonly reason: string | null,
  ) {
    super(`build ${buildId} ${status}${reason ? `: ${reason}` : ''}`);
  }
}

/**
 * A wait ran out of time; the build goes on. Wait again with `client.builds.wait(error.buildId)`,
 * or get the unit group or unit by name later: nothing is lost.
 */
export class OcsTimeoutError extends OcsError {
  override name = 'OcsTimeoutError';
  constructor(
    readonly buildId: string,
    readonly timeoutMs: number,
  ) {
    super(`build ${buildId} did not finish within ${Math.round(timeoutMs / 1000)} s; it goes on: wait again with builds.wait("${buildId}")`);
  }
}
