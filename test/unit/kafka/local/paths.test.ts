import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isScSimError } from '../../../../src/errors.js';
import {
  DEFAULT_CACHE_ROOT,
  DEFAULT_HOME,
  jarCachePaths,
  KAFKA_VERSION,
  POM_PATH,
  readKafkaVersion,
  REPO_ROOT,
  resolveCacheRoot,
  resolveHome,
} from '../../../../src/kafka/local/paths.js';

describe('Kafka version', () => {
  it('comes from <kafka.version> in kafka/pom.xml', () => {
    const pom = readFileSync(POM_PATH, 'utf8');
    expect(pom).toContain(`<kafka.version>${KAFKA_VERSION}</kafka.version>`);
    expect(KAFKA_VERSION).toMatch(/^4\.\d+\.\d+$/);
  });

  it('reads the property with surrounding whitespace', () => {
    expect(readKafkaVersion('<properties>\n  <kafka.version> 4.1.0 </kafka.version>')).toBe('4.1.0');
  });

  it('fails with E_CONFIG naming the file when the property is missing', () => {
    let caught: unknown;
    try {
      readKafkaVersion('<project/>', '/x/pom.xml');
    } catch (err) {
      caught = err;
    }
    expect(isScSimError(caught) && caught.code).toBe('E_CONFIG');
    expect((caught as Error).message).toContain('/x/pom.xml');
  });
});

describe('home and cache resolution', () => {
  it('defaults under <repo>/.sc-sim', () => {
    expect(resolveHome(undefined, {})).toBe(join(REPO_ROOT, '.sc-sim', 'kafka'));
    expect(DEFAULT_HOME).toBe(join(REPO_ROOT, '.sc-sim', 'kafka'));
    expect(resolveCacheRoot(undefined, {})).toBe(DEFAULT_CACHE_ROOT);
  });

  it('prefers the option over the environment, and the environment over the default', () => {
    expect(resolveHome('rel/home', { SC_SIM_KAFKA_HOME: '/env/home' })).toBe(resolve('rel/home'));
    expect(resolveHome(undefined, { SC_SIM_KAFKA_HOME: '/env/home' })).toBe('/env/home');
    expect(resolveCacheRoot('/opt/c', { SC_SIM_KAFKA_CACHE: '/env/c' })).toBe('/opt/c');
    expect(resolveCacheRoot(undefined, { SC_SIM_KAFKA_CACHE: '/env/c' })).toBe('/env/c');
  });

  it('keeps one jar cache per Kafka version', () => {
    const p = jarCachePaths('/c', '4.4.0');
    expect(p.libsDir).toBe('/c/kafka-4.4.0/libs');
    expect(p.markerFile).toBe('/c/kafka-4.4.0/complete.json');
  });
});
