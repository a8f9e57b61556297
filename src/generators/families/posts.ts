// Post family: members write posts in their communities (draft -> published), edit them, ask for
// global distribution (requested -> approved | rejected), leaders pin/unpin, moderators hide, and
// soft deletes end them. Engagement counters only move by delta and never go below zero.
import { POST_FIELDS, POST_STAT_TYPES, POST_TYPES } from '../../catalog/events.js';
import type { Rng } from '../rng.js';
import type { Sim } from '../sim.js';
import type { Community, Post, User } from '../state.js';
import type { SimEvent } from '../types.js';
import { actOnOne, ifCanShrink, nonNegativeDelta, subset, type FamilyActions } from './util.js';

const GLOBAL_REJECT_REASONS = [
  'Too local for the global feed',
  'Contains a referral link',
  'Low image quality',
  'Duplicate of an existing global post',
];
const HIDE_REASONS = ['Reported as spam', 'Misleading product claims', 'Harassment report upheld', 'Off-topic'];
const DELETE_REASONS = ['Removed by the author', 'Outdated', 'Posted in the wrong community'];

/** Emits post.created (draft) by `author` in `community` (the caller made sure they are a member). */
export function createPost(sim: Sim, rng: Rng, author: User, community: Community): Post {
  const post: Post = {
    id: rng.uuid(),
    seq: 0,
    slots: sim.posts.newSlots(),
    author,
    community,
    status: 'draft',
    pinned: false,
    global: 'none',
    stats: [0, 0, 0, 0],
    viral: false,
    ci: -1,
    fitness: sim.posts.popularity.fitness(rng),
    engagement: 0,
  };
  sim.emit(rng, 'post.created', post, {
    post_id: post.id,
    author_id: author.id,
    community_id: community.id,
    post_type: rng.pick(POST_TYPES),
    status: 'draft',
  });
  sim.posts.add(post);
  return post;
}

export function publishPost(sim: Sim, rng: Rng, post: Post): void {
  sim.emit(rng, 'post.published', post, { post_id: post.id, published_at: sim.iso() });
  sim.posts.setStatus(post, 'published');
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
  sim.posts.remove(post);
}

/** A new post by an active member of a live community, while the population has room. */
function createNewPost(sim: Sim, rng: Rng): boolean {
  if (!sim.posts.population.canGrow) return false;
  const author = sim.users.posters.pick(rng);
  if (!author || author.memberships.length === 0) return false;
  createPost(sim, rng, author, rng.pick(author.memberships).community);
  return true;
}

function updatePost(sim: Sim, rng: Rng, p: Post): void {
  sim.emit(rng, 'post.updated', p, { post_id: p.id, changed_fields: subset(rng, POST_FIELDS) });
}

function requestGlobal(sim: Sim, rng: Rng, p: Post): void {
  sim.emit(rng, 'post.global_requested', p, { post_id: p.id, requested_at: sim.iso() });
  sim.posts.setGlobal(p, 'requested');
}

function approveGlobal(sim: Sim, rng: Rng, p: Post): void {
  sim.emit(rng, 'post.global_approved', p, { post_id: p.id, approved_by: sim.admin(rng), approved_at: sim.iso() });
  sim.posts.setGlobal(p, 'approved');
}

function rejectGlobal(sim: Sim, rng: Rng, p: Post): void {
  sim.emit(rng, 'post.global_rejected', p, {
    post_id: p.id,
    rejected_by: sim.admin(rng),
    rejection_reason: rng.pick(GLOBAL_REJECT_REASONS),
  });
  sim.posts.setGlobal(p, 'rejected');
}

/** The community's owner pins a post. */
function pinPost(sim: Sim, rng: Rng, p: Post): void {
  const c = p.community;
  sim.emit(rng, 'post.pinned', p, { post_id: p.id, pinned_by: c.owner.id, community_id: c.id });
  sim.posts.setPinned(p, true);
}

function unpinPost(sim: Sim, rng: Rng, p: Post): void {
  sim.emit(rng, 'post.unpinned', p, { post_id: p.id, unpinned_by: p.community.owner.id });
  sim.posts.setPinned(p, false);
}

/** Hidden by the community's owner or an admin. */
function hidePost(sim: Sim, rng: Rng, p: Post): void {
  sim.emit(rng, 'post.hidden', p, {
    post_id: p.id,
    hidden_by: rng.chance(0.5) ? p.community.owner.id : sim.admin(rng),
    reason: rng.pick(HIDE_REASONS),
  });
  sim.posts.setStatus(p, 'hidden');
}

/** Deleted by its author or, for a moderation reason, by an admin. */
function deletePost(sim: Sim, rng: Rng, p: Post): void {
  const byAuthor = rng.chance(0.6);
  sim.emit(rng, 'post.deleted', p, {
    post_id: p.id,
    deleted_by: byAuthor ? p.author.id : sim.admin(rng),
    reason: byAuthor ? rng.pick(DELETE_REASONS) : rng.pick(HIDE_REASONS),
  });
  sim.posts.remove(p);
}

/** Where engagement goes: the viral post for a `hot.post` share of it, else any published post. */
function engagementTarget(sim: Sim, rng: Rng): Post | undefined {
  const viral = sim.posts.viral;
  const hotShare = sim.config.hot.post ?? 0;
  return viral && hotShare > 0 && rng.chance(hotShare) ? viral : sim.posts.popular.pick(rng);
}

function changeStat(sim: Sim, rng: Rng): boolean {
  const p = engagementTarget(sim, rng);
  if (!p) return false;
  const i = rng.int(POST_STAT_TYPES.length);
  const stat = POST_STAT_TYPES[i]!;
  const drawn =
    stat === 'views'
      ? rng.range(10, 500)
      : stat === 'likes'
        ? rng.range(-2, 20)
        : stat === 'comments'
          ? rng.range(1, 5)
          : rng.range(1, 3);
  // Unlikes happen, but a counter never drops below zero.
  const delta = nonNegativeDelta(p.stats[i]!, drawn);
  p.stats[i]! += delta;
  sim.posts.recordEngagement(p);
  sim.emit(rng, 'post.stats_changed', p, { post_id: p.id, stat_type: stat, delta });
  return true;
}

/** The viral post of config.hot.post is never hidden or deleted. */
const isOrdinary = (p: Post): boolean => !p.viral;

export const POST_ACTIONS: FamilyActions<'post'> = {
  'post.created': createNewPost,
  'post.published': actOnOne((sim) => sim.posts.draft, publishPost),
  'post.updated': actOnOne((sim) => sim.posts.editable, updatePost),
  'post.global_requested': actOnOne(
    (sim) => sim.posts.published,
    requestGlobal,
    (p) => p.global === 'none',
  ),
  'post.global_approved': actOnOne((sim) => sim.posts.globalRequested, approveGlobal),
  'post.global_rejected': actOnOne((sim) => sim.posts.globalRequested, rejectGlobal),
  'post.pinned': actOnOne((sim) => sim.posts.pinnable, pinPost),
  'post.unpinned': actOnOne((sim) => sim.posts.pinned, unpinPost),
  'post.hidden': actOnOne((sim) => sim.posts.pinnable, hidePost, isOrdinary),
  'post.deleted': actOnOne((sim) => ifCanShrink(sim.posts, sim.posts.deletable), deletePost, isOrdinary),
  'post.stats_changed': changeStat,
};
