import { randomBytes } from 'node:crypto';

/** AWS-shaped keys made for one run, which only the local EC2 endpoint of that run knows. */
export function throwawayAwsKeys(): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64') };
}
