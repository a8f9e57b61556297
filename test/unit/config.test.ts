import { describe, expect, it } from 'vitest';
import { parseBrokerList, resolveBrokers } from '../../src/config.js';
import { ExitCode, ScSimError } from '../../src/errors.js';

describe('broker resolution', () => {
  it('prefers the flag, then SC_SIM_BROKERS, then the default', () => {
    expect(resolveBrokers('a:1,b:2', { SC_SIM_BROKERS: 'c:3' })).toEqual(['a:1', 'b:2']);
    expect(resolveBrokers(undefined, { SC_SIM_BROKERS: 'c:3' })).toEqual(['c:3']);
    expect(resolveBrokers(undefined, {})).toEqual(['127.0.0.1:9092']);
    expect(resolveBrokers(undefined, { SC_SIM_BROKERS: '  ' })).toEqual(['127.0.0.1:9092']);
  });

  it('accepts IPv6 in brackets and trims spaces', () => {
    expect(parseBrokerList(' [::1]:9092 , localhost:19092', '--brokers')).toEqual(['[::1]:9092', 'localhost:19092']);
  });

  it('a bad flag value is a usage error that names the flag', () => {
    const err = (() => {
      try {
        parseBrokerList('localhost', '--brokers');
      } catch (e) {
        return e;
      }
    })() as ScSimError;
    expect(err).toBeInstanceOf(ScSimError);
    expect(err.code).toBe('E_USAGE');
    expect(err.exitCode).toBe(ExitCode.usage);
    expect(err.message).toMatch(/--brokers: "localhost" is not a host:port/);
  });

  it('a bad environment value is a configuration error that names the variable', () => {
    expect(() => resolveBrokers(undefined, { SC_SIM_BROKERS: 'h:99999' })).toThrow(/SC_SIM_BROKERS: "h:99999"/);
    expect(() => parseBrokerList(',', 'SC_SIM_BROKERS')).toThrow(/no broker address given/);
  });
});
