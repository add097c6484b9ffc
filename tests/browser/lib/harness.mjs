// Shared harness of the browser tests: TAP lines, steps that turn exceptions into failures, Debian's chromium.
import { chromium } from 'playwright-core';

let n = 0;
let failed = 0;

export function tap(ok, name, detail) {
  n++;
  if (!ok) failed++;
  console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${name}`);
  if (!ok && detail) console.log(`# ${String(detail).replace(/\n/g, '\n# ')}`);
}

// fn returns true or undefined for success, or a string that says what is wrong.
export async function step(name, fn) {
  try {
    const detail = await fn();
    tap(detail === undefined || detail === true, name, detail);
  } catch (e) {
    tap(false, name, e.stack || e);
  }
}

// Without the background-networking flags Chromium keeps calling out from this closed network.
export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export function exitCode() {
  return failed ? 1 : 0;
}
