import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';
import { install, unreachableWordPress } from '../fixtures/api';

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

test('a member uses connectors and changes none: read-only forms, a test that runs', async ({ page, browser }) => {
  const name = `Member e2e ${Date.now()}`;
  const ownerPage = await browser.newPage();
  await signIn(ownerPage, accounts.owner, true);
  const id = await install(ownerPage, unreachableWordPress(name));
  await ownerPage.close();

  await signIn(page, accounts.member, true);
  await page.goto('/catalog');
  await hydrated(page);
  await expect(page.getByRole('note').filter({ hasText: 'Adding connectors needs the Owner or Admin role.' })).toBeVisible();
  await expect(page.getByRole('link', { name: /^Add / })).toHaveCount(0);

  await page.goto('/');
  await hydrated(page);
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
  await expect(card.getByRole('link', { name: `View ${name}` })).toBeVisible();
  await expect(card.getByRole('button', { name: /^(Activate|Deactivate|Delete)/ })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Add a connector' })).toHaveCount(0);

  await page.goto(`/connectors/${id}`);
  await hydrated(page);
  for (const field of await page.locator('.tab-panel').locator('input, select, textarea').all()) {
    await expect(field).toBeDisabled();
  }
  await expect(page.getByRole('button', { name: /^(Save|Activate|Deactivate|Delete)/ })).toHaveCount(0);
  // Using is theirs: the test runs.
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('region', { name: 'Connection test result' })).toContainText('No connection');

  await page.goto(`/connectors/${id}?tab=credentials`);
  await hydrated(page);
  await expect(page.getByRole('button', { name: /Replace|Clear|Re-authenticate/ })).toHaveCount(0);
  await expect(page.getByText('replace or clear them here')).toHaveCount(0);
  await page.goto(`/connectors/${id}?tab=permissions`);
  await hydrated(page);
  await expect(page.getByText('You can view these permissions but not change them.')).toBeVisible();

  await page.goto('/connectors/new');
  await hydrated(page);
  await expect(page.locator('[data-read-only]')).toContainText('needs the Owner or Admin role');

  await page.goto('/settings');
  await hydrated(page);
  await expect(page.getByRole('button', { name: 'Add member' })).toHaveCount(0);
  await expect(page.getByText('Only owners and admins manage API tokens.')).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});
