/// <reference lib="dom" />
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { createPractice, createStaff, type TestStaff } from '../factories/staff.factory';
import { startTestApp, type TestApp } from '../setup/test-app';

/**
 * Swagger UI in a real Chromium, served over plain HTTP under a name that is not loopback:
 * Chromium treats localhost and 127.x as secure and ignores `upgrade-insecure-requests` there, so
 * only a name like this one shows what a colleague (or docker-compose) sees.
 */
const HOST = 'docs.test';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('Swagger UI in a browser', () => {
  let testApp: TestApp;
  let browser: Browser;
  let admin: TestStaff;
  let baseUrl: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    const practice = await createPractice(testApp.dataSource);
    admin = await createStaff(testApp.dataSource, { practiceId: practice.id, role: 'admin' });
    await testApp.app.listen(0, '127.0.0.1');
    const { port } = testApp.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://${HOST}:${port}`;
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox', // CI runs as root
        `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  it('signs in and runs a request from /docs', async () => {
    const page = await browser.newPage();
    const failedLoads: string[] = [];
    page.on('requestfailed', (failed) => failedLoads.push(failed.url()));
    await page.goto(`${baseUrl}/docs`, { waitUntil: 'networkidle0' });
    // A blank page (scripts sent to https://) renders no operations at all.
    await page.waitForSelector('.opblock', { timeout: 15_000 });
    expect(failedLoads).toEqual([]);

    // With this many operations Swagger UI renders only those near the viewport (its operations
    // list is virtualized); scrolling through the page must bring every one of them into view.
    const documented = await documentedOperations(baseUrl);
    expect(await operationsSeenWhileScrolling(page)).toEqual(documented);

    const login = await tryItOut(page, 'post', '/api/v1/auth/login');
    const body = await login.$('textarea.body-param__text');
    await body!.evaluate((element) => (element as unknown as { select(): void }).select());
    await page.keyboard.press('Backspace');
    await body!.type(JSON.stringify({ email: admin.email, password: admin.password }));
    const tokens = await execute(login, 200);
    const { accessToken } = JSON.parse(tokens) as { accessToken: string };

    await page.click('.auth-wrapper .authorize');
    const tokenField = await page.waitForSelector('.modal-ux input[type=text]');
    await tokenField!.type(accessToken);
    await page.click('.modal-ux .auth-btn-wrapper .authorize');
    await page.click('.modal-ux .btn-done');

    const staffList = await tryItOut(page, 'get', '/api/v1/staff');
    expect(await execute(staffList, 200)).toContain(admin.email);
  });
});

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Every operation of the served document, as `METHOD path`, sorted. */
async function documentedOperations(baseUrl: string): Promise<string[]> {
  const response = await fetch(`${baseUrl.replace(HOST, '127.0.0.1')}/docs-json`);
  const document = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => HTTP_METHODS.has(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

/**
 * Scrolls from the top of the page down, half a window at a time, and at each stop (once the page
 * has drawn it: Swagger UI renders only the operations near the viewport) asks `look`, until it
 * answers something or the page ends.
 */
async function scrollDown<T>(page: Page, look: () => Promise<T | null>): Promise<T | null> {
  await page.evaluate(() => window.scrollTo(0, 0));
  for (;;) {
    await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
    );
    const found = await look();
    if (found !== null) return found;
    const atEnd = await page.evaluate(() => {
      const end = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1;
      window.scrollBy(0, window.innerHeight / 2);
      return end;
    });
    if (atEnd) return null;
  }
}

/** Every operation rendered somewhere between the top of the page and its end, sorted. */
async function operationsSeenWhileScrolling(page: Page): Promise<string[]> {
  const seen = new Set<string>();
  await scrollDown(page, async () => {
    const rendered = await page.$$eval('.opblock', (blocks) =>
      blocks.map((block) => {
        const method = block.querySelector('.opblock-summary-method')?.textContent ?? '';
        const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
        return `${method.toUpperCase()} ${path}`;
      }),
    );
    rendered.forEach((operation) => seen.add(operation));
    return null;
  });
  return [...seen].sort();
}

/** Scrolls down from the top until `selector` is rendered, as a reader looking for it would. */
async function scrollTo(page: Page, selector: string): Promise<ElementHandle> {
  const found = await scrollDown(page, () => page.$(selector));
  if (!found) throw new Error(`${selector} is not on the page`);
  return found;
}

/** Opens an operation and presses "Try it out"; returns the operation's block. */
async function tryItOut(page: Page, method: string, path: string): Promise<ElementHandle> {
  const summary = await scrollTo(
    page,
    `.opblock-${method} .opblock-summary-path[data-path="${path}"]`,
  );
  await summary.click();
  const block = await summary.evaluateHandle((element) => element.closest('.opblock'));
  const operation = block.asElement() as ElementHandle;
  const button = await operation.waitForSelector('.try-out__btn');
  await button!.click();
  return operation;
}

/** Presses Execute and waits for the live response; returns its body after checking its status. */
async function execute(operation: ElementHandle, status: number): Promise<string> {
  const button = await operation.waitForSelector('.execute');
  await button!.click();
  const cell = await operation.waitForSelector(
    '.live-responses-table tbody .response .response-col_status',
  );
  expect(await cell!.evaluate((element) => element.textContent?.trim())).toBe(String(status));
  const bodyBlock = await operation.waitForSelector('.live-responses-table .microlight');
  return (await bodyBlock!.evaluate((element) => element.textContent)) ?? '';
}
