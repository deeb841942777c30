// BlurHash placeholders (the analyzer stores one per photo): the hash
// decoded into a tiny picture shown while the photo loads.
const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~';

function base83(text) {
  let value = 0;
  for (const c of text) {
    const d = DIGITS.indexOf(c);
    if (d < 0) throw new Error('bad blurhash');
    value = value * 83 + d;
  }
  return value;
}

const toLinear = (v) => {
  const x = v / 255;
  return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
};
const toSrgb = (v) => {
  const x = Math.max(0, Math.min(1, v));
  return Math.trunc(x <= 0.0031308 ? x * 12.92 * 255 + 0.5 : (1.055 * x ** (1 / 2.4) - 0.055) * 255 + 0.5);
};
const signedSquare = (v) => Math.sign(v) * v * v;

// RGBA pixels of `width` x `height`, or null for a malformed hash.
export function decodeBlurhash(hash, width, height) {
  try {
    if (typeof hash !== 'string' || hash.length < 6) return null;
    const size = base83(hash[0]);
    const ny = Math.floor(size / 9) + 1;
    const nx = (size % 9) + 1;
    if (hash.length !== 4 + 2 * nx * ny) return null;
    const maximum = (base83(hash[1]) + 1) / 166;
    const colors = [];
    const dc = base83(hash.slice(2, 6));
    colors.push([toLinear(dc >> 16), toLinear((dc >> 8) & 255), toLinear(dc & 255)]);
    for (let i = 1; i < nx * ny; i++) {
      const v = base83(hash.slice(4 + i * 2, 6 + i * 2));
      colors.push([
        signedSquare((Math.floor(v / 361) - 9) / 9) * maximum,
        signedSquare(((Math.floor(v / 19) % 19) - 9) / 9) * maximum,
        signedSquare(((v % 19) - 9) / 9) * maximum,
      ]);
    }
    const pixels = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let r = 0; let g = 0; let b = 0;
        for (let j = 0; j < ny; j++) {
          for (let i = 0; i < nx; i++) {
            const basis = Math.cos((Math.PI * x * i) / width) * Math.cos((Math.PI * y * j) / height);
            const c = colors[i + j * nx];
            r += c[0] * basis; g += c[1] * basis; b += c[2] * basis;
          }
        }
        const o = 4 * (x + y * width);
        pixels[o] = toSrgb(r); pixels[o + 1] = toSrgb(g); pixels[o + 2] = toSrgb(b); pixels[o + 3] = 255;
      }
    }
    return pixels;
  } catch {
    return null;
  }
}

const cache = new Map();
// A data: URL of the placeholder (cached), or null.
export function blurhashToDataUrl(hash, width = 32, height = 32) {
  if (cache.has(hash)) return cache.get(hash);
  const pixels = decodeBlurhash(hash, width, height);
  let url = null;
  if (pixels) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d').putImageData(new ImageData(pixels, width, height), 0, 0);
    url = canvas.toDataURL('image/png');
  }
  cache.set(hash, url);
  return url;
}
