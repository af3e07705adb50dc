// nginx.mjs: a private nginx with the RTMP module as a stand-in for a CDN ingest. Its config, pid
// file, logs and temp paths all live in a fresh directory; it runs with `daemon off;` so it is
// the child we started and is stopped by that pid.
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort, tcpAccepts } from './gateway.mjs';
import { ManagedProcess, requireProgram } from './process.mjs';

export const RTMP_MODULE = process.env.NGINX_RTMP_MODULE ?? '/usr/lib/nginx/modules/ngx_rtmp_module.so';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// nginx.conf text for an RTMP server on `port` whose every path is under `dir`. Players start
// at a keyframe (wait_key) so a decoder that joins late sees no missing references.
export function nginxConfig(dir, port) {
  return `load_module ${RTMP_MODULE};
daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 256; }
rtmp {
  server {
    listen 127.0.0.1:${port};
    chunk_size 4096;
    application live {
      live on;
      record off;
      wait_key on;
      wait_video on;
    }
  }
}
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
}
`;
}

// A running private nginx-rtmp.
export class Nginx {
  constructor(process, dir, port) {
    this.process = process;
    this.pid = process.pid;
    this.dir = dir;
    this.port = port;
  }

  rtmpUrl(key, app = 'live') {
    return `rtmp://127.0.0.1:${this.port}/${app}/${key}`;
  }

  errorLog() {
    const path = join(this.dir, 'error.log');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  stop() {
    return this.process.stop();
  }
}

// Starts nginx-rtmp on a free port; resolves once it accepts connections.
export async function startNginx({ timeoutMs = 10000 } = {}) {
  requireProgram('nginx');
  if (!existsSync(RTMP_MODULE)) throw new Error(`nginx RTMP module not found at ${RTMP_MODULE} (apt-get install libnginx-mod-rtmp)`);
  const port = await freeTcpPort();
  const dir = mkdtempSync(join(process.env.E2E_ARTIFACTS_DIR ?? tmpdir(), 'nginx-'));
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port));
  const proc = new ManagedProcess('nginx', 'nginx', ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')]);
  const nginx = new Nginx(proc, dir, port);
  const deadline = Date.now() + timeoutMs;
  while (!(await tcpAccepts(port))) {
    if (!proc.running || Date.now() > deadline) {
      await nginx.stop();
      throw new Error(`nginx did not start on 127.0.0.1:${port} (exit ${proc.exitCode}):\n${proc.stderrTail()}\n${nginx.errorLog().slice(-2000)}`);
    }
    await sleep(50);
  }
  console.log(`# nginx-rtmp pid ${nginx.pid} at rtmp://127.0.0.1:${port}, dir ${dir}`);
  return nginx;
}
