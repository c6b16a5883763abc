// What the browser tests share: Debian's Chromium launched headless through playwright-core, and
// a wait on a condition in the page.
import {chromium} from 'playwright-core';

export const step = (s) => console.log('· ' + s);

// Waits until `predicate(arg)` holds in the page. Polls page.evaluate, which calls the function
// over the DevTools protocol: page.waitForFunction of playwright-core 1.49 (the version that runs
// on Debian 12's Node 18) evaluates its predicate from a string, which the admin UI's
// Content-Security-Policy (no 'unsafe-eval') rightly refuses.
export async function until(page, predicate, arg, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await page.evaluate(predicate, arg)) return;
    } catch (e) {
      if (!/Execution context was destroyed|navigation/i.test(e.message)) throw e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${predicate}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// A page of 1366×768 in a headless Chromium, with the script errors it raises collected.
export async function openBrowser(executablePath) {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
  });
  const page = await browser.newPage({viewport: {width: 1366, height: 768}});
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/401|403|409/.test(m.text())) errors.push(m.text()); });
  return {browser, page, errors};
}

// Logs in from the login page.
export async function logIn(page, url, user, password) {
  await page.goto(url);
  await page.waitForSelector('#login-form');
  await page.fill('#user', user);
  await page.fill('#password', password);
  await page.press('#password', 'Enter');
  await page.waitForSelector('#nav a');
}

// Runs a test's steps: on a failure, a screenshot (OUT/failure.png) and exit code 1; the browser
// is closed either way.
export async function runTest(out, {browser, page}, steps) {
  try {
    await steps();
  } catch (e) {
    await page.screenshot({path: `${out}/failure.png`}).catch(() => {});
    console.error(e);
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}
