import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';

// A 390 × 844 phone (iPhone 12 to 15).
test.use({ viewport: { width: 390, height: 844 } });

async function fitsTheScreen(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${page.url()} is ${width} px wide`).toBeLessThanOrEqual(390);
}

async function noAxeViolations(page: Page) {
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations).toEqual([]);
}

/** Every shown radio and checkbox is its usual small size, next to a label that reads as
 *  a line or two, not a letter per line. */
async function choicesReadable(page: Page) {
  const choices = await page.locator('.choice:visible').evaluateAll((labels) =>
    labels.map((label) => ({
      text: label.textContent?.trim(),
      input: label.querySelector('input')?.getBoundingClientRect().width ?? 0,
      height: label.getBoundingClientRect().height,
    })),
  );
  expect(choices.length).toBeGreaterThan(1);
  for (const choice of choices) {
    expect(choice.input, `the box of "${choice.text}"`).toBeLessThanOrEqual(24);
    expect(choice.height, `"${choice.text}" is ${choice.height} px tall`).toBeLessThanOrEqual(80);
  }
}

/** No two of `selector`'s boxes overlap, and none runs off the screen. */
async function laidOutApart(page: Page, selector: string) {
  const boxes = await page.locator(selector).evaluateAll((elements) =>
    elements.map((element) => {
      const box = element.getBoundingClientRect();
      return { left: box.left, right: box.right, top: box.top, bottom: box.bottom, text: element.textContent?.trim() };
    }),
  );
  expect(boxes.length).toBeGreaterThan(1);
  for (const [i, a] of boxes.entries()) {
    expect(a.right, `${a.text} runs off the screen`).toBeLessThanOrEqual(390);
    for (const b of boxes.slice(i + 1)) {
      const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
      expect(apart, `${a.text} overlaps ${b.text}`).toBe(true);
    }
  }
}

test('on a phone the header is compact and the activity and members tables fit the screen', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  const header = await page.locator('.site-header').boundingBox();
  expect(header!.height).toBeLessThanOrEqual(120);

  const origin = new URL(page.url()).origin;
  const created = await page.request.post('/api/connectors', {
    headers: { Origin: origin },
    data: {
      catalog_key: 'wordpress',
      name: `Phone ${Date.now()}`,
      config: { base_url: 'http://127.0.0.1:9/a-rather-long-path/that-would-widen-a-table' },
      auth: { username: 'editor', application_password: 'abcd efgh ijkl mnop qrst uvwx' },
    },
  });
  const { id } = await created.json();
  await page.request.post(`/api/connectors/${id}/test`, { headers: { Origin: origin }, data: {} });

  await page.goto(`/connectors/${id}?tab=activity`);
  await hydrated(page);
  await expect(page.getByRole('table')).toBeVisible();
  await fitsTheScreen(page);
  await noAxeViolations(page);

  await page.goto('/settings');
  await hydrated(page);
  await expect(page.getByRole('table').first()).toBeVisible();
  await fitsTheScreen(page);
  await noAxeViolations(page);
});

test(`on a phone the wizard's radio and checkbox labels neither overlap nor run off the screen`, async ({ page }) => {
  await signIn(page, accounts.owner, true);
  await page.goto('/connectors/new?type=wordpress&step=details');
  await hydrated(page);
  await fitsTheScreen(page);
  await laidOutApart(page, '.choice');
  await choicesReadable(page);
  await noAxeViolations(page);
});

test('on a phone the whole wizard and every tab of the connector page fit and read', async ({ page }) => {
  test.slow();
  const name = `Phone wizard ${Date.now()}`;
  await signIn(page, accounts.owner, true);
  await page.goto('/connectors/new');
  await hydrated(page);
  await fitsTheScreen(page);
  await page.getByText('WordPress', { exact: true }).click();
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByRole('heading', { name: 'Step 2 of 6: Name and access' })).toBeVisible();
  await fitsTheScreen(page);
  await choicesReadable(page);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await page.getByRole('button', { name: 'Save and continue' }).click();

  await expect(page.getByRole('heading', { name: 'Step 3 of 6: Configure' })).toBeVisible();
  await page.getByLabel('Site URL').fill('http://127.0.0.1:9');
  await fitsTheScreen(page);
  await page.getByRole('button', { name: 'Save and continue' }).click();

  await expect(page.getByRole('heading', { name: 'Step 4 of 6: Authenticate' })).toBeVisible();
  await page.getByLabel('Username').fill('editor');
  await page.getByLabel('Application password').fill('abcd efgh ijkl mnop qrst uvwx');
  // The Show button sits beside the secret, not past the screen's edge.
  await fitsTheScreen(page);
  await page.getByRole('button', { name: 'Save and continue' }).click();

  await expect(page.getByRole('heading', { name: 'Step 5 of 6: Test the connection' })).toBeVisible();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('region', { name: 'Connection test result' })).toBeVisible();
  await fitsTheScreen(page);
  await page.getByRole('link', { name: 'Continue' }).click();

  await expect(page.getByRole('heading', { name: 'Step 6 of 6: Review and save' })).toBeVisible();
  await fitsTheScreen(page);
  await noAxeViolations(page);
  await page.getByRole('link', { name: 'Save (inactive)' }).click();

  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  for (const tab of ['Configuration', 'Credentials', 'Tests', 'Permissions', 'Activity']) {
    await page.getByRole('link', { name: tab, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`tab=${tab.toLowerCase()}`));
    await hydrated(page);
    await fitsTheScreen(page);
  }
  await noAxeViolations(page);
});
