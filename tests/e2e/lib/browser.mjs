// browser.mjs: launches Debian's Chromium headless through playwright-core, with a fake camera and
// microphone and loopback ICE candidates allowed, and records every page's console output.
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--use-fake-device-for-media-stream=fps=30',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  // Keep timers and media running at full speed in pages that are not in front.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--autoplay-policy=no-user-gesture-required',
];

// A headless Chromium plus the console lines of all its pages, for printing on failure.
export class Browser {
  // `contextOptions` go to every context (e.g. {ignoreHTTPSErrors: true} for a self-signed gateway).
  constructor(browser, contextOptions = {}) {
    this.browser = browser;
    this.contextOptions = contextOptions;
    this.console = [];
    this.webSocketUrls = [];  // every WebSocket any page opened
  }

  // A fresh context (separate cookies, separate WebRTC stack state) with camera and mic granted:
  // without the permission Chromium hides its addresses behind mDNS names and ICE never starts.
  async newPage(label = 'page') {
    const context = await this.browser.newContext({ ...this.contextOptions, permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    page.on('websocket', (ws) => this.webSocketUrls.push(ws.url()));
    page.on('console', (msg) => this.console.push(`[${label}] ${msg.type()}: ${msg.text()}`));
    page.on('pageerror', (err) => this.console.push(`[${label}] pageerror: ${err.message}`));
    page.label = label;
    return page;
  }

  consoleTail(lines = 80) {
    return this.console.slice(-lines).join('\n');
  }

  async close() {
    await this.browser.close().catch(() => {});
  }
}

export async function launchBrowser({ extraArgs = [], contextOptions = {} } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM} (run scripts/install-deps.sh)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  return new Browser(browser, contextOptions);
}
