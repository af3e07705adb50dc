// harness.mjs: one end-to-end scenario = a fresh gateway + a fresh browser, both stopped in a
// finally; on failure the gateway's log tail and the browser console are printed.
import { test } from 'node:test';
import { startGateway } from './gateway.mjs';
import { launchBrowser } from './browser.mjs';

// Rejects after `ms`, so a stuck test still reaches its cleanup before node's own timeout.
function deadline(ms) {
  let timer;
  const promise = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`test body did not finish within ${ms} ms`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

// The text of GET `path`, or why there is none; for failure reports.
async function snapshot(gw, path) {
  try {
    const res = await fetch(`${gw.url}${path}`, { signal: AbortSignal.timeout(2000) });
    return `${res.status} ${(await res.text()).slice(0, 4000)}`;
  } catch (err) {
    return `no answer: ${err.message}`;
  }
}

// Registers test `name` running `body({gw, browser, t})`.
export function e2eTest(name, body, { timeoutMs = 180000, gateway = {}, browser: browserOptions = {} } = {}) {
  test(name, { timeout: timeoutMs + 30000 }, async (t) => {
    let gw = null;
    let browser = null;
    let failed = false;
    try {
      gw = await startGateway(gateway);
      browser = await launchBrowser(browserOptions);
      const limit = deadline(timeoutMs);
      try {
        await Promise.race([body({ gw, browser, t }), limit.promise]);
      } finally {
        limit.cancel();
      }
    } catch (err) {
      failed = true;
      if (gw && gw.exitCode !== null) console.log(`# rtcgate had exited during the test: ${gw.exitCode}`);
      if (gw && gw.exitCode === null) console.log(`--- /api/sessions ---\n${await snapshot(gw, '/api/sessions')}`);
      if (gw) console.log(`--- rtcgate log tail (${gw.logPath}) ---\n${gw.logTail()}`);
      if (browser) console.log(`--- browser console ---\n${browser.consoleTail()}`);
      throw err;
    } finally {
      if (browser) await browser.close();
      if (gw) {
        const code = await gw.stop();
        // A gateway that crashes or hangs on SIGTERM fails an otherwise passing test.
        if (code !== 0 && !failed) {
          console.log(`--- rtcgate log tail (${gw.logPath}) ---\n${gw.logTail()}`);
          throw new Error(`rtcgate did not exit cleanly on SIGTERM: ${code}`);
        }
      }
    }
  });
}

// Prints a figure a test asserts on, so a log shows how close it was.
export function figure(label, value, bound) {
  console.log(`# ${label}: ${typeof value === 'number' ? +value.toFixed(3) : JSON.stringify(value)}${bound ? `  (${bound})` : ''}`);
}
