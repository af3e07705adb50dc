// timecode.mjs: a wall-clock time code drawn into video pixels and read back after encoding,
// transport and decoding. The top of the frame carries 64 large black/white blocks (2 rows of
// 32): 48 bits of milliseconds since the epoch, then a CRC-16 of them, so a frame blurred or
// half-updated by the codec is rejected rather than misread. Block sizes scale with the frame,
// so a stream the encoder downscaled still decodes.
//
// The functions are self-contained (no module state) so the browser page gets the same code
// through pageScript().

// CRC-16/CCITT-FALSE of the 6 bytes of a 48-bit value.
export function crc16(value) {
  let crc = 0xffff;
  for (let i = 5; i >= 0; --i) {
    crc ^= (Math.floor(value / 2 ** (8 * i)) & 0xff) << 8;
    for (let b = 0; b < 8; ++b) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

// The 64 bits for `ms`, most significant first: 48 of time code, 16 of CRC.
export function timecodeBits(ms) {
  const value = Math.floor(ms) % 2 ** 48;
  const bits = [];
  for (let i = 47; i >= 0; --i) bits.push(Math.floor(value / 2 ** i) % 2);
  const crc = crc16(value);
  for (let i = 15; i >= 0; --i) bits.push((crc >> i) & 1);
  return bits;
}

// Pixel rectangle of bit `i` in a width x height frame: 32 columns, rows of height/15.
export function blockRect(i, width, height) {
  const col = i % 32;
  const row = Math.floor(i / 32);
  const x0 = Math.round((col * width) / 32);
  const x1 = Math.round(((col + 1) * width) / 32);
  const bh = Math.floor(height / 15);
  return { x: x0, y: row * bh, w: x1 - x0, h: bh };
}

// Rows of the frame the time code occupies (what a reader has to look at).
export function timecodeRows(height) {
  return 2 * Math.floor(height / 15);
}

// Reads the time code through `luma(x, y)` (0..255). Returns {ms} or {error} when a block is
// ambiguous (a blend of black and white) or the CRC does not match.
export function decodeTimecode(luma, width, height) {
  const bits = [];
  for (let i = 0; i < 64; ++i) {
    const r = blockRect(i, width, height);
    // The middle half of the block: edges ring and bleed after compression and scaling.
    const xa = r.x + Math.floor(r.w / 4);
    const xb = r.x + Math.ceil((3 * r.w) / 4);
    const ya = r.y + Math.floor(r.h / 4);
    const yb = r.y + Math.ceil((3 * r.h) / 4);
    let sum = 0;
    let n = 0;
    for (let y = ya; y < yb; y += 2) {
      for (let x = xa; x < xb; x += 2) {
        sum += luma(x, y);
        ++n;
      }
    }
    const avg = sum / Math.max(1, n);
    if (avg > 80 && avg < 176) return { error: 'ambiguous block' };
    bits.push(avg >= 128 ? 1 : 0);
  }
  let value = 0;
  for (let i = 0; i < 48; ++i) value = value * 2 + bits[i];
  let crc = 0;
  for (let i = 48; i < 64; ++i) crc = (crc << 1) | bits[i];
  if (crc16(value) !== crc) return { error: 'crc mismatch' };
  return { ms: value };
}

// Fills a gray (1 byte per pixel) frame: time code on top, a moving bar below (so the encoder
// sees motion, as with a camera).
export function drawGrayFrame(buf, width, height, ms, frameIndex) {
  const top = timecodeRows(height);
  buf.fill(96, top * width);
  const barX = (frameIndex * 8) % width;
  for (let y = top; y < height; ++y) buf.fill(200, y * width + barX, y * width + Math.min(width, barX + 24));
  const bits = timecodeBits(ms);
  for (let i = 0; i < 64; ++i) {
    const r = blockRect(i, width, height);
    const v = bits[i] ? 255 : 0;
    for (let y = r.y; y < r.y + r.h; ++y) buf.fill(v, y * width + r.x, y * width + r.x + r.w);
  }
}

// Draws the time code and a moving bar on a 2D canvas context (the browser publisher).
export function drawCanvasFrame(ctx, width, height, ms, frameIndex) {
  const top = timecodeRows(height);
  ctx.fillStyle = 'rgb(96,96,96)';
  ctx.fillRect(0, top, width, height - top);
  ctx.fillStyle = 'rgb(200,200,200)';
  ctx.fillRect((frameIndex * 8) % width, top, 24, height - top);
  const bits = timecodeBits(ms);
  for (let i = 0; i < 64; ++i) {
    const r = blockRect(i, width, height);
    ctx.fillStyle = bits[i] ? '#fff' : '#000';
    ctx.fillRect(r.x, r.y, r.w, r.h);
  }
}

// Source of a classic script that defines window.__timecode with the functions above.
export function pageScript() {
  const fns = [crc16, timecodeBits, blockRect, timecodeRows, decodeTimecode, drawCanvasFrame];
  return `(() => {\n${fns.map(String).join('\n')}\nwindow.__timecode = { ${fns.map((f) => f.name).join(', ')} };\n})();`;
}

// p-th percentile (0..100) of `values` (nearest rank); null when empty.
export function percentile(values, p) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
