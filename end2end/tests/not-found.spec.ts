import { expect, test } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';

// A connector that does not exist (or is another tenant's) is a real 404 page, with a way
// on, not a 200 with "Could not load this page".
for (const path of ['/connectors/00000000-0000-4000-8000-000000000000', '/connectors/not-an-id?tab=tests']) {
  test(`${path} is a 404 page`, async ({ page }) => {
    await signIn(page, accounts.owner, true);
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await hydrated(page);
    await expect(page.getByRole('heading', { name: 'Not found', level: 1 })).toBeVisible();
    await expect(page.getByText('No connector with this id.')).toBeVisible();
    await expect(page).toHaveTitle(/Not found/);
    await page.getByRole('link', { name: 'Installed connectors' }).click();
    await expect(page).toHaveURL(/\/$/);
  });
}
