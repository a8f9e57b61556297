// User family: registration, verification, profile, roles, moderation, counters and the login
// security audit trail. Lifecycle: pending -> active (verified) <-> suspended, active -> locked
// (after LOCK_AFTER_FAILURES consecutive failed logins; unlocks when locked_until passes);
// deleted is final and leaves every community.
import { LOGIN_METHODS, USER_PROFILE_FIELDS, USER_STAT_TYPES } from '../../catalog/events.js';
import type { Rng } from '../rng.js';
import type { Sim } from '../sim.js';
import type { AnonLogin, User, UserRole } from '../state.js';
import { drawUserRates } from '../popularity.js';
import { DAY_MS, MINUTE_MS } from '../time.js';
import { leaveOnUserDeletion } from './communities.js';
import { actOnOne, ifCanShrink, nonNegativeDelta, subset, type FamilyActions } from './util.js';

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
  const user: User = {
    id: rng.uuid(),
    seq: 0,
    slots: sim.users.newSlots(),
    status: 'pending',
    role,
    displayName: rng.pick(sim.pools.displayNames),
    avatarUrl: rng.pick(sim.pools.avatarUrls),
    bio: rng.pick(sim.pools.bios),
    stats: [0, 0, 0, 0],
    failStreak: 0,
    lockedUntilMs: 0,
    memberships: [],
    ownedCommunities: 0,
    rates: drawUserRates(rng, sim.config.userKinds),
  };
  sim.emit(rng, 'user.created', user, {
    user_id: user.id,
    role,
    status: 'pending',
    created_at: sim.iso(),
    display_name: user.displayName,
  });
  sim.users.add(user);
  return user;
}

export function verifyUser(sim: Sim, rng: Rng, user: User): void {
  sim.emit(rng, 'user.verified', user, {
    user_id: user.id,
    previous_status: 'pending',
    new_status: 'active',
    verified_at: sim.iso(),
  });
  sim.users.setStatus(user, 'active');
}

/** A new registration while the population has room; a leaderShare of them are leaders. */
function registerNewUser(sim: Sim, rng: Rng): boolean {
  if (!sim.users.population.canGrow) return false;
  registerUser(sim, rng, rng.chance(sim.config.population.leaderShare) ? 'leader' : 'consumer');
  return true;
}

function updateProfile(sim: Sim, rng: Rng, u: User): void {
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
}

/** Consumer <-> leader (an owner of a live community is never demoted: see ownsNoCommunity). */
function changeRole(sim: Sim, rng: Rng, u: User): void {
  const previous = u.role;
  const next: UserRole = previous === 'leader' ? 'consumer' : 'leader';
  sim.emit(rng, 'user.role_changed', u, {
    user_id: u.id,
    previous_role: previous,
    new_role: next,
    reason: rng.pick(next === 'leader' ? PROMOTE_REASONS : DEMOTE_REASONS),
    actor_id: sim.admin(rng),
  });
  sim.users.setRole(u, next);
}

function suspendUser(sim: Sim, rng: Rng, u: User): void {
  sim.emit(rng, 'user.suspended', u, {
    user_id: u.id,
    reason: rng.pick(SUSPEND_REASONS),
    suspended_by: sim.admin(rng),
    suspended_until: sim.isoAt(sim.later(rng.range(1, 30) * DAY_MS)),
  });
  sim.users.setStatus(u, 'suspended');
}

function reactivateUser(sim: Sim, rng: Rng, u: User): void {
  sim.emit(rng, 'user.reactivated', u, { user_id: u.id, reactivated_by: sim.admin(rng) });
  sim.users.setStatus(u, 'active');
}

/** Deleted by the user (mostly) or an admin; the account then leaves every community. */
function deleteUser(sim: Sim, rng: Rng, u: User): void {
  const byUser = rng.chance(0.7);
  const deleted = sim.emit(rng, 'user.deleted', u, {
    user_id: u.id,
    deleted_by: byUser ? u.id : sim.admin(rng),
    reason: byUser ? 'Requested by the user' : rng.pick(DELETE_REASONS),
  });
  sim.users.remove(u);
  leaveOnUserDeletion(sim, u, deleted);
}

function changeStat(sim: Sim, rng: Rng, u: User): void {
  const i = rng.int(USER_STAT_TYPES.length);
  const stat = USER_STAT_TYPES[i]!;
  const previous = u.stats[i]!;
  // Followers come and go; orders and posts only count up.
  const delta = nonNegativeDelta(previous, stat === 'followers' || stat === 'following' ? rng.range(-2, 6) : 1);
  const next = previous + delta;
  u.stats[i] = next;
  sim.emit(rng, 'user.stats_changed', u, {
    user_id: u.id,
    stat_type: stat,
    previous_value: previous,
    new_value: next,
    delta,
  });
}

function logIn(sim: Sim, rng: Rng): boolean {
  sim.users.expireLocks(sim.nowMs);
  // With sessions, the idle user whose next session is due logs in, and the login opens it.
  const book = sim.sessions;
  const u = book ? book.login(rng, sim.users.busy) : sim.users.busy.pick(rng);
  if (!u) return false;
  sim.emit(rng, 'user.login_succeeded', u, { user_id: u.id, login_method: rng.pick(LOGIN_METHODS) });
  sim.users.recordLogin(u);
  book?.start(rng, u, sim.users.busy.size);
  return true;
}

function failLogin(sim: Sim, rng: Rng): boolean {
  sim.users.expireLocks(sim.nowMs);
  const r = rng.float();
  if (r < 0.2) {
    failUnknownLogin(sim, rng);
    return true;
  }
  // Failures cluster: most continue an account's current streak (someone mistyping, or an attack).
  const u = (r < 0.75 ? sim.users.failing.pick(rng) : undefined) ?? sim.users.active.pick(rng);
  if (!u) return false;
  sim.users.recordFailedLogin(u);
  sim.emit(rng, 'user.login_failed', u, {
    user_id: u.id,
    failure_reason: rng.pick(PASSWORD_FAILURES),
    attempt_count: u.failStreak,
  });
  return true;
}

/** A failed login for a name that matches no account: no user_id (see anonLogin). */
function failUnknownLogin(sim: Sim, rng: Rng): void {
  const a = anonLogin(sim, rng);
  a.failStreak = a.failStreak >= 8 ? 1 : a.failStreak + 1;
  sim.emit(rng, 'user.login_failed', a, { failure_reason: 'unknown_account', attempt_count: a.failStreak });
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

function lockUser(sim: Sim, rng: Rng): boolean {
  sim.users.expireLocks(sim.nowMs);
  const u = sim.users.lockable.pick(rng);
  if (!u) return false;
  const lockedUntilMs = sim.later(rng.range(15, 60) * MINUTE_MS);
  sim.emit(rng, 'user.locked', u, {
    user_id: u.id,
    locked_until: sim.isoAt(lockedUntilMs),
    trigger_reason: 'too_many_failed_logins',
  });
  sim.users.lock(u, lockedUntilMs);
  return true;
}

/** An owner of a live community is neither deleted nor demoted. */
const ownsNoCommunity = (u: User): boolean => u.ownedCommunities === 0;

export const USER_ACTIONS: FamilyActions<'user'> = {
  'user.created': registerNewUser,
  'user.verified': actOnOne((sim) => sim.users.pending, verifyUser),
  'user.profile_updated': actOnOne((sim) => sim.users.busy, updateProfile),
  'user.role_changed': actOnOne((sim) => sim.users.active, changeRole, ownsNoCommunity),
  'user.suspended': actOnOne((sim) => sim.users.active, suspendUser),
  'user.reactivated': actOnOne((sim) => sim.users.suspended, reactivateUser),
  'user.deleted': actOnOne((sim) => ifCanShrink(sim.users, sim.users.deletable), deleteUser, ownsNoCommunity),
  'user.stats_changed': actOnOne((sim) => sim.users.busy, changeStat),
  'user.login_succeeded': logIn,
  'user.login_failed': failLogin,
  'user.locked': lockUser,
};
