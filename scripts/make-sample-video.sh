#!/bin/sh
# Makes the simulator's finished video once: 2 s, 320x180, H.264 constrained baseline, yuv420p, faststart,
# no audio (~19 KB), and writes it as base64 into src/testing/sampleVideo.ts, so tests never need ffmpeg.
# Usage (from the repo root): sh scripts/make-sample-video.sh   (needs ffmpeg; Debian: apt-get install -y ffmpeg)
set -eu
out="${TMPDIR:-/tmp}/react-video-jobs-sample.mp4"
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=320x180:rate=15:duration=2" \
  -vf "drawtext=text=react-video-jobs:x=(w-text_w)/2:y=h-30:fontsize=18:fontcolor=white:box=1:boxcolor=black@0.5" \
  -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p -preset veryslow -crf 34 \
  -g 30 -movflags +faststart -an "$out"
echo "wrote $out ($(wc -c < "$out") bytes)"
node - "$out" <<'JS'
const fs = require('node:fs');
const b64 = fs.readFileSync(process.argv[2]).toString('base64');
const lines = b64.match(/.{1,100}/g).map((line) => `  '${line}'`).join(' +\n');
const file = 'src/testing/sampleVideo.ts';
const source = fs.readFileSync(file, 'utf8');
fs.writeFileSync(file, source.replace(/(export const SAMPLE_MP4_BASE64 =\n)[\s\S]*?;\n/, `$1${lines};\n`));
JS
