/**
 * Certificates and the matrix as a third party and a dashboard reader use them: a signed
 * certificate verifies against the signer's public key, and a changed field, another key, a
 * changed results.json or a missing signature each fail verification; the certificate page,
 * the badge and the matrix page render in headless Chromium without errors, the matrix's
 * verdict links open the case in that run's report, and its filters show exactly the rows
 * that differ or fail.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenReceiver, qfc, qfcSync } from '../../helpers/qfc-cli.js';
import { tempDir } from '../../helpers/temp-dir.js';

const CHROMIUM = '/usr/bin/chromium';
const SELECTION = ['--only', 'names/dotdot-*', '--only', 'names/absolute-*'];
const work = tempDir('qfc-matrix-certificate-');
const keys = join(work, 'keys');
let browser: Browser;

beforeAll(async () => {
  expect(qfcSync(['certificate', 'keygen', keys]).status).toBe(0);
  const reference = await qfc(['certify', ...SELECTION, '--out', join(work, 'reference'), '--certificate', '--signing-key', join(keys, 'signing-key.pem')]);
  expect(reference.status).toBe(0);
  const fixture = await qfc(['certify', '--receiver', brokenReceiver('escape-dotdot'), ...SELECTION, '--out', join(work, 'fixture'), '--certificate']);
  expect(fixture.status).toBe(1);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

async function openPage(path: string): Promise<{ page: Awaited<ReturnType<Browser['newPage']>>; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(pathToFileURL(path).href);
  return { page, errors };
}

describe('certificates', () => {
  const certificate = join(work, 'reference', 'certificate.json');
  const publicKey = join(keys, 'public-key.pem');

  it('verifies against the signer\'s key, with the results beside it', () => {
    const run = qfcSync(['certificate', 'verify', certificate, '--public-key', publicKey]);
    expect({ status: run.status, stdout: run.stdout }).toMatchObject({ status: 0 });
    expect(run.stdout).toMatch(/valid, signed by the trusted key [0-9a-f]{16}; results\.json .* matches/);
    const document = JSON.parse(readFileSync(certificate, 'utf8'));
    expect(document).toMatchObject({ format: 'qfc-certificate/1', conforming: true, strict: false, results: { file: 'results.json' }, signature: { algorithm: 'ed25519' } });
    expect(document.machine.kernel).not.toBe('');
    expect(document.suite.catalogueDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The bundled receiver's own script is among the program files, with its digest.
    const unpacker = fileURLToPath(new URL('../../../dist/bin/qfile-unpacker.js', import.meta.url));
    expect(document.implementation.programs).toContainEqual({ path: unpacker, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('fails on a changed field, another key, changed results and a missing signature', () => {
    const original = JSON.parse(readFileSync(certificate, 'utf8'));
    const tampered = join(work, 'reference', 'tampered.json');
    writeFileSync(tampered, JSON.stringify({ ...original, summary: { ...original.summary, fail: original.summary.fail + 1 } }));
    const changed = qfcSync(['certificate', 'verify', tampered, '--public-key', publicKey]);
    expect({ status: changed.status, stdout: changed.stdout.trim() }).toEqual({ status: 1, stdout: 'qfc certificate: the signature does not match the certificate: a field was changed after signing, or another key signed it' });

    const other = join(work, 'other-key.pem');
    writeFileSync(other, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const wrongKey = qfcSync(['certificate', 'verify', certificate, '--public-key', other]);
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.stdout).toMatch(/signed by key [0-9a-f]{16}, not by the trusted key [0-9a-f]{16}/);

    const results = join(work, 'changed-results.json');
    writeFileSync(results, readFileSync(join(work, 'reference', 'results.json'), 'utf8').replace('"pass"', '"fail"'));
    const wrongResults = qfcSync(['certificate', 'verify', certificate, '--public-key', publicKey, '--results', results]);
    expect(wrongResults.status).toBe(1);
    expect(wrongResults.stdout).toMatch(/results\.json does not match the certificate/);

    const unsigned = qfcSync(['certificate', 'verify', join(work, 'fixture', 'certificate.json')]);
    expect({ status: unsigned.status, stdout: unsigned.stdout.trim() }).toEqual({ status: 1, stdout: 'qfc certificate: the certificate is not signed' });
  });

  it('refuses a signing key that is not Ed25519, or one given without --certificate, before running', () => {
    const rsa = join(work, 'rsa.pem');
    writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const refused = qfcSync(['certify', '--certificate', '--signing-key', rsa]);
    expect({ status: refused.status, stderr: refused.stderr.trim() }).toEqual({ status: 2, stderr: `qfc: --signing-key ${rsa}: an rsa key, not Ed25519` });
    const alone = qfcSync(['certify', '--signing-key', join(keys, 'signing-key.pem')]);
    expect({ status: alone.status, stderr: alone.stderr.trim() }).toEqual({ status: 2, stderr: 'qfc: --signing-key signs a certificate: add --certificate' });
    expect(qfcSync(['certificate', 'keygen', keys]).status).toBe(2); // never over existing keys
  });

  it('renders its page and badge in Chromium', async () => {
    const { page, errors } = await openPage(join(work, 'fixture', 'certificate.html'));
    expect(await page.locator('#outcome').innerText()).toMatch(/^Not conforming — \d+ cases: \d+ pass, [1-9]\d* fail/);
    expect(await page.locator('#programs tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#programs').innerText()).toMatch(/naive-receiver\.mjs\s+[0-9a-f]{64}/);
    expect(await page.locator('#signature').innerText()).toMatch(/^Not signed\./);
    const badge = await openPage(join(work, 'fixture', 'badge.svg'));
    expect(await badge.page.locator('svg').getAttribute('aria-label')).toMatch(/^qfc: [1-9]\d* failing$/);
    const good = await openPage(join(work, 'reference', 'badge.svg'));
    expect(await good.page.locator('svg').getAttribute('aria-label')).toMatch(/^qfc: conforming /);
    expect([...errors, ...badge.errors, ...good.errors]).toEqual([]);
  });
});

describe('qfc matrix', () => {
  it('renders in Chromium with working links and filters', async () => {
    const out = join(work, 'matrix');
    const run = qfcSync(['matrix', join(work, 'reference'), join(work, 'fixture', 'results.json'), '--out', out]);
    expect(run.status).toBe(0);
    expect(readFileSync(join(out, 'matrix.md'), 'utf8')).toMatch(/^## qfc matrix: 2 runs, \d+ cases/);
    const { page, errors } = await openPage(join(out, 'matrix.html'));
    expect(await page.locator('#matrix thead tr').first().locator('th').count()).toBe(3);
    const rows = page.locator('tr.case-row');
    const all = await rows.count();
    const reference = JSON.parse(readFileSync(join(work, 'reference', 'results.json'), 'utf8'));
    expect(all).toBe(reference.cases.length);

    // Every verdict link leads to an existing report, and a failing one to its case's detail.
    const hrefs = await page.locator('a.v').evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
    expect(hrefs.length).toBeGreaterThan(all);
    for (const href of hrefs) expect(existsSync(resolve(out, decodeURIComponent(href.split('#')[0]!)))).toBe(true);
    await page.locator('tr.case-row[data-failing="true"] a.v.fail').first().click();
    await page.waitForLoadState();
    expect(page.url()).toMatch(/fixture\/index\.html#case-/);
    const target = decodeURIComponent(page.url().split('#')[1]!);
    expect(await page.locator(`[id="${target}"]`).count()).toBe(1);

    await page.goBack();
    const failing = await page.locator('tr.case-row[data-failing="true"]').count();
    const differing = await page.locator('tr.case-row[data-differs="true"]').count();
    expect(failing).toBeGreaterThan(0);
    await page.locator('#only-failures').check();
    expect(await page.locator('tr.case-row:not(.hidden)').count()).toBe(failing);
    expect(await page.locator('#shown').innerText()).toBe(String(failing));
    await page.locator('#only-failures').uncheck();
    await page.locator('#only-differences').check();
    expect(await page.locator('tr.case-row:not(.hidden)').count()).toBe(differing);
    await page.locator('#only-differences').uncheck();
    expect(await page.locator('tr.case-row:not(.hidden)').count()).toBe(all);
    expect(errors).toEqual([]);
    expect(resolve(dirname(out))).toBe(work);
  }, 120_000);

  it('refuses a missing --out or an unreadable run in one line, exit 2', () => {
    expect(qfcSync(['matrix', join(work, 'reference')]).status).toBe(2);
    const missing = qfcSync(['matrix', join(work, 'nothing'), '--out', join(work, 'm2')]);
    expect({ status: missing.status, stderr: missing.stderr.trim() }).toEqual({ status: 2, stderr: `qfc: cannot read ${join(work, 'nothing')}: ENOENT` });
  });
});
