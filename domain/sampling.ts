/**
 * The spot-check sample (定期抽查): `rate` of the population, at least `min` (never more than there are),
 * drawn reproducibly: the same seed and the same population always give the same sample.
 */
export function sampleSize(population: number, rate: number, min: number): number {
  return Math.min(population, Math.max(min, Math.ceil(population * rate)));
}

export function drawSample<T extends { id: string }>(population: readonly T[], rate: number, min: number, seed: string): T[] {
  const sorted = [...population].sort((a, b) => a.id.localeCompare(b.id));
  const random = mulberry32(hash(seed));
  // Fisher–Yates over a copy, driven by the seeded generator.
  for (let i = sorted.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [sorted[i], sorted[j]] = [sorted[j], sorted[i]];
  }
  return sorted.slice(0, sampleSize(sorted.length, rate, min));
}

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
