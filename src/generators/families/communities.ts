// Community family: leaders create communities (and join them as owner), users join, leave or are
// removed, settings change, and a soft delete ends the community with its posts and memberships.
// member_count_after is always the exact member count after the change.
import { COMMUNITY_FIELDS, COMMUNITY_STAT_TYPES, type JOIN_METHODS, type Payload } from '../../catalog/events.js';
import type { Rng } from '../rng.js';
import type { Sim } from '../sim.js';
import { MAX_MEMBERSHIPS, type Community, type Membership, type User } from '../state.js';
import type { SimEvent } from '../types.js';
import { deletePostWithCommunity } from './posts.js';
import { actOnOne, ifCanGrow, ifCanShrink, subset, type FamilyActions } from './util.js';

type JoinMethod = (typeof JOIN_METHODS)[number];

const REMOVE_REASONS = [
  'Spam in community posts',
  'Off-topic self-promotion',
  'Abusive comments',
  'Inactive member clean-up',
  'Broke community rules',
];
const PUBLIC_JOINS: readonly JoinMethod[] = ['link', 'search', 'feed', 'invite'];
const PRIVATE_JOINS: readonly JoinMethod[] = ['invite', 'approval'];

/** Emits community.created and the owner's own member_joined (join_method `owner`). */
export function createCommunity(sim: Sim, rng: Rng, owner: User): Community {
  const c: Community = {
    id: rng.uuid(),
    seq: 0,
    slots: sim.communities.newSlots(),
    owner,
    name: rng.pick(sim.pools.communityNames),
    visibility: rng.chance(0.8) ? 'public' : 'private',
    members: [],
    posts: [],
    promoRefs: 0,
    live: true,
    fitness: sim.communities.popularity.fitness(rng),
  };
  const created = sim.emit(rng, 'community.created', c, {
    community_id: c.id,
    owner_id: owner.id,
    name: c.name,
    visibility: c.visibility,
  });
  sim.communities.add(c);
  sim.communities.join(owner, c);
  sim.emitCaused(
    'community.member_joined',
    c,
    { community_id: c.id, user_id: owner.id, join_method: 'owner', member_count_after: c.members.length },
    created,
  );
  return c;
}

/** A user joins (returns false if they already are a member or have joined enough communities). */
export function joinCommunity(sim: Sim, rng: Rng, user: User, c: Community): boolean {
  if (user.memberships.length >= MAX_MEMBERSHIPS || sim.communities.isMember(user, c)) return false;
  sim.communities.join(user, c);
  sim.emit(rng, 'community.member_joined', c, {
    community_id: c.id,
    user_id: user.id,
    join_method: rng.pick(c.visibility === 'private' ? PRIVATE_JOINS : PUBLIC_JOINS),
    member_count_after: c.members.length,
  });
  return true;
}

/** Ends a membership and returns the payload of the member_left event that says so. */
function leave(sim: Sim, m: Membership): Payload<'community.member_left'> {
  sim.communities.leave(m);
  const c = m.community;
  return { community_id: c.id, user_id: m.user.id, member_count_after: c.members.length };
}

/** A deleted account leaves every community it belonged to (caused by the user.deleted event). */
export function leaveOnUserDeletion(sim: Sim, user: User, cause: SimEvent): void {
  while (user.memberships.length > 0) {
    const m = user.memberships[user.memberships.length - 1]!;
    sim.emitCaused('community.member_left', m.community, leave(sim, m), cause);
  }
}

function updateCommunity(sim: Sim, rng: Rng, c: Community): void {
  const changed = subset(rng, COMMUNITY_FIELDS);
  if (changed.includes('name')) c.name = rng.pick(sim.pools.communityNames);
  sim.emit(rng, 'community.updated', c, { community_id: c.id, changed_fields: changed });
}

function toggleVisibility(sim: Sim, rng: Rng, c: Community): void {
  const previous = c.visibility;
  c.visibility = previous === 'public' ? 'private' : 'public';
  sim.emit(rng, 'community.visibility_changed', c, {
    community_id: c.id,
    previous_visibility: previous,
    new_visibility: c.visibility,
  });
}

/** An active user joins a live community. */
function joinSomeCommunity(sim: Sim, rng: Rng): boolean {
  const c = sim.communities.popular.pick(rng);
  const u = sim.users.busy.pick(rng);
  if (!c || !u) return false;
  return joinCommunity(sim, rng, u, c);
}

function leaveCommunity(sim: Sim, rng: Rng, m: Membership): void {
  sim.emit(rng, 'community.member_left', m.community, leave(sim, m));
}

/** The owner removes a member. */
function removeMember(sim: Sim, rng: Rng, m: Membership): void {
  sim.communities.leave(m);
  const c = m.community;
  sim.emit(rng, 'community.member_removed', c, {
    community_id: c.id,
    user_id: m.user.id,
    removed_by: c.owner.id,
    reason: rng.pick(REMOVE_REASONS),
    member_count_after: c.members.length,
  });
}

/** Soft delete by the owner or an admin: memberships end and the posts go with it. */
function deleteCommunity(sim: Sim, rng: Rng, c: Community): void {
  const deleted = sim.emit(rng, 'community.deleted', c, {
    community_id: c.id,
    deleted_by: rng.chance(0.7) ? c.owner.id : sim.admin(rng),
    member_count_at_del: c.members.length,
  });
  sim.communities.remove(c);
  while (c.posts.length > 0) deletePostWithCommunity(sim, rng, c.posts[c.posts.length - 1]!, deleted);
}

/** Targeted by a running promotion, or home of the viral post: the community must stay. */
function isDeletable(c: Community, sim: Sim): boolean {
  return c.promoRefs === 0 && sim.posts.viral?.community !== c;
}

function changeStat(sim: Sim, rng: Rng, c: Community): void {
  const stat = rng.pick(COMMUNITY_STAT_TYPES);
  const delta =
    stat === 'views' ? rng.range(5, 400) : stat === 'active_members' ? rng.range(-3, 5) || 1 : rng.range(1, 12);
  sim.emit(rng, 'community.stats_changed', c, { community_id: c.id, stat_type: stat, delta });
}

export const COMMUNITY_ACTIONS: FamilyActions<'community'> = {
  'community.created': actOnOne((sim) => ifCanGrow(sim.communities, sim.users.activeLeaders), createCommunity),
  'community.updated': actOnOne((sim) => sim.communities.popular, updateCommunity),
  'community.visibility_changed': actOnOne((sim) => sim.communities.live, toggleVisibility),
  'community.member_joined': joinSomeCommunity,
  'community.member_left': actOnOne((sim) => sim.communities.nonOwnerMembers, leaveCommunity),
  'community.member_removed': actOnOne((sim) => sim.communities.nonOwnerMembers, removeMember),
  'community.deleted': actOnOne(
    (sim) => ifCanShrink(sim.communities, sim.communities.live),
    deleteCommunity,
    isDeletable,
  ),
  'community.stats_changed': actOnOne((sim) => sim.communities.popular, changeStat),
};
