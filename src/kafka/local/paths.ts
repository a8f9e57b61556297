// Where the local broker lives on disk: the repo's pom (single source of the Kafka version), the
// shared jar cache, and the files of one instance's home directory.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScSimError } from '../../errors.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/[\\/]$/, '');
export const POM_PATH = join(REPO_ROOT, 'kafka', 'pom.xml');
export const LOG4J_CONFIG_PATH = join(REPO_ROOT, 'kafka', 'log4j2.yaml');
export const COMPOSE_FILE_PATH = join(REPO_ROOT, 'docker-compose.yml');
export const DEFAULT_HOME = join(REPO_ROOT, '.sc-sim', 'kafka');
export const DEFAULT_CACHE_ROOT = join(REPO_ROOT, '.sc-sim', 'cache');

/** Reads `<kafka.version>` from the pom text; the pom is what Maven fetches, so it must be the only place. */
export function readKafkaVersion(pomXml: string, where = POM_PATH): string {
  const m = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(pomXml);
  if (!m?.[1]) {
    throw new ScSimError('E_CONFIG', `${where}: no <kafka.version> property`, {
      hint: 'restore kafka/pom.xml from git; it pins the Kafka release sc-sim runs',
    });
  }
  return m[1];
}

export const KAFKA_VERSION: string = readKafkaVersion(readFileSync(POM_PATH, 'utf8'));

/** Instance home: explicit option > SC_SIM_KAFKA_HOME > <repo>/.sc-sim/kafka. Always absolute. */
export function resolveHome(home: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['SC_SIM_KAFKA_HOME'];
  if (home !== undefined && home !== '') return resolve(home);
  if (fromEnv !== undefined && fromEnv.trim() !== '') return resolve(fromEnv.trim());
  return DEFAULT_HOME;
}

/** Jar cache root: explicit option > SC_SIM_KAFKA_CACHE > <repo>/.sc-sim/cache. Shared by all instances. */
export function resolveCacheRoot(cacheDir: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['SC_SIM_KAFKA_CACHE'];
  if (cacheDir !== undefined && cacheDir !== '') return resolve(cacheDir);
  if (fromEnv !== undefined && fromEnv.trim() !== '') return resolve(fromEnv.trim());
  return DEFAULT_CACHE_ROOT;
}

export interface JarCachePaths {
  /** <cache>/kafka-<version> */
  dir: string;
  libsDir: string;
  /** Written only after Maven copied every jar, so a half-finished download is redone. */
  markerFile: string;
}

export function jarCachePaths(cacheRoot: string, version: string): JarCachePaths {
  const dir = join(cacheRoot, `kafka-${version}`);
  return { dir, libsDir: join(dir, 'libs'), markerFile: join(dir, 'complete.json') };
}

export interface InstancePaths {
  home: string;
  dataDir: string;
  serverProperties: string;
  logFile: string;
  pidFile: string;
  /** Remembers mode, ports and version so status/down/logs need no flags. */
  instanceFile: string;
  /** Secure mode: the CA, the broker's keystore (tls/), the passwords and one client config per user. */
  tlsDir: string;
  credentialsFile: string;
  adminClientConfig: string;
  appClientConfig: string;
}

export function instancePaths(home: string): InstancePaths {
  return {
    home,
    dataDir: join(home, 'data'),
    serverProperties: join(home, 'server.properties'),
    logFile: join(home, 'broker.log'),
    pidFile: join(home, 'kafka.pid'),
    instanceFile: join(home, 'instance.json'),
    tlsDir: join(home, 'tls'),
    credentialsFile: join(home, 'credentials.properties'),
    adminClientConfig: join(home, 'client-admin.properties'),
    appClientConfig: join(home, 'client-app.properties'),
  };
}
