import { expect, test, type Page } from '@playwright/test';
import { accounts, hydrated } from '../fixtures/accounts';

// The release build is split by route (`cargo leptos build --split`): a page loads the
// main bundle and its own chunks, and another page's code only when it is visited.

/** Names of the WASM files the page fetches, from now on. */
function wasmFetched(page: Page): string[] {
  const names: string[] = [];
  page.on('response', (response) => {
    const name = new URL(response.url()).pathname.split('/').pop() ?? '';
    if (name.endsWith('.wasm')) {
      names.push(name);
    }
  });
  return names;
}

test('the sign-in page loads its own code and not the heavy pages', async ({ page }) => {
  const fetched = wasmFetched(page);
  await page.goto('/login');
  await hydrated(page);

  expect(fetched).toContain('connector-hub.wasm');
  expect(fetched.some((name) => name.startsWith('split___login_route_view'))).toBe(true);
  for (const other of ['wizard', 'connector_detail', 'settings', 'catalog']) {
    expect(fetched.filter((name) => name.startsWith(`split___${other}_route_view`))).toEqual([]);
  }
});

test('moving to another page fetches that page’s code then, and it works', async ({ page }) => {
  const fetched = wasmFetched(page);
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(accounts.owner.email);
  await page.getByLabel('Password').fill(accounts.owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-user')).toBeVisible();
  expect(fetched.filter((name) => name.startsWith('split___wizard_route_view'))).toEqual([]);

  await page.getByRole('link', { name: 'Catalog', exact: true }).click();
  await page.getByRole('link', { name: 'Add WordPress' }).click();
  await expect(page.getByRole('radio', { name: /WordPress/ })).toBeChecked();
  expect(fetched.filter((name) => name.startsWith('split___wizard_route_view'))).toHaveLength(1);

  // The page's code is live: its buttons answer.
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Step 2 of 6: Name and access' })).toBeVisible();
});
