// Post family: members write posts in their communities (draft -> published), edit them, ask for
// global distribution (requested -> approved | rejected), leaders pin/unpin, moderators hide, and
// soft deletes end them. Engagement counters only move by delta and never go below zero.
import { POST_FIELDS, POST_STAT_TYPES, POST_TYPES } from '../../catalog/events.js';
import { pickFromBags } from '../bag.js';
import type { Rng } from '../rng.js';
import type { Sim } from '../sim.js';
import type { Community, Post, User } from '../state.js';
import type { SimEvent } from '../types.js';
import { subset, type FamilyActions } from './util.js';

const GLOBAL_REJECT_REASONS = [
  'Too local for the global feed',
  'Contains a referral link',
  'Low image quality',
  'Duplicate of an existing global post',
];
const HIDE_REASONS = ['Reported as spam', 'Misleading product claims', 'Harassment report upheld', 'Off-topic'];
const DELETE_REASONS = ['Removed by the author', 'Outdated', 'Posted in the wrong community'];

function detach(post: Post): void {
  const list = post.community.posts;
  const last = list.pop()!;
  if (last !== post) {
    list[post.ci] = last;
    last.ci = post.ci;
  }
}

function retire(sim: Sim, post: Post): void {
  post.status = 'deleted';
  sim.posts.population.live--;
  sim.posts.set.retire(post);
  detach(post);
}

/** Emits post.created (draft) by `author` in `community` (the caller made sure they are a member). */
export function createPost(sim: Sim, rng: Rng, author: User, community: Community): Post {
  const posts = sim.posts;
  const post: Post = {
    id: rng.uuid(),
    seq: 0,
    slots: posts.set.newSlots(),
    author,
    community,
    status: 'draft',
    pinned: false,
    global: 'none',
    stats: [0, 0, 0, 0],
    viral: false,
    ci: community.posts.length,
  };
  community.posts.push(post);
  posts.population.live++;
  sim.emit(rng, 'post.created', post, {
    post_id: post.id,
    author_id: author.id,
    community_id: community.id,
    post_type: rng.pick(POST_TYPES),
    status: 'draft',
  });
  posts.set.refresh(post);
  return post;
}

export function publishPost(sim: Sim, rng: Rng, post: Post): void {
  sim.emit(rng, 'post.published', post, { post_id: post.id, published_at: sim.iso() });
  post.status = 'published';
  sim.posts.set.refresh(post);
}

/** The community's soft delete takes its posts with it (caused by the community.deleted event). */
export function deletePostWithCommunity(sim: Sim, rng: Rng, post: Post, cause: SimEvent): void {
  const deletedBy = cause.envelope.payload['deleted_by'];
  sim.emitCaused(
    'post.deleted',
    post,
    {
      post_id: post.id,
      deleted_by: typeof deletedBy === 'string' ? deletedBy : sim.admin(rng),
      reason: 'Community deleted',
    },
    cause,
  );
  retire(sim, post);
}

export function postActions(sim: Sim): FamilyActions<'post'> {
  const rng = sim.rng.post;
  const posts = sim.posts;
  const hotShare = sim.config.hot.post ?? 0;
  return {
    'post.created': () => {
      if (!posts.population.canGrow) return false;
      const c = sim.communities.live.pick(rng);
      if (!c || c.members.length === 0) return false;
      const author = rng.pick(c.members).user;
      if (author.status !== 'active') return false;
      createPost(sim, rng, author, c);
      return true;
    },
    'post.published': () => {
      const p = posts.draft.pick(rng);
      if (!p) return false;
      publishPost(sim, rng, p);
      return true;
    },
    'post.updated': () => {
      const p = pickFromBags(rng, [posts.draft, posts.published]);
      if (!p) return false;
      sim.emit(rng, 'post.updated', p, { post_id: p.id, changed_fields: subset(rng, POST_FIELDS) });
      return true;
    },
    'post.global_requested': () => {
      const p = posts.published.pick(rng);
      if (!p || p.global !== 'none') return false;
      sim.emit(rng, 'post.global_requested', p, { post_id: p.id, requested_at: sim.iso() });
      p.global = 'requested';
      posts.set.refresh(p);
      return true;
    },
    'post.global_approved': () => {
      const p = posts.globalRequested.pick(rng);
      if (!p) return false;
      sim.emit(rng, 'post.global_approved', p, { post_id: p.id, approved_by: sim.admin(rng), approved_at: sim.iso() });
      p.global = 'approved';
      posts.set.refresh(p);
      return true;
    },
    'post.global_rejected': () => {
      const p = posts.globalRequested.pick(rng);
      if (!p) return false;
      sim.emit(rng, 'post.global_rejected', p, {
        post_id: p.id,
        rejected_by: sim.admin(rng),
        rejection_reason: rng.pick(GLOBAL_REJECT_REASONS),
      });
      p.global = 'rejected';
      posts.set.refresh(p);
      return true;
    },
    'post.pinned': () => {
      const p = posts.pinnable.pick(rng);
      if (!p) return false;
      const c = p.community;
      sim.emit(rng, 'post.pinned', p, { post_id: p.id, pinned_by: c.owner.id, community_id: c.id });
      p.pinned = true;
      posts.set.refresh(p);
      return true;
    },
    'post.unpinned': () => {
      const p = posts.pinned.pick(rng);
      if (!p) return false;
      sim.emit(rng, 'post.unpinned', p, { post_id: p.id, unpinned_by: p.community.owner.id });
      p.pinned = false;
      posts.set.refresh(p);
      return true;
    },
    'post.hidden': () => {
      const p = posts.pinnable.pick(rng);
      if (!p || p.viral) return false;
      sim.emit(rng, 'post.hidden', p, {
        post_id: p.id,
        hidden_by: rng.chance(0.5) ? p.community.owner.id : sim.admin(rng),
        reason: rng.pick(HIDE_REASONS),
      });
      p.status = 'hidden';
      posts.set.refresh(p);
      return true;
    },
    'post.deleted': () => {
      if (!posts.population.canShrink) return false;
      const p = pickFromBags(rng, [posts.draft, posts.pinnable, posts.hidden]);
      if (!p || p.viral) return false;
      const byAuthor = rng.chance(0.6);
      sim.emit(rng, 'post.deleted', p, {
        post_id: p.id,
        deleted_by: byAuthor ? p.author.id : sim.admin(rng),
        reason: byAuthor ? rng.pick(DELETE_REASONS) : rng.pick(HIDE_REASONS),
      });
      retire(sim, p);
      return true;
    },
    'post.stats_changed': () => {
      const viral = posts.viral;
      const p = viral && hotShare > 0 && rng.chance(hotShare) ? viral : posts.published.pick(rng);
      if (!p) return false;
      const i = rng.int(POST_STAT_TYPES.length);
      const stat = POST_STAT_TYPES[i]!;
      let delta =
        stat === 'views'
          ? rng.range(10, 500)
          : stat === 'likes'
            ? rng.range(-2, 20)
            : stat === 'comments'
              ? rng.range(1, 5)
              : rng.range(1, 3);
      // Unlikes happen, but a counter never drops below zero.
      if (delta === 0 || p.stats[i]! + delta < 0) delta = 1;
      p.stats[i]! += delta;
      sim.emit(rng, 'post.stats_changed', p, { post_id: p.id, stat_type: stat, delta });
      return true;
    },
  };
}
