// Seeded pseudo-random numbers for the simulated world: a string hash (cyrb128) turns (seed, stream
// name) into independent sfc32 generators, so each entity family draws from its own stream and a
// change in one family cannot shift the values another family sees.

/** cyrb128: a fast, well-mixed 128-bit string hash (public domain, bryc). */
export function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A 32-bit seed for another library (Faker) derived from (seed, stream). */
export function deriveSeed32(seed: number, stream: string): number {
  return hash128(`${seed}:${stream}`)[0];
}

// Two hex digits per byte value: a small table that stays in cache (UUIDs are built per event).
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Char codes of the 16 lower-case hex digits. */
const HEX_CODE: readonly number[] = Array.from('0123456789abcdef', (ch) => ch.charCodeAt(0));
const DASH = 0x2d;

function hex8(w: number): string {
  return HEX[w >>> 24]! + HEX[(w >>> 16) & 255]! + HEX[(w >>> 8) & 255]! + HEX[w & 255]!;
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128-bit state, passes PractRand. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * `idStamp` (0..65535) is written into 16 fixed bits of every UUID this stream draws: the shards
   * of a sharded run each have their own stamp, so their ids can never collide.
   */
  constructor(
    state: readonly [number, number, number, number],
    private readonly idStamp?: number,
  ) {
    [this.a, this.b, this.c, this.d] = state;
    // Discard the first outputs: they are still correlated with the raw hash words.
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A generator for `stream` under run seed `seed`; same pair, same sequence. */
  static derive(seed: number, stream: string, idStamp?: number): Rng {
    return new Rng(hash128(`${seed}:${stream}`), idStamp);
  }

  u32(): number {
    const t0 = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const t = (t0 + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [min, max] (both inclusive). */
  range(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    // Callers only pick from non-empty lists (pools and closed enums).
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** Exponentially distributed with the given mean (waiting times). */
  exp(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /** A random (version 4 layout) UUID drawn from this stream: reproducible, never from crypto. */
  uuid(): string {
    const a = this.u32();
    const b = this.u32();
    const drawn = this.u32();
    const c = this.idStamp === undefined ? drawn : (drawn & 0xffff0000) | this.idStamp;
    const d = this.u32();
    // One String.fromCharCode call builds a flat string. Concatenating hex pairs built a rope of 20
    // pieces that JSON.stringify (and any reader) had to flatten first; generation alone is 17-39 %
    // faster per CPU-second this way (README "Performance"). The version nibble is 4, the variant
    // bits 10.
    return String.fromCharCode(
      HEX_CODE[a >>> 28]!,
      HEX_CODE[(a >>> 24) & 15]!,
      HEX_CODE[(a >>> 20) & 15]!,
      HEX_CODE[(a >>> 16) & 15]!,
      HEX_CODE[(a >>> 12) & 15]!,
      HEX_CODE[(a >>> 8) & 15]!,
      HEX_CODE[(a >>> 4) & 15]!,
      HEX_CODE[a & 15]!,
      DASH,
      HEX_CODE[b >>> 28]!,
      HEX_CODE[(b >>> 24) & 15]!,
      HEX_CODE[(b >>> 20) & 15]!,
      HEX_CODE[(b >>> 16) & 15]!,
      DASH,
      HEX_CODE[4]!,
      HEX_CODE[(b >>> 8) & 15]!,
      HEX_CODE[(b >>> 4) & 15]!,
      HEX_CODE[b & 15]!,
      DASH,
      HEX_CODE[((c >>> 28) & 3) | 8]!,
      HEX_CODE[(c >>> 24) & 15]!,
      HEX_CODE[(c >>> 20) & 15]!,
      HEX_CODE[(c >>> 16) & 15]!,
      DASH,
      HEX_CODE[(c >>> 12) & 15]!,
      HEX_CODE[(c >>> 8) & 15]!,
      HEX_CODE[(c >>> 4) & 15]!,
      HEX_CODE[c & 15]!,
      HEX_CODE[d >>> 28]!,
      HEX_CODE[(d >>> 24) & 15]!,
      HEX_CODE[(d >>> 20) & 15]!,
      HEX_CODE[(d >>> 16) & 15]!,
      HEX_CODE[(d >>> 12) & 15]!,
      HEX_CODE[(d >>> 8) & 15]!,
      HEX_CODE[(d >>> 4) & 15]!,
      HEX_CODE[d & 15]!,
    );
  }

  /** `n` lower-case hex characters (n <= 8 per call to u32, concatenated as needed). */
  hex(n: number): string {
    let out = '';
    while (out.length < n) out += hex8(this.u32());
    return out.slice(0, n);
  }
}
