import { expect, type Locator, type Page } from '@playwright/test';

export interface AwsAccount {
  keys: { accessKeyId: string; secretAccessKey: string };
  network: { subnetId: string; securityGroupId: string; imageId: string };
}

/** Adds an AWS account on the accounts page as an admin does, as the organization's default (the one builds use); returns its row. */
export async function addAwsAccount(page: Page, namePrefix: string, { keys, network }: AwsAccount): Promise<Locator> {
  await page.goto('/organization/accounts');
  const form = page.getByRole('form', { name: 'アカウントの追加' });
  await form.getByLabel('プロバイダ', { exact: true }).selectOption('aws');
  const name = `${namePrefix}-${Date.now().toString(36)}`;
  await form.getByLabel('名前', { exact: true }).fill(name);
  await form.getByLabel('リージョン / ゾーン', { exact: true }).fill('ap-northeast-1');
  await form.getByLabel('アクセスキー ID', { exact: true }).fill(keys.accessKeyId);
  await form.getByLabel('シークレットアクセスキー', { exact: true }).fill(keys.secretAccessKey);
  await form.getByLabel('サブネット ID', { exact: true }).fill(network.subnetId);
  await form.getByLabel('セキュリティグループ ID', { exact: true }).fill(network.securityGroupId);
  await form.getByLabel('ノードの AMI (Node.js 20 以上入り)', { exact: true }).fill(network.imageId);
  await form.getByLabel('このプロバイダの既定のアカウントにする').check();
  await form.getByRole('button', { name: '追加' }).click();
  const row = page.locator(`[data-testid="account-row"][data-account-name="${name}"]`);
  await expect(row).toBeVisible();
  return row;
}
