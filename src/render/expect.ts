// `--expect` for the console and HTML: per derived topic, pass or fail, the counts per kind, and
// the first examples naming the key, the source position and the field that differs.
import type { ExpectExample, ExpectSection } from '../watch/expect.js';
import { int } from './format.js';

const KIND_TEXT: Record<ExpectExample['kind'], string> = {
  missing: 'no card written',
  stale: 'last card older than the last change',
  wrongValue: 'wrong value',
  outOfOrder: 'out of source order',
  wrongKeyOrPartition: 'wrong key or partition',
  unexpected: 'not derivable from this run',
  poisonNotDeadLettered: 'poison record not dead-lettered',
  goodRecordDeadLettered: 'good record dead-lettered',
};

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** One example as a line: what, which key, where in the source, and what differs. */
export function describeExpectExample(e: ExpectExample): string {
  const at = e.sourceSequence === undefined ? '' : ` at source sequence ${e.sourceSequence}`;
  const field = e.field === undefined ? '' : ` field ${e.field}`;
  const values =
    e.expected === undefined && e.got === undefined
      ? ''
      : `: expected ${show(e.expected ?? '-')}, got ${show(e.got ?? '-')}`;
  return `${KIND_TEXT[e.kind]} — key ${e.key}${at}${field}${values}`;
}

/** The counts that are not zero, as "kind n" (the ones that passed are summed up as such). */
function countsLine(s: ExpectSection): string {
  const entries = Object.entries(s.counts);
  const shown = entries.filter(([, n]) => n > 0).map(([k, n]) => `${k} ${int(n)}`);
  return shown.length > 0 ? shown.join(', ') : 'no differences';
}

export function formatExpect(s: ExpectSection): string {
  const lines = [
    `expect ${s.topic}: ${s.passed ? 'PASSED' : 'FAILED'} — read ${int(s.read)} record(s) of ${s.physicalTopic}, ${int(s.keysExpected)} ${s.topic.startsWith('sc.dlq.') ? 'poison record(s) sent' : 'key(s) expected'}; ${countsLine(s)}`,
  ];
  if (s.partial)
    lines.push(
      `  partial: ${int(s.statesKept)} expected states kept (the bound); ${int(s.unchecked)} record(s) past it read but not compared`,
    );
  for (const e of s.examples) lines.push(`  ${describeExpectExample(e)}`);
  return lines.join('\n');
}
