import { expect, seededTypes, test } from '../fixtures/catalog';

// JavaScript disabled: the page must work from the server-rendered HTML alone.

test('every card is rendered by the server', async ({ catalog }) => {
  await catalog.open();
  await expect(catalog.cards).toHaveCount(seededTypes.length);
});

test('search submits as a GET form and the server filters', async ({ catalog, page }) => {
  await catalog.open();
  await catalog.search.fill('stripe');
  await catalog.search.press('Enter');
  await expect(page).toHaveURL(/\/catalog\?q=stripe/);
  await expect(catalog.cards).toHaveCount(1);
  await expect(catalog.card('stripe')).toBeVisible();
  await expect(catalog.search).toHaveValue('stripe');
});

test('the category filter works through the Search button', async ({ catalog, page }) => {
  await catalog.open();
  await catalog.category.selectOption('payments');
  await catalog.submit.click();
  await expect(page).toHaveURL(/category=payments/);
  await expect(catalog.cards).toHaveCount(seededTypes.filter((t) => t.category === 'payments').length);
  await expect(catalog.category).toHaveValue('payments');
});
