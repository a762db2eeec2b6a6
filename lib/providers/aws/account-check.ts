import { DescribeAccountAttributesCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import type { AccountCheck, CheckedAccount } from '../account-check';
import { ec2Client } from './ec2-client';
import { ec2Advice, ec2ErrorCode } from './errors';

/** 接続テスト for AWS: signs in, then finds the account's subnet and security group (reads only). */
export async function checkAwsAccount(account: CheckedAccount): Promise<AccountCheck> {
  const client = ec2Client({ region: account.region!, credentials: account.credentials });
  try {
    await client.send(new DescribeAccountAttributesCommand({ AttributeNames: ['supported-platforms'] }));
    await client.send(new DescribeSubnetsCommand({ SubnetIds: [account.network.subnetId!] }));
    await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [account.network.securityGroupId!] }));
    return { ok: true, code: null, message: `Signed in to ${account.region}; subnet ${account.network.subnetId} and security group ${account.network.securityGroupId} found` };
  } catch (e) {
    const code = ec2ErrorCode(e);
    return { ok: false, code, message: (e as Error).message, advice: ec2Advice(code).advice };
  } finally {
    client.destroy();
  }
}
