/**
 * index.html opens in headless Chromium without console errors, and a failing case's hex
 * dump and violation text are on the page.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { brokenReceiver, qfc } from '../../helpers/qfc-cli.js';
import { tempDir } from '../../helpers/temp-dir.js';

const CHROMIUM = '/usr/bin/chromium';

describe('the HTML report', () => {
  it('renders in Chromium with the failing case\'s hex dump and violations', async () => {
    expect(existsSync(CHROMIUM), 'Debian chromium is needed (apt-get install chromium; .ci/run installs it)').toBe(true);
    const out = join(tempDir('qfc-html-'), 'run');
    const run = await qfc(['certify', '--receiver', brokenReceiver('escape-dotdot'), '--only', 'names/dotdot-leading', '--only', 'entry-types/fifo', '--out', out]);
    expect(run.status).toBe(1);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(pathToFileURL(join(out, 'index.html')).href);
      const text = await page.locator('body').innerText();
      expect(errors).toEqual([]);
      expect(text).toContain('Not conforming');
      const detail = await page.locator('#case-dotdot-leading').innerText();
      expect(detail).toContain('inv.no-escape');
      expect(detail).toContain('outside/escaped: file created outside the target');
      expect(detail).toContain('name "../outside/escaped"');
      expect(detail).toMatch(/00000000: 13 00 00 00 a4 81 00 00 07 00 00 00 00 00 00 00/);
      expect(detail).toContain('end marker');
      // the verdict filter works: showing only failures hides every other row
      const rows = await page.locator('#all tbody tr').count();
      const failing = await page.locator('#all tbody tr[data-verdict="fail"]').count();
      await page.locator('.filters button[data-show="fail"]').click();
      expect(await page.locator('#all tbody tr:not([hidden])').count()).toBe(failing);
      await page.locator('.filters button[data-show="pass"]').click();
      expect(await page.locator('#all tbody tr:not([hidden])').count()).toBe(rows - failing);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
