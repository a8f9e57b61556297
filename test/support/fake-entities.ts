// Plain world entities for tests of the state classes, with every field a neutral default.
import type { User } from '../../src/generators/state.js';

/** An active consumer with nothing to their name; `over` sets what a test cares about. */
export function fakeUser(id: string, slots: User['slots'], over: Partial<User> = {}): User {
  return {
    id,
    seq: 0,
    slots,
    status: 'active',
    role: 'consumer',
    displayName: 'x',
    avatarUrl: 'x',
    bio: 'x',
    stats: [0, 0, 0, 0],
    failStreak: 0,
    lockedUntilMs: 0,
    memberships: [],
    ownedCommunities: 0,
    rates: { kind: 'regular', activity: 1, posts: 1, orders: 1 },
    ...over,
  };
}
