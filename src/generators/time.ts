// Fast ISO-8601 UTC formatting for simulated timestamps: Date#toISOString costs ~1.3 µs here, a
// quarter of the per-event budget, so the date part is cached per day and the time part is built
// from lookup tables. Output is identical to `new Date(ms).toISOString()` for years 1970–9999.

const DAY_MS = 86_400_000;
const P2: string[] = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const P3: string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

let cachedDay = Number.NaN;
let cachedDayPrefix = '';
let cachedSecond = Number.NaN;
let cachedSecondPrefix = '';

export function isoUtc(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const day = Math.floor(ms / DAY_MS);
    if (day !== cachedDay) {
      cachedDay = day;
      cachedDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    }
    let rest = second - day * 86_400;
    const h = Math.floor(rest / 3600);
    rest -= h * 3600;
    const m = Math.floor(rest / 60);
    cachedSecond = second;
    cachedSecondPrefix = cachedDayPrefix + P2[h]! + ':' + P2[m]! + ':' + P2[rest - m * 60]! + '.';
  }
  return cachedSecondPrefix + P3[ms - second * 1000]! + 'Z';
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export { DAY_MS };
