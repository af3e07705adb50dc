// Takes a PNG of the demo page in headless Chromium, to look at the page after changing it.
//
//   node tests/e2e/tools/screenshot.mjs OUT.png [--url http://127.0.0.1:PORT/] [--play]
//
// Without --url it serves web/ itself (no WHIP/WHEP behind it: Publish only shows the camera and
// the error). With --url of a running rtcgate and --play it clicks Publish, then Play, and waits for
// the stats tables to fill.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, extname, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../lib/browser.mjs';

const webDir = join(dirname(fileURLToPath(import.meta.url)), '../../../web');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

function serveWeb() {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    try {
      const body = await readFile(join(webDir, path === '/' ? 'index.html' : path.replace(/\.\./g, '')));
      res.writeHead(200, { 'Content-Type': types[extname(path) || '.html'] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found (static preview server: no WHIP/WHEP here)');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const args = process.argv.slice(2);
const out = args.find((a) => a.endsWith('.png')) ?? 'demo.png';
const urlArg = args.includes('--url') ? args[args.indexOf('--url') + 1] : null;
const server = urlArg ? null : await serveWeb();
const url = urlArg ?? `http://127.0.0.1:${server.address().port}/`;

const browser = await launchBrowser();
try {
  const page = await browser.newPage('demo');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(url);
  await page.click('#pub-button');
  if (args.includes('--play')) {
    await page.waitForTimeout(2000);
    await page.click('#play-button');
  }
  await page.waitForTimeout(args.includes('--play') ? 8000 : 2000);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out} (${url})`);
  console.log(browser.consoleTail());
} finally {
  await browser.close();
  server?.close();
}
