import { expect, test } from '@playwright/test';
import { startEc2Facade, type Ec2Facade } from '../test/clouds/ec2/facade';
import { E2E } from '../playwright.config';
import { signInWithOidc } from './sign-in';

// The portal's EC2 calls go to this local endpoint, which knows the first account's keys and network.
let ec2: Ec2Facade;
test.beforeAll(async () => {
  ec2 = await startEc2Facade(
    [{ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'ap-northeast-1', subnets: ['subnet-0123456789abcdef0'], securityGroups: ['sg-0123456789abcdef0'] }],
    { port: E2E.ec2Port },
  );
});
test.afterAll(async () => {
  await ec2?.close();
});

// A lab admin adds a cloud account: the provider's own fields, each error beside its field, the
// secret never shown again (only what identifies it), a second account made the default, the
// credentials replaced (and tested again), and the account removed.
test('a lab admin adds an AWS account, tests it, sees only its key id, makes another the default, replaces credentials and removes it', async ({ page }) => {
  await signInWithOidc(page, 'labadmin', 'labadmin');
  await page.getByRole('link', { name: 'クラウドアカウント' }).click();
  await expect(page).toHaveURL(/\/organization\/accounts/);
  const form = page.getByRole('form', { name: 'アカウントの追加' });
  await form.getByLabel('プロバイダ', { exact: true }).selectOption('aws');

  // Wrong and missing fields are all named at once; nothing is added.
  const name = `aws-${Date.now().toString(36)}`;
  await form.getByLabel('名前', { exact: true }).fill(name);
  await form.getByLabel('リージョン / ゾーン', { exact: true }).fill('tokyo');
  await form.getByLabel('アクセスキー ID', { exact: true }).fill('AKIAIOSFODNN7EXAMPLE');
  await form.getByLabel('サブネット ID', { exact: true }).fill('vpc-123');
  await form.getByRole('button', { name: '追加' }).click();
  await expect(form.locator('#account-region[aria-invalid="true"]')).toBeVisible();
  await expect(form.getByText('must be a region or zone such as ap-northeast-1')).toBeVisible();
  await expect(form.locator('#account-credentials-secretAccessKey[aria-invalid="true"]')).toBeVisible();
  await expect(form.locator('#account-network-subnetId[aria-invalid="true"]')).toBeVisible();
  await expect(page.locator(`[data-testid="account-row"][data-account-name="${name}"]`)).toHaveCount(0);

  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  await form.getByLabel('リージョン / ゾーン', { exact: true }).fill('ap-northeast-1');
  await form.getByLabel('シークレットアクセスキー', { exact: true }).fill(secret);
  await form.getByLabel('サブネット ID', { exact: true }).fill('subnet-0123456789abcdef0');
  await form.getByLabel('セキュリティグループ ID', { exact: true }).fill('sg-0123456789abcdef0');
  await form.getByLabel('ノードの AMI (Node.js 20 以上入り)', { exact: true }).fill('ami-0123456789abcdef0');
  await form.getByRole('button', { name: '追加' }).click();
  await expect(form.getByRole('status')).toContainText(name);
  const row = page.locator(`[data-testid="account-row"][data-account-name="${name}"]`);
  await expect(row.getByTestId('account-hint')).toHaveText('AKIAIOSFODNN7EXAMPLE');
  await expect(row.getByTestId('account-default')).toBeVisible();
  await expect(page.locator('body')).not.toContainText(secret);
  await expect(form.getByLabel('シークレットアクセスキー', { exact: true })).toHaveValue('');

  // 接続テスト: signed in, subnet and security group found.
  await row.getByRole('button', { name: '接続テスト' }).click();
  await expect(row.getByTestId('account-test')).toHaveAttribute('data-ok', 'true');
  await expect(row.getByTestId('account-test')).toContainText('subnet-0123456789abcdef0');

  // A second account of the provider, made the default.
  const second = `${name}-2`;
  await form.getByLabel('名前', { exact: true }).fill(second);
  await form.getByLabel('リージョン / ゾーン', { exact: true }).fill('ap-northeast-3');
  await form.getByLabel('アクセスキー ID', { exact: true }).fill('AKIAI44QH8DHBEXAMPLE');
  await form.getByLabel('シークレットアクセスキー', { exact: true }).fill('je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY');
  await form.getByLabel('サブネット ID', { exact: true }).fill('subnet-0123456789abcdef1');
  await form.getByLabel('セキュリティグループ ID', { exact: true }).fill('sg-0123456789abcdef1');
  await form.getByLabel('ノードの AMI (Node.js 20 以上入り)', { exact: true }).fill('ami-0123456789abcdef1');
  await form.getByRole('button', { name: '追加' }).click();
  const secondRow = page.locator(`[data-testid="account-row"][data-account-name="${second}"]`);
  await expect(secondRow).toBeVisible();
  await secondRow.getByRole('button', { name: '既定にする' }).click();
  await expect(secondRow.getByTestId('account-default')).toBeVisible();
  await expect(row.getByTestId('account-default')).toHaveCount(0);
  await expect(row.getByRole('button', { name: '既定にする' })).toBeVisible();

  // Credentials are replaced as a whole.
  await row.getByRole('button', { name: '認証情報を置き換え' }).click();
  const replace = row.getByRole('form', { name: '認証情報の置き換え' });
  await replace.getByLabel('アクセスキー ID', { exact: true }).fill('AKIAJ7EXAMPLEREPLACE');
  await replace.getByRole('button', { name: '置き換える' }).click();
  await expect(replace.locator('#account-credentials-secretAccessKey[aria-invalid="true"]')).toBeVisible();
  await replace.getByLabel('シークレットアクセスキー', { exact: true }).fill('x'.repeat(40));
  await replace.getByRole('button', { name: '置き換える' }).click();
  await expect(row.getByTestId('account-hint')).toHaveText('AKIAJ7EXAMPLEREPLACE');
  // Keys AWS does not know: the test fails with EC2's code and what to do next.
  await row.getByRole('button', { name: '接続テスト' }).click();
  await expect(row.getByTestId('account-test')).toHaveAttribute('data-ok', 'false');
  await expect(row.getByTestId('account-test')).toContainText('AuthFailure');
  await expect(row.getByTestId('account-test')).toContainText('IAM のアクセスキーが有効か確認');
  await page.screenshot({ path: 'e2e/output/accounts.png', fullPage: true });

  for (const r of [row, secondRow]) {
    await r.getByRole('button', { name: '削除' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '削除' }).click();
    await expect(r).toHaveCount(0);
  }
});
