import { expect, test } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';

/**
 * Render time of the largest seeded form (HTTP / REST API's configuration, 7 fields with
 * an `if`/`then`, a JSON editor and a radio group) in Chromium, with the Performance API:
 * from the click on the detail page's Configuration tab to the first frame after the form
 * is in the DOM. The data is already loaded, so this is the browser's rendering alone.
 */
test('render time of the largest seeded form', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  const origin = new URL(page.url()).origin;
  const created = await page.request.post('/api/connectors', {
    headers: { Origin: origin },
    data: {
      catalog_key: 'http_rest',
      name: `Render bench ${Date.now()}`,
      config: { base_url: 'https://api.example.com', pagination: 'cursor', cursor_param: 'next', default_headers: { 'X-Team': 'growth' } },
      auth: { method: 'none' },
    },
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  await page.goto(`/connectors/${id}?tab=activity`);
  await hydrated(page);

  const samples: number[] = [];
  for (let run = 0; run < 30; run++) {
    const duration = await page.evaluate(async () => {
      const tab = (name: string) =>
        [...document.querySelectorAll<HTMLAnchorElement>('nav.tabs a')].find((a) => a.textContent === name)!;
      const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      performance.mark('form-start');
      tab('Configuration').click();
      while (!document.querySelector('.schema-form [data-widget="json"]')) {
        await nextFrame();
      }
      await nextFrame();
      performance.mark('form-end');
      const measured = performance.measure('form-render', 'form-start', 'form-end').duration;
      tab('Activity').click();
      while (document.querySelector('.schema-form')) {
        await nextFrame();
      }
      return measured;
    });
    samples.push(duration);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  const p95 = samples[Math.floor(samples.length * 0.95)];
  console.log(`largest seeded form (http_rest config): median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${samples[samples.length - 1].toFixed(1)} ms over ${samples.length} renders`);
});
