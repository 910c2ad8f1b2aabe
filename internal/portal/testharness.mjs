// testharness.mjs: what every browser test of the portal (internal/portal/test) starts with: `sendflow serve`
// on a free port, Debian's Chromium with the project's flags, and a page whose console and page errors are kept.
// Not a test file itself (it sits outside test/, so `node --test internal/portal/test/` does not run it).
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

/** Chromium's flags for every portal test (headless, no sandbox, no GPU, nothing fetched in the background). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic'];

/** The options of every portal test's browser context: desktop width, British English, London time. */
export const CONTEXT_OPTIONS = { viewport: { width: 1440, height: 1000 }, locale: 'en-GB', timezoneId: 'Europe/London', acceptDownloads: true };

/** Starts `sendflow serve --port 0` with args; resolves to { proc, url } once it prints its address (15 s at most). */
export async function serve(sendflow, args) {
  const proc = spawn(sendflow, ['serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((res, rej) => {
    let out = '';
    const t = setTimeout(() => rej(new Error(`sendflow serve printed no address: ${out} ${stderr}`)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) { clearTimeout(t); res(m[0]); }
    });
    proc.on('exit', (code) => rej(new Error(`sendflow serve exited ${code}: ${stderr}`)));
  });
  return { proc, url };
}

/** Chromium with a fresh user-data directory (launchPersistentContext) and the common options. */
export function launchPersistent(userData) {
  return chromium.launchPersistentContext(userData, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, ...CONTEXT_OPTIONS,
  });
}

/** Keeps page's console errors and uncaught page errors in problems. */
export function watch(page, problems) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return page;
}
