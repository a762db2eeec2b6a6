import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { E2E } from '../playwright.config';
import { startEc2Facade, type Ec2Facade } from '../test/clouds/ec2/facade';
import { instanceBackend } from '../test/clouds/instances';
import { createHostNetwork, type HostNetwork, type NamespaceHost } from '../test/hosts';
import { addAwsAccount } from './aws-account';
import { signInWithOidc } from './sign-in';

// One cluster across the lab's server and a cloud, all by clicks: OpenHPC with its head node on a
// registered server and its two compute nodes on AWS (the local EC2 endpoint, whose instances are
// namespace hosts on this run's subnet), the head running jobs too. A job through the cluster runs
// on all three nodes over the unit group's private network; the cloud part is scaled to 1 and back;
// a burst policy is refused with a field error and then saved; deleting leaves nothing anywhere.
const KEYS = { accessKeyId: 'AKIAI44QH8DHBHYBRID0', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbHYBRIDKEY0' };
const NETWORK = { subnetId: 'subnet-0a1b2c3d4e5f60719', securityGroupId: 'sg-0a1b2c3d4e5f60719', imageId: 'ami-0a1b2c3d4e5f60719' };

let network: HostNetwork;
let ec2: Ec2Facade;

test.beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocse2ehy', subnet: E2E.hostsSubnet });
  // No container engine: Slurm runs from Debian's packages as processes, on the server and the instances alike.
  ec2 = await startEc2Facade([{ ...KEYS, region: 'ap-northeast-1', subnets: [NETWORK.subnetId], securityGroups: [NETWORK.securityGroupId] }], { port: E2E.ec2Port, instances: instanceBackend(network) });
});

// A build that fails names the node that was not ready; its agent's log says why. Shown before the
// hosts go, since afterAll removes them with their logs.
test.afterEach(async ({ page }, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus || !network) return;
  console.log(`the test failed on ${page.url()}; the agents' logs on its hosts follow`);
  try {
    const logs = readdirSync(network.dir, { recursive: true, encoding: 'utf8' }).filter((f) => path.basename(f) === 'agent.log');
    for (const file of logs) console.log(`--- ${file} (last 80 lines)\n${readFileSync(path.join(network.dir, file), 'utf8').split('\n').slice(-80).join('\n')}`);
  } catch (e) {
    console.log(`cannot read the agents' logs: ${(e as Error).message}`);
  }
});

test.afterAll(async () => {
  await ec2?.settled();
  await ec2?.close();
  await network?.destroy();
});

async function registerServer(page: Page): Promise<{ host: NamespaceHost; name: string }> {
  await page.goto('/organization/hosts');
  const publicKey = (await page.getByTestId('ssh-public-key').textContent())!.trim();
  const host = await network.addHost({ authorizedKeys: [publicKey] });
  const name = `hpc-head-${Date.now().toString(36)}`;
  await page.getByLabel('名前').fill(name);
  await page.getByLabel('アドレス').fill(host.ip);
  await page.getByLabel('SSH ユーザー').fill(host.user);
  await page.getByLabel('最大ノード数').fill('1');
  await page.getByLabel('ポータルが使うフォルダ').fill(`${host.dir}/ocs`);
  await page.getByRole('button', { name: 'サーバーを登録' }).click();
  const row = page.locator(`[data-testid="host-row"][data-host-name="${name}"]`);
  await row.getByRole('button', { name: '接続テスト' }).click();
  await expect(row.getByTestId('host-check')).toHaveAttribute('data-ok', 'true');
  return { host, name };
}

test('a lab admin builds OpenHPC with its head on the lab\'s server and compute nodes on AWS, runs a job on all three, scales the cloud part and deletes it leaving nothing', async ({ page }) => {
  test.setTimeout(360_000);
  await signInWithOidc(page, 'labadmin', 'labadmin');
  await addAwsAccount(page, 'hybrid', { keys: KEYS, network: NETWORK });
  const { host: server, name: serverName } = await registerServer(page);

  await page.goto('/catalog/openhpc');
  await page.getByLabel('プロバイダ', { exact: true }).selectOption('onpremises');
  await page.getByLabel('ユニットグループ名').fill(`hybrid-${Date.now().toString(36)}`);
  await page.getByLabel('計算ノード数').fill('2');
  await page.getByLabel('ヘッドノードでもジョブを実行').check();
  await page.getByText('詳細設定').click();
  await page.getByLabel('ロール compute のプロバイダー').selectOption('aws');
  await page.getByLabel('ロール compute のフレーバー').selectOption('small');
  await page.getByRole('button', { name: '構築を開始' }).click();
  await expect(page).toHaveURL(/\/builds\/[0-9a-f-]+$/);
  await expect(page.getByTestId('build-log')).toContainText('build succeeded', { timeout: 180_000 });
  const submit = (await page.getByTestId('output-submit').innerText()).trim().split('\n').pop()!;
  expect(submit).toMatch(/^export SLURM_CONF=.+; srun -p compute -N 3 hostname$/);

  // The job, as the build's output says to submit it, runs on the head and both instances.
  const instances = () => ec2.instances.filter((i) => i.state !== 'terminated' && i.tags['ocs.install']);
  const job = async () => {
    const res = await server.exec(['sh', '-c', submit.replace('srun', 'timeout 60 srun')]);
    return res.code === 0 ? res.stdout.trim().split('\n').sort() : [res.stderr.trim()];
  };
  const everyNode = () => [server, ...instances().map((i) => i.machine!.host)].map((h) => h.name).sort();
  await expect.poll(job, { timeout: 60_000 }).toEqual(everyNode());
  expect(instances()).toHaveLength(2);

  await page.getByRole('link', { name: /ユニットグループを表示/ }).click();
  await expect(page.locator('[data-testid="node-row"][data-node-state="RUNNING"]')).toHaveCount(3);
  const compute = page.getByTestId('unit-compute');
  await expect(compute.getByTestId('node-provider')).toHaveText(['aws', 'aws']);
  await expect(page.getByTestId('unit-master').getByTestId('node-provider')).toHaveText(['onpremises']);
  await page.screenshot({ path: 'e2e/output/hybrid-unit-group.png', fullPage: true });

  // The cloud part to 1 and back to 2: an instance goes and comes, and Slurm follows.
  for (const [count, running] of [[1, 2], [2, 3]] as const) {
    await compute.getByLabel('ノード数').fill(String(count));
    await compute.getByRole('button', { name: '変更' }).click();
    await expect(page.locator('[data-testid="node-row"][data-node-state="RUNNING"]')).toHaveCount(running);
    await expect.poll(() => instances().length).toBe(count);
    await expect.poll(job, { timeout: 60_000 }).toHaveLength(count === 1 ? 1 : 3);
  }

  // A burst policy on the head's unit (on the server): bad input is named, and nothing is lost.
  const master = page.getByTestId('unit-master');
  await master.getByRole('button', { name: '設定', exact: true }).click();
  await master.getByLabel('あふれたノードを作るクラウド').selectOption('aws');
  await master.getByLabel('フレーバー').selectOption('small');
  await master.getByLabel('クラウドの最大ノード数').fill('0');
  await master.getByRole('button', { name: '保存' }).click();
  await expect(master.getByRole('alert')).toHaveText('1〜32 の整数を入力してください');
  await master.getByLabel('クラウドの最大ノード数').fill('1');
  await master.getByRole('button', { name: '保存' }).click();
  await expect(master.getByTestId('burst-summary')).toHaveText('満杯時は aws / small に最大 1 台');

  await page.getByRole('button', { name: '削除', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: '削除する' }).click();
  await expect(page.getByTestId('unit-group-gone')).toBeVisible();
  await ec2.settled();
  expect(instances()).toEqual([]);
  expect(existsSync(`${server.dir}/ocs`)).toBe(false);
  const left = await server.exec(['sh', '-c', `pgrep -ax 'slurmctld|slurmd|munged' | grep -F ${server.dir} || true`]);
  expect(left.stdout).toBe('');

  // The server goes too: the next test's hosts may get its address.
  await page.goto('/organization/hosts');
  const row = page.locator(`[data-testid="host-row"][data-host-name="${serverName}"]`);
  await row.getByRole('button', { name: '削除' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '削除' }).click();
  await expect(row).toHaveCount(0);
});
