import path from 'node:path';
import { expect, test } from '@playwright/test';
import { readCapturedMail } from '../lib/mail/catcher';
import { E2E } from '../playwright.config';
import { signInWithOidc, signInWithSaml } from './sign-in';

test('a new lab head signs in by SAML, applies, NII staff approve it, and the lab head builds', async ({ browser }) => {
  const organization = `ロボット研究室 ${Date.now().toString(36)}`;

  // The applicant: a GakuNin user with no organization yet.
  const applicant = await (await browser.newContext()).newPage();
  await signInWithSaml(applicant, /デモ大学/, 'newlab', 'newlab');
  await expect(applicant.getByTestId('user-name')).toContainText('佐藤 一郎');
  await applicant.getByRole('link', { name: '利用申請' }).click();

  await applicant.getByLabel('組織名').fill(organization);
  await applicant.getByLabel('部局').fill('機械工学科');
  await applicant.getByLabel('申請者氏名').fill('佐藤 一郎');
  await applicant.getByLabel('連絡先メールアドレス').fill('ichiro@gmail.com');
  await applicant.getByLabel('利用目的').fill('ロボット制御の演習 (学生 20 名)');
  await applicant.getByLabel('想定学生数').fill('20');
  await applicant.getByLabel('想定ノード数').fill('2');
  await applicant.locator('#wantedProviders-local').check();
  await applicant.getByRole('button', { name: '申請する' }).click();
  // A contact address outside the institution's domain is refused in the form.
  await expect(applicant.locator('#contactEmail-error, [role=alert]').filter({ hasText: 'demo-univ.ac.jp' }).first()).toBeVisible();
  await applicant.getByLabel('連絡先メールアドレス').fill('robot-lab@demo-univ.ac.jp');
  await applicant.getByRole('button', { name: '申請する' }).click();
  await expect(applicant).toHaveURL(/\/apply\/[0-9a-f-]+$/);
  await expect(applicant.locator('[data-state="submitted"]').first()).toBeVisible();

  // NII staff review it in the queue and approve it with a quota.
  const staff = await (await browser.newContext()).newPage();
  await signInWithOidc(staff, 'staff', 'staff');
  await staff.getByRole('link', { name: '申請審査' }).click();
  await staff.getByRole('link', { name: organization }).click();
  await staff.getByLabel('理由').fill('演習用途として承認します。');
  await staff.getByLabel('最大ノード数', { exact: true }).fill('2');
  await staff.getByRole('button', { name: '承認する' }).click();
  await expect(staff.locator('[data-state="approved"]').first()).toBeVisible();

  // The applicant, now the organization's owner, builds within the quota.
  await applicant.goto('/catalog/web-hello');
  await applicant.getByLabel('ユニットグループ名').fill('robot-class');
  await applicant.getByLabel('ノード数').fill('3');
  await applicant.getByRole('button', { name: '構築を開始' }).click();
  await expect(applicant.getByRole('alert').filter({ hasText: /quota|2/ }).first()).toBeVisible();
  await applicant.getByLabel('ノード数').fill('1');
  await applicant.getByRole('button', { name: '構築を開始' }).click();
  await expect(applicant.getByTestId('build-log')).toContainText('build succeeded');
  await applicant.getByRole('link', { name: /ユニットグループを表示/ }).click();
  await expect(applicant.locator('[data-testid="node-row"][data-node-state="RUNNING"]')).toHaveCount(1);
  await applicant.getByRole('button', { name: '削除', exact: true }).click();
  await applicant.getByRole('dialog').getByRole('button', { name: '削除する' }).click();
  await expect(applicant.getByTestId('unit-group-gone')).toBeVisible();

  // Both sides were told by e-mail.
  const mail = await readCapturedMail(path.join(E2E.dataDir, 'mail'));
  expect(mail.some((m) => m.to.includes('staff@nii.ac.jp'))).toBe(true);
  expect(mail.filter((m) => m.to.includes('newlab@demo-univ.ac.jp')).length).toBeGreaterThanOrEqual(2);
});
