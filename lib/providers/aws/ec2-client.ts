import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { isFinalEc2Error } from './errors';

export interface AwsAccountSettings {
  region: string;
  credentials: Record<string, string>;
}

type RetryStrategyV2 = Extract<NonNullable<EC2ClientConfig['retryStrategy']>, { refreshRetryTokenForRetry: unknown }>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2['acquireInitialRetryToken']>>;

const BASE_MS = { THROTTLING: 500, TRANSIENT: 100 };
const MAX_DELAY_MS = 20_000;

/**
 * The SDK's standard retries, by its classification of throttling and transient errors (error code
 * and HTTP status), with exponential backoff, full jitter and any Retry-After; except that an error
 * whose EC2 code says trying again will not help stops at once. EC2 answers a launch without capacity
 * with a 500, which the SDK alone would try again.
 */
function retryStrategy(maxAttempts: number): RetryStrategyV2 {
  const token = (count: number, delay: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => delay });
  return {
    acquireInitialRetryToken: () => Promise.resolve(token(0, 0)),
    refreshRetryTokenForRetry(last, info) {
      const count = last.getRetryCount() + 1;
      if ((info.errorType !== 'THROTTLING' && info.errorType !== 'TRANSIENT') || count >= maxAttempts || isFinalEc2Error(info.error))
        // The SDK throws the call's own error when no token comes.
        return Promise.reject(new Error('no retry'));
      const jittered = Math.random() * Math.min(MAX_DELAY_MS, BASE_MS[info.errorType] * 2 ** (count - 1));
      const asked = info.retryAfterHint ? info.retryAfterHint.getTime() - Date.now() : 0;
      return Promise.resolve(token(count, Math.min(MAX_DELAY_MS, Math.max(jittered, asked))));
    },
    recordSuccess: () => {},
  };
}

/**
 * An EC2 client for one account. OCS_AWS_EC2_ENDPOINT sends every call to another EC2-compatible
 * endpoint instead of AWS's (the tests' emulator).
 */
export function ec2Client(account: AwsAccountSettings): EC2Client {
  const endpoint = process.env.OCS_AWS_EC2_ENDPOINT;
  const maxAttempts = Number(process.env.OCS_AWS_MAX_ATTEMPTS ?? 4);
  return new EC2Client({
    region: account.region,
    credentials: { accessKeyId: account.credentials.accessKeyId!, secretAccessKey: account.credentials.secretAccessKey! },
    maxAttempts,
    retryStrategy: retryStrategy(maxAttempts),
    ...(endpoint ? { endpoint } : {}),
  });
}
