/**
 * Seeded randomness for the emulator. Every random choice (job ids, durations, outcomes, image content,
 * random faults) comes from a stream derived from the seed and a purpose label, so adding a draw to one
 * stream (say, a random fault) never shifts another (say, job durations) and a run is reproducible.
 */

/** 32-bit string hash (FNV-1a), used to turn "seed + purpose" into a stream seed. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seeded uniform [0, 1) source as a plain function, for code that takes `random: () => number`. */
export function seededRandom(seed: number, purpose = ''): () => number {
  const stream = new SeededRandom(seed, purpose);
  return () => stream.next();
}

export class SeededRandom {
  private state: number;

  constructor(seed: number, purpose = '') {
    this.state = hash32(`${seed}:${purpose}`) || 0x9e3779b9;
  }

  /** Uniform in [0, 1) — mulberry32. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() needs at least one item');
    // next() is in [0, 1), so the index is in [0, length): the item is there.
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Standard normal draw (Box–Muller). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1], so the log is finite
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Lognormal draw given its median and the σ of the underlying normal. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }

  /** RFC 4122 version-4 shaped UUID (so `format: uuid` validators and clients accept it). */
  uuid(): string {
    const random = this.hex(32);
    const h = random.split('');
    h[12] = '4';
    h[16] = '89ab'.charAt(parseInt(random.charAt(16), 16) & 3);
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
}
