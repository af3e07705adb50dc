// media.mjs: known camera content for Chromium's fake capture device. The built-in fake
// pattern compresses so well that a 720p VP8 stream stays under 1 Mbps whatever the
// bandwidth estimate; a noisy test pattern makes the encoder actually use its target.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Path of a Y4M clip (generated once per machine with ffmpeg) of `seconds` of testsrc2 plus
// temporal noise at width x height and fps; Chromium loops it as the camera.
export function noisyCameraClip({ width = 1280, height = 720, fps = 30, seconds = 2, noise = 16 } = {}) {
  const path = join(tmpdir(), `rtcgate-e2e-cam-${width}x${height}-${fps}-${seconds}s-n${noise}.y4m`);
  if (!existsSync(path)) {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i',
      `testsrc2=size=${width}x${height}:rate=${fps},noise=alls=${noise}:allf=t+u`,
      '-t', String(seconds), '-pix_fmt', 'yuv420p', path + '.tmp.y4m']);
    execFileSync('mv', [path + '.tmp.y4m', path]);
  }
  return path;
}

// Browser launch arguments that make the fake camera play `clip`.
export function fakeCameraArgs(clip) {
  return [`--use-file-for-fake-video-capture=${clip}`];
}
