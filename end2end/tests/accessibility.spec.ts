import AxeBuilder from '@axe-core/playwright';
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

test('axe finds no violations on the installed page', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('.app[data-hydrated="true"]')).toBeAttached();
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations).toEqual([]);
});
