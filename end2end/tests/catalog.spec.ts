import { expect, seededTypes, test } from '../fixtures/catalog';

test('shows a card for every seeded connector type', async ({ catalog }) => {
  await catalog.open();
  await expect(catalog.cards).toHaveCount(seededTypes.length);
  await expect(catalog.count).toHaveText(`${seededTypes.length} connector types`);
  for (const type of seededTypes) {
    const card = catalog.card(type.key);
    await expect(card.getByRole('heading', { name: type.name })).toBeVisible();
    // "Add" starts the wizard at the details of this type.
    const href = (await card.getByRole('link', { name: `Add ${type.name}` }).getAttribute('href')) ?? '';
    const url = new URL(href, 'http://x');
    expect(url.pathname).toBe('/connectors/new');
    expect(url.searchParams.get('step')).toBe('details');
    expect(url.searchParams.get('type')).toBe(type.key);
  }
});

test('typing in the search box narrows the cards at once and updates the URL', async ({ catalog, page }) => {
  await catalog.open();
  await catalog.search.pressSequentially('word');
  await expect(catalog.cards).toHaveCount(1);
  await expect(catalog.card('wordpress')).toBeVisible();
  await expect(catalog.count).toHaveText(`Showing 1 of ${seededTypes.length} connector types`);
  await expect(page).toHaveURL(/\/catalog\?q=word$/);
  await expect(catalog.search).toBeFocused();
});

test('the category filter narrows the cards and combines with search', async ({ catalog, page }) => {
  await catalog.open();
  await catalog.category.selectOption({ label: 'Messaging' });
  const messaging = seededTypes.filter((t) => t.category === 'messaging');
  await expect(catalog.cards).toHaveCount(messaging.length);
  await expect(page).toHaveURL(/category=messaging/);

  await catalog.search.fill('slack');
  await expect(catalog.cards).toHaveCount(1);
  await expect(catalog.card('slack')).toBeVisible();
});

test('no match shows an empty state that leads back to everything', async ({ catalog, page }) => {
  await catalog.open();
  await catalog.search.fill('no such connector anywhere');
  await expect(catalog.cards).toHaveCount(0);
  await expect(page.getByText('No connector types match your search.')).toBeVisible();
  await page.getByRole('link', { name: 'Clear the search and show all types' }).click();
  await expect(catalog.cards).toHaveCount(seededTypes.length);
  await expect(catalog.search).toHaveValue('');
});

test('a filtered URL opens filtered, and the controls show the filter', async ({ catalog }) => {
  await catalog.open('?q=oauth&category=generic');
  await expect(catalog.cards).toHaveCount(1);
  await expect(catalog.card('oauth2_generic')).toBeVisible();
  await expect(catalog.search).toHaveValue('oauth');
  await expect(catalog.category).toHaveValue('generic');
});

test('the controls are reachable by keyboard with a visible focus ring', async ({ catalog, page }) => {
  await catalog.open();
  await catalog.search.focus();
  await page.keyboard.type('stripe');
  await expect(catalog.cards).toHaveCount(1);
  await page.keyboard.press('Tab');
  await expect(catalog.category).toBeFocused();
  const outline = await catalog.category.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');
});
