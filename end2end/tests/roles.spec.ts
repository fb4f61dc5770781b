import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { accounts, signIn } from '../fixtures/accounts';

test('a viewer sees no write actions', async ({ page }) => {
  await signIn(page, accounts.viewer, true);
  await page.goto('/catalog');
  await expect(page.locator('li.card').first()).toBeVisible();
  await expect(page.getByRole('link', { name: /^Add / })).toHaveCount(0);

  await page.goto('/settings');
  await expect(page.getByRole('heading', { name: 'Members' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'owner@acme.test' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add member' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Change/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Create token' })).toHaveCount(0);
  await expect(page.getByText('Only owners and admins manage API tokens.')).toBeVisible();
});

test('an owner manages members and sees a new API token exactly once', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  await page.goto('/catalog');
  await expect(page.getByRole('link', { name: 'Add Stripe' })).toBeVisible();

  await page.goto('/settings');
  await expect(page.getByRole('button', { name: 'Add member' })).toBeVisible();
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations).toEqual([]);

  await page.getByLabel('Token name').fill(`e2e ${Date.now()}`);
  await page.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByTestId('new-token');
  await expect(shown).toHaveText(/^chub_[A-Za-z0-9_-]{43}$/);
  const token = (await shown.textContent()) ?? '';

  await page.reload();
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();
  expect(await page.content()).not.toContain(token);
});
