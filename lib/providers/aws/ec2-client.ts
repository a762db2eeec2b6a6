import { EC2Client } from '@aws-sdk/client-ec2';

export interface AwsAccountSettings {
  region: string;
  credentials: Record<string, string>;
}

/**
 * An EC2 client for one account. OCS_AWS_EC2_ENDPOINT sends every call to another EC2-compatible
 * endpoint instead of AWS's (the tests' emulator); the SDK's standard retry mode backs off with
 * jitter on throttling and transient errors, by error code.
 */
export function ec2Client(account: AwsAccountSettings): EC2Client {
  const endpoint = process.env.OCS_AWS_EC2_ENDPOINT;
  return new EC2Client({
    region: account.region,
    credentials: { accessKeyId: account.credentials.accessKeyId!, secretAccessKey: account.credentials.secretAccessKey! },
    maxAttempts: Number(process.env.OCS_AWS_MAX_ATTEMPTS ?? 4),
    ...(endpoint ? { endpoint } : {}),
  });
}
