// 接続テスト of an AWS account through the real @aws-sdk/client-ec2 against the local EC2 endpoint
// (test/clouds/ec2), which checks every SigV4 signature: a good account, a wrong secret, an unknown
// key, a subnet that is not there, throttling then success, and an endpoint nobody answers on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { closeDb, db } from '@/lib/db/client';
import { closeQueue } from '@/lib/jobs/queue';
import { freePort } from '@/scripts/services/free-port';
import { FAULTS, startEc2Facade, type Ec2Facade } from '@/test/clouds/ec2/facade';
import { organizationWithMember, uniqueName } from '@/test/fixtures';
import { addProviderAccount } from './manage-accounts';
import { testProviderAccount } from './test-account';

const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const NETWORK = { subnetId: 'subnet-0123456789abcdef0', securityGroupId: 'sg-0123456789abcdef0', imageId: 'ami-0123456789abcdef0' };

let ec2: Ec2Facade;
let actor: Actor;
let organizationId: string;
const previous = process.env.OCS_AWS_EC2_ENDPOINT;

beforeAll(async () => {
  ec2 = await startEc2Facade([{ ...KEYS, region: 'ap-northeast-1', subnets: [NETWORK.subnetId], securityGroups: [NETWORK.securityGroupId] }]);
  process.env.OCS_AWS_EC2_ENDPOINT = ec2.url;
  ({ actor, organizationId } = await organizationWithMember());
});

afterAll(async () => {
  if (previous === undefined) delete process.env.OCS_AWS_EC2_ENDPOINT;
  else process.env.OCS_AWS_EC2_ENDPOINT = previous;
  await ec2?.close();
  await closeQueue();
  await closeDb();
});

const account = (over: { credentials?: Record<string, string>; network?: Record<string, string>; region?: string } = {}) =>
  addProviderAccount(db(), actor, organizationId, { provider: 'aws', name: uniqueName('aws'), region: 'ap-northeast-1', network: NETWORK, credentials: KEYS, ...over });

describe('testing an AWS account', () => {
  it('signs in and finds the subnet and security group, and records it', async () => {
    const { id } = await account();
    const before = ec2.calls.length;
    const { account: tested, test } = await testProviderAccount(db(), actor, id);
    expect(test).toEqual({ ok: true, code: null, message: `Signed in to ap-northeast-1; subnet ${NETWORK.subnetId} and security group ${NETWORK.securityGroupId} found` });
    expect(tested).toMatchObject({ lastTestOk: true, lastTestCode: null, lastTestAt: expect.any(Date) });
    expect(ec2.calls.slice(before).map((c) => c.action)).toEqual(['DescribeAccountAttributes', 'DescribeSubnets', 'DescribeSecurityGroups']);
  });

  it('names what is wrong by the code EC2 answers, with what to do next', async () => {
    const wrongSecret = await account({ credentials: { ...KEYS, secretAccessKey: 'x'.repeat(40) } });
    const signature = (await testProviderAccount(db(), actor, wrongSecret.id)).test;
    expect(signature).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch', advice: { ja: expect.stringContaining('シークレットアクセスキー'), en: expect.stringContaining('secret access key') } });

    const unknownKey = await account({ credentials: { ...KEYS, accessKeyId: 'AKIAUNKNOWNEXAMPLE00' } });
    expect((await testProviderAccount(db(), actor, unknownKey.id)).test).toMatchObject({ ok: false, code: 'AuthFailure' });

    const noSubnet = await account({ network: { ...NETWORK, subnetId: 'subnet-0000000000000000f' } });
    const { account: recorded, test } = await testProviderAccount(db(), actor, noSubnet.id);
    expect(test).toMatchObject({ ok: false, code: 'InvalidSubnetID.NotFound', message: "The subnet ID 'subnet-0000000000000000f' does not exist" });
    expect(recorded).toMatchObject({ lastTestOk: false, lastTestCode: 'InvalidSubnetID.NotFound' });
  });

  it('retries when EC2 throttles, then succeeds', async () => {
    const { id } = await account();
    ec2.failNext('DescribeAccountAttributes', FAULTS.throttled, 2);
    const before = ec2.calls.length;
    expect((await testProviderAccount(db(), actor, id)).test.ok).toBe(true);
    expect(ec2.calls.slice(before).filter((c) => c.action === 'DescribeAccountAttributes')).toHaveLength(3);
  });

  it('says when the endpoint cannot be reached', async () => {
    const { id } = await account();
    process.env.OCS_AWS_EC2_ENDPOINT = `http://127.0.0.1:${await freePort()}`;
    try {
      expect((await testProviderAccount(db(), actor, id)).test).toMatchObject({ ok: false, code: 'NetworkError', advice: { en: expect.stringContaining('could not be reached') } });
    } finally {
      process.env.OCS_AWS_EC2_ENDPOINT = ec2.url;
    }
  });
});
