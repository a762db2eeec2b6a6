// Builds: the operations every change runs as. Submit a template, or wait on (watch) the build a
// change started, printing its log as it grows.
import { OcsBuildError, OcsTimeoutError } from './errors.js';
import { ok, type Api } from './http.js';
import type { components, operations } from './openapi.js';

export type Build = components['schemas']['Build'];
export type BuildLogLine = components['schemas']['BuildLogLine'];
export type SubmitBuildInput = NonNullable<operations['submitBuild']['requestBody']>['content']['application/json'];

export interface WaitOptions {
  /** Give up waiting after this long (the build goes on): OcsTimeoutError. Default 1000 s, as the VCP SDK's wait_timeout_sec. */
  timeoutMs?: number;
  /** Each new log line, oldest first. */
  onLog?: (line: BuildLogLine) => void;
}

export const DEFAULT_TIMEOUT_MS = 1_000_000;
const ENDED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export class Builds {
  constructor(
    private readonly api: Api,
    private readonly pollMs: number,
  ) {}

  /** Runs a template (POST /api/v1/builds): the build and the unit group it makes. */
  async submit(input: SubmitBuildInput): Promise<{ buildId: string; unitGroupId: string }> {
    return ok(await this.api.POST('/api/v1/builds', { body: input }));
  }

  async get(buildId: string, afterLogId = 0): Promise<Build> {
    return ok(await this.api.GET('/api/v1/builds/{id}', { params: { path: { id: buildId }, query: { afterLogId } } })).build;
  }

  /** Waits until the build ends: its final state when SUCCEEDED, else OcsBuildError; OcsTimeoutError after timeoutMs. */
  async wait(buildId: string, options: WaitOptions = {}): Promise<Build> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    let lastLogId = 0;
    for (;;) {
      const build = await this.get(buildId, lastLogId);
      for (const line of build.logs) options.onLog?.(line);
      lastLogId = build.logs.at(-1)?.id ?? lastLogId;
      if (ENDED.includes(build.status)) {
        if (build.status !== 'SUCCEEDED') throw new OcsBuildError(buildId, build.status, build.error);
        return build;
      }
      if (Date.now() >= deadline) throw new OcsTimeoutError(buildId, timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.pollMs, Math.max(0, deadline - Date.now()))));
    }
  }

  /** wait() printing the log: for people at a terminal. */
  watch(buildId: string, onLog: (line: BuildLogLine) => void, options: Omit<WaitOptions, 'onLog'> = {}): Promise<Build> {
    return this.wait(buildId, { ...options, onLog });
  }
}
