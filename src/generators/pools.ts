// Realistic values drawn once per world from a seeded Faker (one seed per pool), then picked with
// the fast RNG: Faker costs 10–35 µs per value, far too slow per event at 200k events/s.
import { Faker, base, en } from '@faker-js/faker';
import { deriveSeed32 } from './rng.js';

export interface Pools {
  readonly displayNames: readonly string[];
  readonly bios: readonly string[];
  readonly avatarUrls: readonly string[];
  readonly companyNames: readonly string[];
  readonly productNames: readonly string[];
  readonly categories: readonly string[];
  readonly communityNames: readonly string[];
  readonly promotionTitles: readonly string[];
  readonly adminNotes: readonly string[];
  readonly colors: readonly string[];
  readonly materials: readonly string[];
}

const COMMUNITY_TOPICS = [
  'Foodies',
  'Makers',
  'Parents',
  'Runners',
  'Deal Hunters',
  'Gardeners',
  'Gamers',
  'Book Club',
  'Home Cooks',
  'Cyclists',
  'Pet Lovers',
  'Sneakerheads',
  'Plant People',
  'Coffee Nerds',
  'DIY Crew',
  'Outdoor Club',
] as const;

const PROMOTION_SUFFIXES = [
  'Flash Sale',
  'Weekend Special',
  'Bundle Deal',
  'Clearance',
  'Launch Offer',
  'Members Only',
  'Holiday Deal',
  'Buy One Get One',
] as const;

function build<T>(faker: Faker, seed: number, stream: string, count: number, make: (f: Faker) => T): T[] {
  faker.seed(deriveSeed32(seed, `pool:${stream}`));
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(make(faker));
  return out;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * Builds every pool for a run seed. Deterministic for a given seed and Faker version; each pool has
 * its own Faker seed, so resizing one pool does not change the values of another.
 */
export function buildPools(seed: number): Pools {
  const faker = new Faker({ locale: [en, base] });
  return {
    displayNames: build(faker, seed, 'displayNames', 600, (f) =>
      f.datatype.boolean(0.6) ? f.person.fullName() : f.internet.displayName(),
    ),
    bios: build(faker, seed, 'bios', 200, (f) => f.person.bio()),
    avatarUrls: build(faker, seed, 'avatarUrls', 300, (f) => f.image.avatar()),
    companyNames: build(faker, seed, 'companyNames', 300, (f) => f.company.name()),
    productNames: build(faker, seed, 'productNames', 800, (f) => f.commerce.productName()),
    categories: unique(build(faker, seed, 'categories', 200, (f) => f.commerce.department())),
    communityNames: build(
      faker,
      seed,
      'communityNames',
      300,
      (f) => `${f.location.city()} ${f.helpers.arrayElement(COMMUNITY_TOPICS)}`,
    ),
    promotionTitles: build(
      faker,
      seed,
      'promotionTitles',
      300,
      (f) => `${f.commerce.productAdjective()} ${f.commerce.product()} ${f.helpers.arrayElement(PROMOTION_SUFFIXES)}`,
    ),
    adminNotes: build(faker, seed, 'adminNotes', 100, (f) => `Approved: ${f.company.catchPhrase().toLowerCase()}`),
    colors: unique(build(faker, seed, 'colors', 120, (f) => f.color.human())),
    materials: unique(build(faker, seed, 'materials', 60, (f) => f.commerce.productMaterial())),
  };
}
