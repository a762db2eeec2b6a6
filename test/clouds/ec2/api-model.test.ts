// The local EC2 endpoint's check of requests against EC2's API model (aws-sdk@2's ec2 model).
import { describe, expect, it } from 'vitest';
import { checkAgainstModel } from './api-model';

const params = (query: Record<string, string>) => new URLSearchParams({ Version: '2016-11-15', ...query });

describe('EC2 requests checked against the API model', () => {
  it('accepts what the EC2 query protocol sends: flattened lists, nested structures, typed scalars', () => {
    expect(
      checkAgainstModel(
        'RunInstances',
        params({ MinCount: '1', MaxCount: '1', ImageId: 'ami-0123456789abcdef0', InstanceType: 'm4.large', ClientToken: 'ocs-1', 'SecurityGroupId.1': 'sg-1', 'TagSpecification.1.ResourceType': 'instance', 'TagSpecification.1.Tag.1.Key': 'ocs.install', 'TagSpecification.1.Tag.1.Value': 'abc' }),
      ),
    ).toBeNull();
    expect(checkAgainstModel('DescribeInstances', params({ 'Filter.1.Name': 'tag:ocs.install', 'Filter.1.Value.1': 'abc', MaxResults: '1000', NextToken: 'x' }))).toBeNull();
  });

  it('refuses an action EC2 does not have, a parameter it does not know, and one missing', () => {
    expect(checkAgainstModel('RunInstance', params({}))).toMatchObject({ code: 'InvalidAction' });
    expect(checkAgainstModel('RunInstances', params({ MinCount: '1', MaxCount: '1', InstanceName: 'x' }))).toEqual({ code: 'UnknownParameter', message: 'The parameter InstanceName is not recognized' });
    // A list is counted from 1, and its items have no member name of their own on the wire.
    expect(checkAgainstModel('TerminateInstances', params({ 'InstanceId.0': 'i-1' }))).toMatchObject({ code: 'UnknownParameter' });
    expect(checkAgainstModel('TerminateInstances', params({ 'InstanceId.member.1': 'i-1' }))).toMatchObject({ code: 'UnknownParameter' });
    expect(checkAgainstModel('RunInstances', params({ MinCount: '1' }))).toEqual({ code: 'MissingParameter', message: 'The request must contain the parameter MaxCount' });
  });

  it('refuses a scalar that does not parse as its type', () => {
    expect(checkAgainstModel('RunInstances', params({ MinCount: 'one', MaxCount: '1' }))).toMatchObject({ code: 'InvalidParameterValue' });
    expect(checkAgainstModel('DescribeInstances', params({ DryRun: 'yes' }))).toMatchObject({ code: 'InvalidParameterValue' });
  });
});
