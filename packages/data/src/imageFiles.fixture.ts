import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

/** A base colour per class: a small net tells them apart from any crop. */
export const CLASS_COLOURS: readonly (readonly [number, number, number])[] = [
  [220, 40, 40],
  [40, 200, 60],
  [50, 70, 230],
  [230, 220, 60],
];

/** RGB bytes of a `width × height` image of class `k`: its colour, stripes whose direction depends on k, and noise. */
export function classPixels(k: number, width: number, height: number, seed: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  let state = (seed * 2654435761 + k * 97) >>> 0;
  const noise = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state >>> 24) - 128;
  };
  const [r, g, b] = CLASS_COLOURS[k % CLASS_COLOURS.length];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const stripe = ((k % 2 === 0 ? x : y) >> 2) % 2 === 0 ? 1 : 0.7;
      const p = (y * width + x) * 3;
      pixels[p] = Math.max(0, Math.min(255, r * stripe + noise() / 4));
      pixels[p + 1] = Math.max(0, Math.min(255, g * stripe + noise() / 4));
      pixels[p + 2] = Math.max(0, Math.min(255, b * stripe + noise() / 4));
    }
  }
  return pixels;
}

/** Writes one encoded image (`.jpg`, `.png` or `.webp` by extension) of class `k`. */
export async function writeClassImage(path: string, k: number, seed: number, size: { width: number; height: number } = { width: 40, height: 32 }): Promise<void> {
  const image = sharp(classPixels(k, size.width, size.height, seed), { raw: { width: size.width, height: size.height, channels: 3 } });
  const format = path.endsWith('.png') ? image.png() : path.endsWith('.webp') ? image.webp({ quality: 90 }) : image.jpeg({ quality: 90 });
  writeFileSync(path, await format.toBuffer());
}

/** Returns a fresh temporary directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `lt-${prefix}-`));
}

/** Writes `counts[k]` images of class `names[k]` into `root/<name>/`, cycling JPEG, PNG and WebP. */
export async function writeImageFolder(root: string, names: readonly string[], counts: readonly number[], seedOffset = 0): Promise<void> {
  const formats = ['jpg', 'png', 'webp'];
  for (const [k, name] of names.entries()) {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < counts[k]; i++) {
      await writeClassImage(join(root, name, `img${String(i).padStart(4, '0')}.${formats[i % 3]}`), k, seedOffset + i);
    }
  }
}
