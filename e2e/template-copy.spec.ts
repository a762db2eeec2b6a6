import { expect, test } from '@playwright/test';
import { signInWithOidc } from './sign-in';

test('a lab copies a template, sees an edit error with its line and field, saves a new version and builds from its copy', async ({ page }) => {
  const slug = `my-web-${Date.now().toString(36)}`;
  await signInWithOidc(page, 'labadmin', 'labadmin');
  await page.getByTestId('template-web-hello').getByRole('link', { name: '開く' }).click();
  await page.getByLabel('新しいスラッグ').fill(slug);
  await page.getByRole('button', { name: 'このテンプレートをコピー' }).click();
  await expect(page).toHaveURL(new RegExp(`/catalog/${slug}$`));
  await expect(page.getByText('組織のテンプレート').first()).toBeVisible();

  await page.getByRole('link', { name: '編集' }).click();
  const editor = page.getByLabel('ocs-template.yaml');
  const original = await editor.inputValue();
  // A node count that is neither a number nor an expression: refused with its line and field.
  await editor.fill(original.replace('version: 0.1.0', 'version: 0.2.0').replace(/nodes: nodes\n/, 'nodes: [1, 2]\n'));
  await page.getByRole('button', { name: '検証して保存' }).click();
  const errors = page.getByTestId('template-errors');
  await expect(errors).toContainText('units[0].nodes');
  await expect(errors).toContainText(/\d+ 行 \d+ 列/);

  await editor.fill(
    original
      .replace('version: 0.1.0', 'version: 0.2.0')
      .replace(/changelog:\n/, 'changelog:\n  - version: 0.2.0\n    date: 2026-11-25\n    changes: { ja: 最大 3 ノード, en: At most 3 nodes }\n')
      .replace('maximum: 10', 'maximum: 3'),
  );
  await page.getByRole('button', { name: '検証して保存' }).click();
  await expect(page.getByText('版 0.2.0 を保存しました。')).toBeVisible();

  // The lab builds from its copy; the build records the copy's new version.
  await page.goto(`/catalog/${slug}`);
  await page.getByLabel('ユニットグループ名').fill(`copy-${Date.now().toString(36)}`);
  await page.getByLabel('ノード数').fill('1');
  await page.getByRole('button', { name: '構築を開始' }).click();
  await expect(page.getByTestId('build-log')).toContainText('build succeeded');
  await expect(page.getByTestId('build-log')).toContainText(`${slug}@0.2.0`);
  await page.getByRole('link', { name: /ユニットグループを表示/ }).click();
  await page.getByRole('button', { name: '削除', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: '削除する' }).click();
  await expect(page.getByTestId('unit-group-gone')).toBeVisible();
});
