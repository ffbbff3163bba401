/**
 * Debian's Chromium driven by playwright-core for the web app's tests and benchmark. Without Chromium a test
 * skips with a warning, unless HITLINE_REQUIRE_BROWSER=1 (set in CI by .ci/run): then it fails, so the
 * browser tests can never silently stop running there.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
export const browserRequired = process.env.HITLINE_REQUIRE_BROWSER === '1';

export function launchChromium(): Promise<Browser> {
  if (!haveChromium) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
