// Community family: leaders create communities (and join them as owner), users join, leave or are
// removed, settings change, and a soft delete ends the community with its posts and memberships.
// member_count_after is always the exact member count after the change.
import { COMMUNITY_FIELDS, COMMUNITY_STAT_TYPES, type JOIN_METHODS } from '../../catalog/events.js';
import type { Rng } from '../rng.js';
import type { Sim } from '../sim.js';
import { MAX_MEMBERSHIPS, type Community, type Membership, type User } from '../state.js';
import type { SimEvent } from '../types.js';
import { deletePostWithCommunity } from './posts.js';
import { subset, type FamilyActions } from './util.js';

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

function addMembership(user: User, community: Community): void {
  const m: Membership = { user, community, ui: user.memberships.length, ci: community.members.length };
  user.memberships.push(m);
  community.members.push(m);
}

function removeMembership(m: Membership): void {
  const { user, community } = m;
  const lastU = user.memberships.pop()!;
  if (lastU !== m) {
    user.memberships[m.ui] = lastU;
    lastU.ui = m.ui;
  }
  const lastC = community.members.pop()!;
  if (lastC !== m) {
    community.members[m.ci] = lastC;
    lastC.ci = m.ci;
  }
}

export function isMember(user: User, community: Community): boolean {
  for (const m of user.memberships) if (m.community === community) return true;
  return false;
}

/** Emits community.created and the owner's own member_joined (join_method `owner`). */
export function createCommunity(sim: Sim, rng: Rng, owner: User): Community {
  const communities = sim.communities;
  const c: Community = {
    id: rng.uuid(),
    seq: 0,
    slots: communities.set.newSlots(),
    owner,
    name: rng.pick(sim.pools.communityNames),
    visibility: rng.chance(0.8) ? 'public' : 'private',
    members: [],
    posts: [],
    promoRefs: 0,
    live: true,
  };
  communities.population.live++;
  owner.owned++;
  const created = sim.emit(rng, 'community.created', c, {
    community_id: c.id,
    owner_id: owner.id,
    name: c.name,
    visibility: c.visibility,
  });
  communities.set.refresh(c);
  addMembership(owner, c);
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
  if (user.memberships.length >= MAX_MEMBERSHIPS || isMember(user, c)) return false;
  addMembership(user, c);
  sim.emit(rng, 'community.member_joined', c, {
    community_id: c.id,
    user_id: user.id,
    join_method: rng.pick(c.visibility === 'private' ? PRIVATE_JOINS : PUBLIC_JOINS),
    member_count_after: c.members.length,
  });
  return true;
}

/** A deleted account leaves every community it belonged to (caused by the user.deleted event). */
export function leaveOnUserDeletion(sim: Sim, rng: Rng, user: User, cause: SimEvent): void {
  while (user.memberships.length > 0) {
    const m = user.memberships[user.memberships.length - 1]!;
    removeMembership(m);
    const c = m.community;
    sim.emitCaused(
      'community.member_left',
      c,
      { community_id: c.id, user_id: user.id, member_count_after: c.members.length },
      cause,
    );
  }
}

/** A random non-owner member of a random live community. */
function pickNonOwnerMember(sim: Sim, rng: Rng): Membership | undefined {
  const c = sim.communities.live.pick(rng);
  if (!c || c.members.length < 2) return undefined;
  const m = rng.pick(c.members);
  return m.user === c.owner ? undefined : m;
}

export function communityActions(sim: Sim): FamilyActions<'community'> {
  const rng = sim.rng.community;
  const communities = sim.communities;
  return {
    'community.created': () => {
      if (!communities.population.canGrow) return false;
      const owner = sim.users.activeLeaders.pick(rng);
      if (!owner) return false;
      createCommunity(sim, rng, owner);
      return true;
    },
    'community.updated': () => {
      const c = communities.live.pick(rng);
      if (!c) return false;
      const changed = subset(rng, COMMUNITY_FIELDS);
      if (changed.includes('name')) c.name = rng.pick(sim.pools.communityNames);
      sim.emit(rng, 'community.updated', c, { community_id: c.id, changed_fields: changed });
      return true;
    },
    'community.visibility_changed': () => {
      const c = communities.live.pick(rng);
      if (!c) return false;
      const previous = c.visibility;
      c.visibility = previous === 'public' ? 'private' : 'public';
      sim.emit(rng, 'community.visibility_changed', c, {
        community_id: c.id,
        previous_visibility: previous,
        new_visibility: c.visibility,
      });
      return true;
    },
    'community.member_joined': () => {
      const c = communities.live.pick(rng);
      const u = sim.users.active.pick(rng);
      if (!c || !u) return false;
      return joinCommunity(sim, rng, u, c);
    },
    'community.member_left': () => {
      const m = pickNonOwnerMember(sim, rng);
      if (!m) return false;
      removeMembership(m);
      const c = m.community;
      sim.emit(rng, 'community.member_left', c, {
        community_id: c.id,
        user_id: m.user.id,
        member_count_after: c.members.length,
      });
      return true;
    },
    'community.member_removed': () => {
      const m = pickNonOwnerMember(sim, rng);
      if (!m) return false;
      removeMembership(m);
      const c = m.community;
      sim.emit(rng, 'community.member_removed', c, {
        community_id: c.id,
        user_id: m.user.id,
        removed_by: c.owner.id,
        reason: rng.pick(REMOVE_REASONS),
        member_count_after: c.members.length,
      });
      return true;
    },
    'community.deleted': () => {
      if (!communities.population.canShrink) return false;
      const c = communities.live.pick(rng);
      // Targeted by a running promotion, or home of the viral post: it must stay.
      if (!c || c.promoRefs > 0 || sim.posts.viral?.community === c) return false;
      const deleted = sim.emit(rng, 'community.deleted', c, {
        community_id: c.id,
        deleted_by: rng.chance(0.7) ? c.owner.id : sim.admin(rng),
        member_count_at_del: c.members.length,
      });
      c.live = false;
      communities.population.live--;
      communities.set.retire(c);
      c.owner.owned--;
      while (c.members.length > 0) removeMembership(c.members[c.members.length - 1]!);
      while (c.posts.length > 0) deletePostWithCommunity(sim, rng, c.posts[c.posts.length - 1]!, deleted);
      return true;
    },
    'community.stats_changed': () => {
      const c = communities.live.pick(rng);
      if (!c) return false;
      const stat = rng.pick(COMMUNITY_STAT_TYPES);
      const delta =
        stat === 'views' ? rng.range(5, 400) : stat === 'active_members' ? rng.range(-3, 5) || 1 : rng.range(1, 12);
      sim.emit(rng, 'community.stats_changed', c, { community_id: c.id, stat_type: stat, delta });
      return true;
    },
  };
}
