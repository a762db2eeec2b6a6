import { expect, test } from '@playwright/test';
import { signInWithOidc } from './sign-in';

// Mixed placement in the build form: OpenHPC's master on the lab's servers, its compute nodes on AWS.
test('a lab admin places a role on another provider and the plan shows each unit where it goes', async ({ page }) => {
  await signInWithOidc(page, 'labadmin', 'labadmin');
  await page.goto('/catalog/openhpc');
  await page.getByLabel('プロバイダ', { exact: true }).selectOption('onpremises');
  await page.getByText('詳細設定').click();
  const computeProvider = page.getByLabel('ロール compute のプロバイダー');
  await computeProvider.selectOption('aws');
  // The role's flavors are its provider's: AWS's, with their instance types.
  const computeFlavor = page.getByLabel('ロール compute のフレーバー');
  await expect(computeFlavor.locator('option', { hasText: 'small — 小' })).toHaveCount(1);
  await computeFlavor.selectOption('small');
  await page.getByRole('button', { name: 'プランを確認' }).click();

  const plan = page.getByTestId('plan-preview');
  await expect(plan.getByTestId('plan-unit-master')).toContainText('onpremises');
  await expect(plan.getByTestId('plan-unit-compute')).toContainText('aws');
  await expect(plan.getByTestId('plan-unit-compute')).toContainText('m4.large');
  await expect(plan.getByTestId('plan-totals')).toContainText('研究室のサーバー (オンプレミス) 1');
  await expect(plan.getByTestId('plan-totals')).toContainText('Amazon Web Services');
  // The cost is each provider's share as well as the whole.
  await expect(plan.getByTestId('plan-cost-by-provider')).toContainText('Amazon Web Services $');
  await page.screenshot({ path: 'e2e/output/placement-plan.png', fullPage: true });

  // Back to the build's provider: the role follows it again, with that provider's default flavor.
  await computeProvider.selectOption('');
  await expect(computeFlavor).toHaveValue('');
});
