// Flag parsers shared by every command: each turns bad input into a usage error (exit 2) that
// names the flag and says what is expected.
import { InvalidArgumentError, Option } from 'commander';
import { getTopic, validatePrefix, DOMAIN_TOPICS } from '../catalog/topics.js';
import { ScSimError } from '../errors.js';
import { parseDurationMs } from '../runner/duration.js';

export function parsePositiveInt(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${flag} expects a whole number >= 1, got "${raw}"`);
    }
    return n;
  };
}

export function parseNonNegative(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(`${flag} expects a number >= 0, got "${raw}"`);
    return n;
  };
}

/** A duration flag: 30s, 2m, 500ms, 1h or a plain number of ms; must be longer than 0. */
export function parseDurationFlag(flag: string) {
  return (raw: string): number => {
    const ms = parseDurationMs(/^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);
    if (ms === undefined || ms <= 0)
      throw new InvalidArgumentError(`${flag} expects e.g. 30s, 2m or 500ms, got "${raw}"`);
    return ms;
  };
}

export function parseSeed(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n > 0xffffffff) {
    throw new InvalidArgumentError(`--seed expects a whole number from 0 to 4294967295, got "${raw}"`);
  }
  return n;
}

export function parseRate(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`--rate expects events per second (> 0), got "${raw}"`);
  return n;
}

export function parsePort(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < 1 || n > 65535)
      throw new InvalidArgumentError(`${flag} expects a TCP port from 1 to 65535, got "${raw}"`);
    return n;
  };
}

export function parsePrefix(raw: string): string {
  const problem = validatePrefix(raw);
  if (problem) throw new InvalidArgumentError(`--prefix "${raw}" ${problem}`);
  return raw;
}

/** A comma-separated list of catalog topic names (without the prefix); default every domain topic. */
export function parseTopicList(flag: string, raw: string | undefined): string[] {
  if (raw === undefined) return [...DOMAIN_TOPICS];
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => getTopic(n) === undefined);
  if (names.length === 0 || unknown.length > 0) {
    throw new ScSimError(
      'E_USAGE',
      `${flag}: ${unknown.length > 0 ? `not catalog topics: ${unknown.join(', ')}` : 'no topic given'}`,
      {
        hint: `name catalog topics without the prefix, e.g. ${flag} sc.domain.promotion,sc.domain.order (see \`sc-sim topics list\`)`,
      },
    );
  }
  return names;
}

export const brokersOption = () =>
  new Option(
    '-b, --brokers <list>',
    'Kafka bootstrap servers, host:port[,host:port] (env SC_SIM_BROKERS; default 127.0.0.1:9092)',
  );

export const prefixOption = () =>
  new Option('--prefix <prefix>', 'namespace every topic name with this prefix (e.g. "ci-42.")')
    .argParser(parsePrefix)
    .default('');
