import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { hydrated } from '../fixtures/accounts';

// Runs against the fresh server (no users yet), in order: setup can happen only once.
test.describe.configure({ mode: 'serial' });

test('a fresh installation leads to setup, which signs the owner in; signing out locks the catalog', async ({
  page,
}) => {
  await page.goto('/catalog');
  await expect(page).toHaveURL(/\/setup$/);
  await hydrated(page);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations).toEqual([]);

  await page.getByLabel('Team or company name').fill('Fresh Co');
  await page.getByLabel('Your name').fill('Frida First');
  await page.getByLabel('Email').fill('frida@fresh.test');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  // The browser's own minlength check or the server's message: either way, no account.
  await expect(page).toHaveURL(/\/setup$/);

  await page.getByLabel('Password').fill('a long first password');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page).toHaveURL(/\/catalog$/);
  await expect(page.getByTestId('signed-in-user')).toContainText('Frida First');
  await expect(page.locator('li.card').first()).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/catalog');
  await expect(page).toHaveURL(/\/login\?next=%2Fcatalog$/);

  const gone = await page.goto('/setup');
  expect(gone?.status()).toBe(404);
});

test('signing in again returns to the page that asked for it', async ({ page }) => {
  await page.goto('/catalog?category=payments');
  await expect(page).toHaveURL(/\/login\?next=/);
  await hydrated(page);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations).toEqual([]);
  await page.getByLabel('Email').fill('frida@fresh.test');
  await page.getByLabel('Password').fill('a long first password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/catalog\?category=payments$/);
  await expect(page.locator('li.card')).toHaveCount(1);
});

test('a wrong password says so and signs nobody in', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill('frida@fresh.test');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'The email or password is incorrect.' })).toBeVisible();
  await expect(page.getByTestId('signed-in-user')).toHaveCount(0);
});
