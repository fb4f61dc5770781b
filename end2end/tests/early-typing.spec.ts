import { expect, test, type Page } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';

/**
 * Holds the app's JavaScript and WASM back until `release` is called, so a test can type
 * into the server-rendered page before the app takes over, as a person on a slow network
 * does.
 */
async function holdTheApp(page: Page): Promise<() => void> {
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/pkg/**', async (route) => {
    await gate;
    await route.continue();
  });
  return release;
}

test('what is typed into the catalog search before the app takes over is what is searched', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  const release = await holdTheApp(page);
  await page.goto('/catalog', { waitUntil: 'commit' });
  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.pressSequentially('word');
  release();
  await hydrated(page);
  await expect(search).toHaveValue('word');
  await expect(page).toHaveURL(/[?&]q=word/);
  await expect(page.locator('li.card[data-key="wordpress"]')).toBeVisible();
  await expect(page.locator('li.card[data-key="stripe"]')).toHaveCount(0);
  // Typing on after the app took over extends what was typed before.
  await search.press('End');
  await search.pressSequentially('press');
  await expect(page).toHaveURL(/[?&]q=wordpress/);
});

test('what is typed into the wizard type search before the app takes over filters the types', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  const release = await holdTheApp(page);
  await page.goto('/connectors/new', { waitUntil: 'commit' });
  const search = page.getByRole('searchbox', { name: 'Search types' });
  await search.pressSequentially('stripe');
  release();
  await hydrated(page);
  await expect(search).toHaveValue('stripe');
  await expect(page.getByRole('radio', { name: /Stripe/ })).toBeVisible();
  await expect(page.getByRole('radio', { name: /WordPress/ })).toHaveCount(0);
});
