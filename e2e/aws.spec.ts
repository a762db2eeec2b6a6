import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { expect, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { startEc2Facade, type Ec2Facade } from '../test/clouds/ec2/facade';
import { instanceBackend } from '../test/clouds/instances';
import { createHostNetwork, type HostNetwork } from '../test/hosts';
import { addAwsAccount } from './aws-account';
import { signInWithOidc } from './sign-in';

// A lab admin builds on AWS, emulated: the portal's EC2 calls go to the local EC2 endpoint, whose
// instances are real machines (network namespaces with Podman, on this run's own subnet) that run
// their user data. Add the account and test it, build web-hello on 3 instances, open the
// application on an instance's address, power one off and on, scale to 1, delete: no instance of
// the unit group is left. A machine left with the portal's tag then shows as a leftover.
const KEYS = { accessKeyId: 'AKIAI44QH8DHBEXAMPLE', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY' };
const NETWORK = { subnetId: 'subnet-0a1b2c3d4e5f60718', securityGroupId: 'sg-0a1b2c3d4e5f60718', imageId: 'ami-0a1b2c3d4e5f60718' };

let network: HostNetwork;
let ec2: Ec2Facade;

test.beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocse2eaws', subnet: E2E.hostsSubnet });
  ec2 = await startEc2Facade([{ ...KEYS, region: 'ap-northeast-1', subnets: [NETWORK.subnetId], securityGroups: [NETWORK.securityGroupId] }], {
    port: E2E.ec2Port,
    instances: instanceBackend(network, { containerEngine: true }),
  });
});

test.afterAll(async () => {
  await ec2?.settled();
  await ec2?.close();
  await network?.destroy();
});

test('a lab admin adds an AWS account, builds web-hello on 3 instances, opens it, powers one off and on, scales to 1 and deletes it leaving no instance', async ({ page, context }) => {
  await signInWithOidc(page, 'labadmin', 'labadmin');
  // The default account is the one builds use.
  const row = await addAwsAccount(page, 'aws-build', { keys: KEYS, network: NETWORK });
  await row.getByRole('button', { name: '接続テスト' }).click();
  await expect(row.getByTestId('account-test')).toHaveAttribute('data-ok', 'true');

  await page.goto('/catalog/web-hello');
  await page.getByLabel('プロバイダ', { exact: true }).selectOption('aws');
  const name = `aws-web-${Date.now().toString(36)}`;
  await page.getByLabel('ユニットグループ名').fill(name);
  await page.getByLabel('ノード数').fill('3');
  await page.getByRole('button', { name: '構築を開始' }).click();
  await expect(page).toHaveURL(/\/builds\/[0-9a-f-]+$/);
  await expect(page.getByTestId('build-log')).toContainText('build succeeded');
  await page.getByRole('link', { name: /ユニットグループを表示/ }).click();
  await expect(page.locator('[data-testid="node-row"][data-node-state="RUNNING"]')).toHaveCount(3);
  const ips = await page.getByTestId('node-row').getByTestId('node-ip').allInnerTexts();
  const mine = () => ec2.instances.filter((i) => ips.includes(i.privateIpAddress));
  expect(mine().map((i) => i.privateIpAddress).sort()).toEqual([...ips].sort());
  await page.screenshot({ path: 'e2e/output/aws-unit-group.png', fullPage: true });

  const [appPage] = await Promise.all([context.waitForEvent('page'), page.getByTestId('application-link').first().click()]);
  await expect(appPage.getByRole('heading', { name: 'こんにちは / Hello' })).toBeVisible();
  await appPage.close();

  // Power the first node off and on: the instance stops, its application with it, and boots again.
  const first = page.getByTestId('node-row').first();
  const firstIp = (await first.getByTestId('node-ip').innerText()).trim();
  await first.getByRole('button', { name: /電源オフ/ }).click();
  await expect(first).toHaveAttribute('data-node-state', 'POWER_OFF');
  expect(ec2.instances.find((i) => i.privateIpAddress === firstIp)!.state).toBe('stopped');
  await expect(fetch(`http://${firstIp}:8080/`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  await first.getByRole('button', { name: /電源オン/ }).click();
  await expect(first).toHaveAttribute('data-node-state', 'RUNNING');
  expect((await fetch(`http://${firstIp}:8080/`)).status).toBe(200);

  await page.getByLabel('ノード数').fill('1');
  await page.getByRole('button', { name: '変更' }).click();
  await expect(page.locator('[data-testid="node-row"][data-node-state="RUNNING"]')).toHaveCount(1);
  await expect.poll(() => mine().filter((i) => i.state !== 'terminated').length).toBe(1);

  await page.getByRole('button', { name: '削除', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: '削除する' }).click();
  await expect(page.getByTestId('unit-group-gone')).toBeVisible();
  await ec2.settled();
  expect(mine().filter((i) => i.state !== 'terminated')).toEqual([]);

  // A machine carrying the portal's installation tag that no node accounts for (as a crash between
  // EC2's create and the portal's record would leave it) shows under 残存リソース at "check now".
  const install = ec2.instances[0]!.tags['ocs.install']!;
  const client = new EC2Client({ region: 'ap-northeast-1', credentials: KEYS, endpoint: ec2.url });
  const leftover = await client.send(
    new RunInstancesCommand({ ImageId: NETWORK.imageId, MinCount: 1, MaxCount: 1, SubnetId: NETWORK.subnetId, SecurityGroupIds: [NETWORK.securityGroupId], TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'ocs.install', Value: install }, { Key: 'Name', Value: 'ocs-lost' }] }] }),
  );
  client.destroy();
  await page.goto('/organization/accounts');
  await page.getByRole('button', { name: '今すぐ確認' }).click();
  await expect(page.getByTestId('leaks-checked')).toContainText('残存 1 台');
  const leak = page.locator(`[data-testid="leak-row"][data-resource-id$="/${leftover.Instances![0]!.InstanceId}"]`);
  await expect(leak).toContainText('ocs-lost');
  await expect(leak).toContainText('names no node');
  await page.screenshot({ path: 'e2e/output/aws-leaks.png', fullPage: true });
});
