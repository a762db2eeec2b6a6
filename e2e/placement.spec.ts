import { expect, test } from '@playwright/test';
import { signInWithOidc } from './sign-in';

// Mixed placement in the build form: OpenHPC's master on the lab's servers, its compute nodes on AWS,
// in another of the organization's AWS accounts than the default.
test('a lab admin places a role on another provider and account, and the plan shows each unit where it goes', async ({ page }) => {
  await signInWithOidc(page, 'labadmin', 'labadmin');
  const { organizations } = (await (await page.request.get('/api/v1/organizations')).json()) as { organizations: { id: string; permissions: string[] }[] };
  const organizationId = organizations.find((o) => o.permissions.includes('manageAccounts'))!.id;
  const grant = `grant-aws-${Date.now().toString(36)}`;
  for (const [name, isDefault] of [[`lab-aws-${Date.now().toString(36)}`, true], [grant, false]] as const) {
    const added = await page.request.post(`/api/v1/organizations/${organizationId}/provider-accounts`, {
      data: {
        provider: 'aws',
        name,
        region: 'ap-northeast-1',
        isDefault,
        network: { subnetId: 'subnet-0a1b2c3d4e5f6071a', securityGroupId: 'sg-0a1b2c3d4e5f6071a', imageId: 'ami-0a1b2c3d4e5f6071a' },
        credentials: { accessKeyId: 'AKIAI44QH8DHBPLACE00', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbPLACEKEY00' },
      },
    });
    expect(added.status()).toBe(201);
  }
  await page.goto('/catalog/openhpc');
  await page.getByLabel('プロバイダ', { exact: true }).selectOption('onpremises');
  await page.getByText('詳細設定').click();
  const computeProvider = page.getByLabel('ロール compute のプロバイダー');
  await computeProvider.selectOption('aws');
  // The role's flavors are its provider's: AWS's, with their instance types.
  const computeFlavor = page.getByLabel('ロール compute のフレーバー');
  await expect(computeFlavor.locator('option', { hasText: 'small — 小' })).toHaveCount(1);
  await computeFlavor.selectOption('small');
  await page.getByLabel('ロール compute のアカウント').selectOption({ label: grant });
  await page.getByRole('button', { name: 'プランを確認' }).click();

  const plan = page.getByTestId('plan-preview');
  await expect(plan.getByTestId('plan-unit-master')).toContainText('onpremises');
  await expect(plan.getByTestId('plan-unit-compute')).toContainText('aws');
  await expect(plan.getByTestId('plan-unit-compute')).toContainText('m4.large');
  await expect(plan.getByTestId('plan-unit-compute').getByTestId('plan-unit-account')).toHaveText(`アカウント: ${grant}`);
  await expect(plan.getByTestId('plan-totals')).toContainText('研究室のサーバー (オンプレミス) 1');
  await expect(plan.getByTestId('plan-totals')).toContainText('Amazon Web Services');
  // The cost is each provider's share as well as the whole.
  await expect(plan.getByTestId('plan-cost-by-provider')).toContainText('Amazon Web Services $');
  await page.screenshot({ path: 'e2e/output/placement-plan.png', fullPage: true });

  // Back to the build's provider: the role follows it again, with that provider's default flavor.
  await computeProvider.selectOption('');
  await expect(computeFlavor).toHaveValue('');
});
