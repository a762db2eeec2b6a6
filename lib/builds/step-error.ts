import { ProviderError } from '@/lib/providers/types';

/** A step failed; `retryable` says whether running the step again may succeed. */
export class StepError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'StepError';
  }
}

/** The build has ended as FAILED: nothing more to retry. */
export class BuildFailedError extends Error {
  name = 'BuildFailedError';
}

export function isRetryable(e: unknown): boolean {
  if (e instanceof StepError || e instanceof ProviderError) return e.retryable;
  // Unknown failures (a dropped connection, a timeout) are worth another attempt.
  return true;
}

/** Someone cancelled the build: the step stopped early on purpose. */
export class BuildCancelledError extends Error {
  name = 'BuildCancelledError';
}
