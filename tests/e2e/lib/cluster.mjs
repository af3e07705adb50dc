// cluster.mjs: a private redis-server and rtcgate nodes joined through it (docs/CLUSTER.md),
// all on 127.0.0.1 in the suite's network namespace, and clusterTest(), the harness of the
// cluster scenarios: Redis, the nodes and a browser, all stopped in a finally.
import { test } from 'node:test';
import { ManagedProcess, requireProgram } from './process.mjs';
import { startGateway, freeTcpPort, tcpAccepts } from './gateway.mjs';
import { launchBrowser } from './browser.mjs';
import { getJson } from './api.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A redis-server without persistence on a free port; stop() and start() again keep the port.
export class Redis {
  constructor(port) {
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
    this.proc = null;
  }

  async start() {
    requireProgram('redis-server');
    this.proc = new ManagedProcess('redis-server', 'redis-server', [
      '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning',
    ]);
    const deadline = Date.now() + 5000;
    while (!(await tcpAccepts(this.port))) {
      if (!this.proc.running) throw new Error(`redis-server exited: ${this.proc.stderrTail()}`);
      if (Date.now() > deadline) throw new Error('redis-server did not accept connections within 5 s');
      await sleep(50);
    }
  }

  async stop() {
    if (this.proc) await this.proc.stop();
    this.proc = null;
  }
}

export async function startRedis() {
  const redis = new Redis(await freeTcpPort());
  await redis.start();
  return redis;
}

// Node `id` of the cluster behind `redis` (extra options go to startGateway).
export async function startNode(redis, id, { region = 'test', extraArgs = [], ...options } = {}) {
  const gw = await startGateway({
    ...options,
    extraArgs: ['--cluster-redis', redis.url, '--node-id', id, '--region', region, ...extraArgs],
  });
  gw.nodeId = id;
  return gw;
}

// GET /api/cluster/nodes on `gw`: the ids listed.
export async function clusterNodeIds(gw) {
  return (await getJson(gw, '/api/cluster/nodes')).items.map((n) => n.id).sort();
}

// Resolves once every node lists exactly `ids`.
export async function waitForMembers(nodes, ids, timeoutMs = 10000) {
  const want = JSON.stringify([...ids].sort());
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await Promise.all(nodes.map((n) => clusterNodeIds(n).catch(() => [])));
    if (seen.every((s) => JSON.stringify(s) === want)) return seen;
    if (Date.now() > deadline) throw new Error(`nodes list ${JSON.stringify(seen)}, want ${want}`);
    await sleep(200);
  }
}

// Registers cluster scenario `name`: body({redis, nodes, browser}) with `count` nodes n1..nN,
// node i in `regions[i]` (all in "test" by default).
export function clusterTest(name, body, { count = 3, timeoutMs = 180000, node = {}, regions = [] } = {}) {
  test(name, { timeout: timeoutMs + 30000 }, async () => {
    let redis = null;
    const nodes = [];
    let browser = null;
    let failed = false;
    try {
      redis = await startRedis();
      for (let i = 1; i <= count; ++i) nodes.push(await startNode(redis, `n${i}`, { ...node, region: regions[i - 1] ?? 'test' }));
      await waitForMembers(nodes, nodes.map((n) => n.nodeId));
      browser = await launchBrowser();
      let timer;
      const limit = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`test body did not finish within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([body({ redis, nodes, browser }), limit]);
      } finally {
        clearTimeout(timer);
      }
    } catch (err) {
      failed = true;
      for (const n of nodes) console.log(`--- ${n.nodeId} log tail (${n.logPath}) ---\n${n.logTail(40)}`);
      if (browser) console.log(`--- browser console ---\n${browser.consoleTail()}`);
      throw err;
    } finally {
      if (browser) await browser.close();
      const unclean = [];
      for (const n of nodes) {
        const code = await n.stop();
        if (code !== 0 && !n.killed) unclean.push(`${n.nodeId}: ${code}`);
      }
      if (redis) await redis.stop();
      // A node that crashes or hangs on SIGTERM fails an otherwise passing test.
      if (unclean.length && !failed) {
        for (const n of nodes) console.log(`--- ${n.nodeId} log tail ---\n${n.logTail()}`);
        throw new Error(`nodes did not exit cleanly on SIGTERM: ${unclean.join(', ')}`);
      }
    }
  });
}
