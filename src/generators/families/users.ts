// User family: registration, verification, profile, roles, moderation, counters and the login
// security audit trail. Lifecycle: pending -> active (verified) <-> suspended, active -> locked
// (after LOCK_AFTER_FAILURES consecutive failed logins; unlocks when locked_until passes);
// deleted is final and leaves every community.
import { LOGIN_METHODS, USER_PROFILE_FIELDS, USER_STAT_TYPES } from '../../catalog/events.js';
import { pickFromBags } from '../bag.js';
import type { Rng } from '../rng.js';
import type { Sim } from '../sim.js';
import type { AnonLogin, User, UserRole } from '../state.js';
import { DAY_MS, MINUTE_MS } from '../time.js';
import { leaveOnUserDeletion } from './communities.js';
import { subset, type FamilyActions } from './util.js';

const SUSPEND_REASONS = [
  'Repeated spam in community posts',
  'Harassment reported by several members',
  'Chargeback abuse under review',
  'Impersonation report',
  'Selling counterfeit goods via posts',
];
const DELETE_REASONS = [
  'Requested by the user',
  'Inactive account clean-up',
  'Duplicate account',
  'Terms of service violation',
];
const PROMOTE_REASONS = ['Leader application approved', 'Invited to lead a community', 'Top contributor programme'];
const DEMOTE_REASONS = ['Leader stepped down', 'Leader inactive for 90 days', 'Leader application withdrawn'];
const PASSWORD_FAILURES = [
  'invalid_password',
  'invalid_password',
  'invalid_password',
  'mfa_failed',
  'expired_password',
] as const;
const ANON_LOGINS = 24;

/** Creates a user and emits user.created (status pending). */
export function registerUser(sim: Sim, rng: Rng, role: UserRole): User {
  const users = sim.users;
  const user: User = {
    id: rng.uuid(),
    seq: 0,
    slots: users.set.newSlots(),
    status: 'pending',
    role,
    displayName: rng.pick(sim.pools.displayNames),
    avatarUrl: rng.pick(sim.pools.avatarUrls),
    bio: rng.pick(sim.pools.bios),
    stats: [0, 0, 0, 0],
    failStreak: 0,
    lockedUntilMs: 0,
    memberships: [],
    owned: 0,
  };
  users.population.live++;
  sim.emit(rng, 'user.created', user, {
    user_id: user.id,
    role,
    status: 'pending',
    created_at: sim.iso(),
    display_name: user.displayName,
  });
  users.set.refresh(user);
  return user;
}

export function verifyUser(sim: Sim, rng: Rng, user: User): void {
  sim.emit(rng, 'user.verified', user, {
    user_id: user.id,
    previous_status: 'pending',
    new_status: 'active',
    verified_at: sim.iso(),
  });
  user.status = 'active';
  sim.users.set.refresh(user);
}

/**
 * A failed login for an attempted name that matches no account has no user_id. Its entity (and
 * record key) is a pseudonymous `anon-<16 hex>` id standing for a hash of the attempted login, so
 * repeated attempts with the same name share a key and a per-entity sequence, without the name
 * itself (which may be an e-mail address) ever leaving the platform. The world keeps a fixed set.
 */
function anonLogin(sim: Sim, rng: Rng): AnonLogin {
  const anon = sim.users.anon;
  if (anon.length < ANON_LOGINS) {
    const a: AnonLogin = { id: `anon-${rng.hex(16)}`, seq: 0, slots: [], failStreak: 0 };
    anon.push(a);
    return a;
  }
  return rng.pick(anon);
}

/** Locks whose locked_until has passed end: the user is active again (no event; time-based). */
function expireLocks(sim: Sim): void {
  const { locked, set } = sim.users;
  for (let i = locked.size - 1; i >= 0; i--) {
    const u = locked.at(i)!;
    if (sim.nowMs >= u.lockedUntilMs) {
      u.status = 'active';
      set.refresh(u);
    }
  }
}

export function userActions(sim: Sim): FamilyActions<'user'> {
  const rng = sim.rng.user;
  const users = sim.users;
  return {
    'user.created': () => {
      if (!users.population.canGrow) return false;
      registerUser(sim, rng, rng.chance(sim.config.population.leaderShare) ? 'leader' : 'consumer');
      return true;
    },
    'user.verified': () => {
      const u = users.pending.pick(rng);
      if (!u) return false;
      verifyUser(sim, rng, u);
      return true;
    },
    'user.profile_updated': () => {
      const u = users.active.pick(rng);
      if (!u) return false;
      const changed = subset(rng, USER_PROFILE_FIELDS);
      if (changed.includes('display_name')) u.displayName = rng.pick(sim.pools.displayNames);
      if (changed.includes('avatar_url')) u.avatarUrl = rng.pick(sim.pools.avatarUrls);
      if (changed.includes('bio')) u.bio = rng.pick(sim.pools.bios);
      sim.emit(rng, 'user.profile_updated', u, {
        user_id: u.id,
        changed_fields: changed,
        display_name: u.displayName,
        avatar_url: u.avatarUrl,
        bio: u.bio,
      });
      return true;
    },
    'user.role_changed': () => {
      const u = users.active.pick(rng);
      if (!u || u.owned > 0) return false;
      const previous = u.role;
      const next: UserRole = previous === 'leader' ? 'consumer' : 'leader';
      sim.emit(rng, 'user.role_changed', u, {
        user_id: u.id,
        previous_role: previous,
        new_role: next,
        reason: rng.pick(next === 'leader' ? PROMOTE_REASONS : DEMOTE_REASONS),
        actor_id: sim.admin(rng),
      });
      u.role = next;
      users.set.refresh(u);
      return true;
    },
    'user.suspended': () => {
      const u = users.active.pick(rng);
      if (!u) return false;
      sim.emit(rng, 'user.suspended', u, {
        user_id: u.id,
        reason: rng.pick(SUSPEND_REASONS),
        suspended_by: sim.admin(rng),
        suspended_until: sim.isoAt(sim.nowMs + rng.range(1, 30) * DAY_MS),
      });
      u.status = 'suspended';
      users.set.refresh(u);
      return true;
    },
    'user.reactivated': () => {
      const u = users.suspended.pick(rng);
      if (!u) return false;
      sim.emit(rng, 'user.reactivated', u, { user_id: u.id, reactivated_by: sim.admin(rng) });
      u.status = 'active';
      users.set.refresh(u);
      return true;
    },
    'user.deleted': () => {
      if (!users.population.canShrink) return false;
      const u = pickFromBags(rng, [users.pending, users.active, users.suspended, users.locked]);
      if (!u || u.owned > 0) return false;
      const byUser = rng.chance(0.7);
      const deleted = sim.emit(rng, 'user.deleted', u, {
        user_id: u.id,
        deleted_by: byUser ? u.id : sim.admin(rng),
        reason: byUser ? 'Requested by the user' : rng.pick(DELETE_REASONS),
      });
      u.status = 'deleted';
      users.population.live--;
      users.set.retire(u);
      leaveOnUserDeletion(sim, rng, u, deleted);
      return true;
    },
    'user.stats_changed': () => {
      const u = pickFromBags(rng, [users.active, users.suspended, users.locked]);
      if (!u) return false;
      const i = rng.int(USER_STAT_TYPES.length);
      const stat = USER_STAT_TYPES[i]!;
      const previous = u.stats[i]!;
      // Followers come and go; orders and posts only count up.
      let delta = stat === 'followers' || stat === 'following' ? rng.range(-2, 6) : 1;
      if (delta === 0 || previous + delta < 0) delta = 1;
      const next = previous + delta;
      u.stats[i] = next;
      sim.emit(rng, 'user.stats_changed', u, {
        user_id: u.id,
        stat_type: stat,
        previous_value: previous,
        new_value: next,
        delta,
      });
      return true;
    },
    'user.login_succeeded': () => {
      expireLocks(sim);
      const u = users.active.pick(rng);
      if (!u) return false;
      sim.emit(rng, 'user.login_succeeded', u, { user_id: u.id, login_method: rng.pick(LOGIN_METHODS) });
      if (u.failStreak > 0) {
        u.failStreak = 0;
        users.set.refresh(u);
      }
      return true;
    },
    'user.login_failed': () => {
      expireLocks(sim);
      const r = rng.float();
      if (r < 0.2) {
        const a = anonLogin(sim, rng);
        a.failStreak = a.failStreak >= 8 ? 1 : a.failStreak + 1;
        sim.emit(rng, 'user.login_failed', a, { failure_reason: 'unknown_account', attempt_count: a.failStreak });
        return true;
      }
      // Failures cluster: most continue an account's current streak (someone mistyping, or an attack).
      const u = (r < 0.75 ? users.failing.pick(rng) : undefined) ?? users.active.pick(rng);
      if (!u) return false;
      u.failStreak++;
      sim.emit(rng, 'user.login_failed', u, {
        user_id: u.id,
        failure_reason: rng.pick(PASSWORD_FAILURES),
        attempt_count: u.failStreak,
      });
      users.set.refresh(u);
      return true;
    },
    'user.locked': () => {
      expireLocks(sim);
      const u = users.lockable.pick(rng);
      if (!u) return false;
      u.lockedUntilMs = sim.nowMs + rng.range(15, 60) * MINUTE_MS;
      sim.emit(rng, 'user.locked', u, {
        user_id: u.id,
        locked_until: sim.isoAt(u.lockedUntilMs),
        trigger_reason: 'too_many_failed_logins',
      });
      u.status = 'locked';
      u.failStreak = 0;
      users.set.refresh(u);
      return true;
    },
  };
}
