import { expect, test, type Page } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';

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
  await expect(page.getByRole('heading', { name: 'Step 2 of 6: Name and access' })).toBeVisible();
  expect(fetched.filter((name) => name.startsWith('split___wizard_route_view'))).toHaveLength(1);

  // The page's code is live: its buttons answer.
  await page.getByRole('link', { name: 'Back' }).click();
  await expect(page.getByRole('radio', { name: /WordPress/ })).toBeChecked();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Step 2 of 6: Name and access' })).toBeVisible();
});

test('pages served at the same time each get their own head', async ({ page, baseURL }) => {
  // Regression: Leptos' own chunk preload hints went to whichever page was being
  // rendered on the thread when a page waited for data, so a few pages got hundreds of
  // links and most none. (Node's fetch, not Playwright's request context: it sends all
  // 200 at once.)
  await signIn(page, accounts.owner, true);
  const cookie = (await page.context().cookies())
    .map(({ name, value }) => `${name}=${value}`)
    .join('; ');
  const heads = await Promise.all(
    Array.from({ length: 200 }, async () => {
      const html = await (await fetch(`${baseURL}/catalog`, { headers: { cookie } })).text();
      expect(html).toContain('connector types');
      return html.slice(0, html.indexOf('</head>'));
    }),
  );
  const linkCount = (head: string) => (head.match(/<link\b/g) ?? []).length;
  expect(new Set(heads.map(linkCount))).toEqual(new Set([linkCount(heads[0])]));
});
