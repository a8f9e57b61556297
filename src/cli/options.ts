// Option parsers shared by command groups: each turns bad input into a usage error that names
// the flag and says what is expected.
import { InvalidArgumentError, Option } from 'commander';
import { validatePrefix } from '../catalog/topics.js';

export function parsePositiveInt(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${flag} expects a whole number >= 1, got "${raw}"`);
    }
    return n;
  };
}

export function parsePrefix(raw: string): string {
  const problem = validatePrefix(raw);
  if (problem) throw new InvalidArgumentError(`--prefix "${raw}" ${problem}`);
  return raw;
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
