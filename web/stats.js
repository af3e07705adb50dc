// stats.js: turns RTCPeerConnection.getStats() into the few figures a person (or a test) looks at:
// bitrate in/out, frame rate, resolution, RTT, packets lost, codecs and received audio energy.

// Reads one getStats() report into plain cumulative counters (no rates).
export async function readStats(pc) {
  const report = await pc.getStats();
  const codecs = new Map();
  const out = {
    timestamp: performance.now(),
    bytesSent: 0,
    bytesReceived: 0,
    videoOut: [],    // one entry per outbound video encoding (three with simulcast)
    videoIn: null,   // inbound video, if any
    audioOut: null,
    audioIn: null,
    rttMs: null,
    packetsLost: 0,
  };
  report.forEach((s) => {
    if (s.type === 'codec') codecs.set(s.id, s.mimeType);
  });
  report.forEach((s) => {
    const codec = codecs.get(s.codecId) ?? null;
    if (s.type === 'outbound-rtp') {
      out.bytesSent += s.bytesSent ?? 0;
      if (s.kind === 'video') {
        out.videoOut.push({
          rid: s.rid ?? null, codec, bytesSent: s.bytesSent ?? 0, framesEncoded: s.framesEncoded ?? 0,
          framesSent: s.framesSent ?? 0, frameWidth: s.frameWidth ?? 0, frameHeight: s.frameHeight ?? 0,
          framesPerSecond: s.framesPerSecond ?? 0, nackCount: s.nackCount ?? 0, pliCount: s.pliCount ?? 0,
          qualityLimitationReason: s.qualityLimitationReason ?? null,
        });
      } else if (s.kind === 'audio') {
        out.audioOut = { codec, bytesSent: s.bytesSent ?? 0, packetsSent: s.packetsSent ?? 0 };
      }
    } else if (s.type === 'inbound-rtp') {
      out.bytesReceived += s.bytesReceived ?? 0;
      out.packetsLost += s.packetsLost ?? 0;
      if (s.kind === 'video') {
        out.videoIn = {
          codec, bytesReceived: s.bytesReceived ?? 0, packetsReceived: s.packetsReceived ?? 0,
          packetsLost: s.packetsLost ?? 0, framesReceived: s.framesReceived ?? 0,
          framesDecoded: s.framesDecoded ?? 0, framesDropped: s.framesDropped ?? 0,
          frameWidth: s.frameWidth ?? 0, frameHeight: s.frameHeight ?? 0,
          framesPerSecond: s.framesPerSecond ?? 0, freezeCount: s.freezeCount ?? 0,
          totalFreezesDuration: s.totalFreezesDuration ?? 0, nackCount: s.nackCount ?? 0,
          pliCount: s.pliCount ?? 0, keyFramesDecoded: s.keyFramesDecoded ?? 0,
        };
      } else if (s.kind === 'audio') {
        out.audioIn = {
          codec, bytesReceived: s.bytesReceived ?? 0, packetsReceived: s.packetsReceived ?? 0,
          packetsLost: s.packetsLost ?? 0, totalAudioEnergy: s.totalAudioEnergy ?? 0,
          audioLevel: s.audioLevel ?? 0, totalSamplesDuration: s.totalSamplesDuration ?? 0,
        };
      }
    } else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
      if (s.currentRoundTripTime !== undefined) out.rttMs = s.currentRoundTripTime * 1000;
    }
  });
  return out;
}

// The figures shown in a stats table, computed from two consecutive readings.
export function summarize(prev, cur) {
  const seconds = prev ? (cur.timestamp - prev.timestamp) / 1000 : 0;
  const rate = (a, b) => (seconds > 0 ? Math.max(0, ((b - a) * 8) / seconds) : 0);
  const top = cur.videoOut.reduce((best, e) => (e.frameWidth > (best?.frameWidth ?? -1) ? e : best), null);
  const video = cur.videoIn ?? top;
  return {
    bitrateOutBps: prev ? rate(prev.bytesSent, cur.bytesSent) : 0,
    bitrateInBps: prev ? rate(prev.bytesReceived, cur.bytesReceived) : 0,
    fps: video?.framesPerSecond ?? 0,
    width: video?.frameWidth ?? 0,
    height: video?.frameHeight ?? 0,
    rttMs: cur.rttMs,
    packetsLost: cur.packetsLost,
    videoCodec: video?.codec ?? null,
    audioCodec: (cur.audioIn ?? cur.audioOut)?.codec ?? null,
    audioEnergy: cur.audioIn?.totalAudioEnergy ?? null,
    framesDecoded: cur.videoIn?.framesDecoded ?? null,
    freezeCount: cur.videoIn?.freezeCount ?? null,
    layers: cur.videoOut.length > 1 ? cur.videoOut.map((e) => `${e.rid}:${e.frameWidth}x${e.frameHeight}`) : null,
  };
}

// Samples `pc` every `intervalMs` and calls onSample(summary, rawReading) until stopped.
export class StatsMonitor {
  constructor(pc, onSample, intervalMs = 1000) {
    this.pc = pc;
    this.onSample = onSample;
    this.prev = null;
    this.latest = null;
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.sample();
  }

  async sample() {
    if (this.pc.connectionState === 'closed') return this.stop();
    const cur = await readStats(this.pc);
    this.latest = summarize(this.prev, cur);
    this.prev = cur;
    this.onSample?.(this.latest, cur);
  }

  stop() {
    clearInterval(this.timer);
  }
}

// Human-readable forms used by the demo page.
export function formatBitrate(bps) {
  if (!bps) return '0 kbps';
  return bps >= 1e6 ? `${(bps / 1e6).toFixed(2)} Mbps` : `${Math.round(bps / 1e3)} kbps`;
}
