// The time code survives a round trip at several frame sizes and rejects damaged frames:
//   node --test bench/latency/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drawGrayFrame, decodeTimecode, percentile, blockRect } from './timecode.mjs';

test('time codes round-trip at several sizes', () => {
  for (const [w, h] of [[640, 360], [320, 180], [1280, 720], [426, 240]]) {
    const buf = Buffer.alloc(w * h);
    for (const ms of [0, 1, Date.now(), 2 ** 48 - 1]) {
      drawGrayFrame(buf, w, h, ms, 7);
      assert.deepEqual(decodeTimecode((x, y) => buf[y * w + x], w, h), { ms }, `${w}x${h} ${ms}`);
    }
  }
});

test('a flipped block fails the CRC; a gray block is ambiguous', () => {
  const [w, h] = [640, 360];
  const buf = Buffer.alloc(w * h);
  drawGrayFrame(buf, w, h, Date.now(), 0);
  const r = blockRect(20, w, h);
  const flipped = Buffer.from(buf);
  for (let y = r.y; y < r.y + r.h; ++y) for (let x = r.x; x < r.x + r.w; ++x) flipped[y * w + x] ^= 0xff;
  assert.equal(decodeTimecode((x, y) => flipped[y * w + x], w, h).error, 'crc mismatch');
  const gray = Buffer.from(buf);
  for (let y = r.y; y < r.y + r.h; ++y) gray.fill(128, y * w + r.x, y * w + r.x + r.w);
  assert.equal(decodeTimecode((x, y) => gray[y * w + x], w, h).error, 'ambiguous block');
});

test('percentiles by nearest rank', () => {
  const v = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.equal(percentile(v, 50), 50);
  assert.equal(percentile(v, 95), 95);
  assert.equal(percentile([], 50), null);
});
