// loss.mjs: random packet loss with nftables inside the suite's private network namespace (this
// kernel has no netem): a table with one rule dropping a share of the UDP packets sent to a port;
// and a table dropping all UDP (for ICE-TCP).
import { execFileSync } from 'node:child_process';

function nft(...args) {
  return execFileSync('nft', args, { encoding: 'utf8' });
}

export class UdpLoss {
  // Drops `percent` % (100: all) of the UDP packets sent to `port` on this namespace's loopback. At the
  // `output` hook the sending process sees the drop (sendmsg fails; Chromium then sends the
  // packet again); at `input` it is lost the way a network loses it, unseen by the sender.
  // `sourcePort` narrows it to the packets sent from that port (one hop between two servers).
  constructor(table, port, percent, hook = 'output', { sourcePort } = {}) {
    try {
      execFileSync('nft', ['--version']);
    } catch {
      throw new Error('nft (nftables) is needed for the loss tests: run scripts/install-deps.sh');
    }
    this.table = table;
    nft('add', 'table', 'inet', table);
    nft('add', 'chain', 'inet', table, 'loss', `{ type filter hook ${hook} priority 0; policy accept; }`);
    const share = percent >= 100 ? [] : ['numgen', 'random', 'mod', '100', '<', String(percent)];
    const from = sourcePort ? ['udp', 'sport', String(sourcePort)] : [];
    nft('add', 'rule', 'inet', table, 'loss', ...from, 'udp', 'dport', String(port), ...share, 'counter', 'drop');
  }

  dropped() {
    const m = nft('list', 'table', 'inet', this.table).match(/counter packets (\d+)/);
    return m ? Number(m[1]) : 0;
  }

  remove() {
    try {
      nft('delete', 'table', 'inet', this.table);
    } catch {}
  }
}

// Drops every UDP packet leaving this namespace's processes (the `output` hook sees loopback
// traffic too): browsers and the gateway can only reach each other over TCP. Call remove().
export class UdpBlock {
  constructor(table) {
    try {
      execFileSync('nft', ['--version']);
    } catch {
      throw new Error('nft (nftables) is needed to block UDP: run scripts/install-deps.sh');
    }
    this.table = table;
    nft('add', 'table', 'inet', table);
    nft('add', 'chain', 'inet', table, 'out', '{ type filter hook output priority 0; policy accept; }');
    nft('add', 'rule', 'inet', table, 'out', 'meta', 'l4proto', 'udp', 'counter', 'drop');
  }

  dropped() {
    const m = nft('list', 'table', 'inet', this.table).match(/counter packets (\d+)/);
    return m ? Number(m[1]) : 0;
  }

  remove() {
    try {
      nft('delete', 'table', 'inet', this.table);
    } catch {}
  }
}
