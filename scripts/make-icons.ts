// Draws the app icons (a handset on a blue tile) as PNG without any image library.
// Run: npx tsx scripts/make-icons.ts  (writes public/icons/*.png; the output is committed).
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf: Uint8Array): number => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type: string, data: Buffer): Buffer => {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
};

function png(size: number, maskable: boolean): Buffer {
  const rows = Buffer.alloc(size * (size * 4 + 1));
  const inRoundRect = (x: number, y: number, x0: number, y0: number, x1: number, y1: number, r: number) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
  const s = size / 512;
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      let rgba = [0, 0, 0, 0];
      const tile = maskable || inRoundRect(x, y, 0, 0, size - 1, size - 1, 96 * s);
      if (tile) rgba = [0x1f, 0x3b, 0x57, 255];
      // handset body, screen, and three signal bars
      if (inRoundRect(x, y, 176 * s, 96 * s, 336 * s, 416 * s, 28 * s)) rgba = [0xf2, 0xf5, 0xf8, 255];
      if (inRoundRect(x, y, 196 * s, 136 * s, 316 * s, 356 * s, 8 * s)) rgba = [0x4f, 0xc3, 0xf7, 255];
      for (let i = 0; i < 3; i++) {
        const bx = 216 + i * 30;
        const top = 300 - i * 40;
        if (x >= bx * s && x <= (bx + 18) * s && y >= top * s && y <= 336 * s) rgba = [0x1f, 0x3b, 0x57, 255];
      }
      rows.set(rgba, y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync('public/icons', { recursive: true });
writeFileSync('public/icons/icon-192.png', png(192, false));
writeFileSync('public/icons/icon-512.png', png(512, false));
writeFileSync('public/icons/icon-512-maskable.png', png(512, true));
console.log('wrote public/icons/icon-192.png, icon-512.png, icon-512-maskable.png');
