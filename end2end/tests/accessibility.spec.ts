import AxeBuilder from '@axe-core/playwright';
import { hydrated } from '../fixtures/accounts';
import { expect, test } from '../fixtures/catalog';

for (const [name, query] of [
  ['the full catalog', ''],
  ['a filtered catalog', '?category=social'],
  ['the empty state', '?q=nothing-matches-this'],
]) {
  test(`axe finds no violations on ${name}`, async ({ catalog, page }) => {
    await catalog.open(query);
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations).toEqual([]);
  });
}

test('axe finds no violations on the installed page', async ({ catalog, page }) => {
  await page.goto('/');
  await hydrated(page);
  await expect(catalog.page.getByRole('heading', { name: 'Installed connectors' })).toBeVisible();
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations).toEqual([]);
});
