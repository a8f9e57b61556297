// Fetches the Kafka broker's jars from Maven Central once (via kafka/pom.xml) into a cache shared by
// every local instance; a marker file written last makes an interrupted download start over.
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScSimError } from '../../errors.js';
import { exec, lastLines } from './exec.js';
import { jarCachePaths, POM_PATH } from './paths.js';

export interface EnsureJarsOptions {
  cacheRoot: string;
  version: string;
  pomPath?: string;
  onProgress?: (msg: string) => void;
  /** Bound for the whole Maven run; a cold download is ~15 s on a good line. */
  timeoutMs?: number;
}

export interface EnsureJarsResult {
  libsDir: string;
  downloaded: boolean;
  jarCount: number;
}

export function isJarCacheComplete(cacheRoot: string, version: string): boolean {
  const p = jarCachePaths(cacheRoot, version);
  return existsSync(p.markerFile) && existsSync(p.libsDir);
}

export async function ensureJars(opts: EnsureJarsOptions): Promise<EnsureJarsResult> {
  const p = jarCachePaths(opts.cacheRoot, opts.version);
  if (isJarCacheComplete(opts.cacheRoot, opts.version)) {
    return { libsDir: p.libsDir, downloaded: false, jarCount: countJars(p.libsDir) };
  }
  opts.onProgress?.(`downloading Apache Kafka ${opts.version} from Maven Central into ${p.dir} (first run only)…`);
  await mkdir(p.dir, { recursive: true });
  // Maven copies into a private directory that is renamed into place, so two concurrent `up`s (a dev
  // instance and the test instance) never see each other's half-copied jars.
  const tmpDir = join(p.dir, `libs.tmp-${process.pid}-${Date.now()}`);
  try {
    const r = await exec(
      'mvn',
      [
        '-q',
        '-B',
        '-Dstyle.color=never',
        '-f',
        opts.pomPath ?? POM_PATH,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${tmpDir}`,
        '-DincludeScope=runtime',
      ],
      { timeoutMs: opts.timeoutMs ?? 10 * 60_000 },
    );
    if (r.missing) {
      throw new ScSimError(
        'E_MAVEN_MISSING',
        'Maven (`mvn`) is not on PATH; it is needed once to download the Kafka broker',
        {
          hint: 'install Apache Maven 3.6+ (e.g. `apt install maven` or `brew install maven`), or use Docker: `sc-sim kafka up --docker`',
        },
      );
    }
    if (r.exitCode !== 0) {
      const why = r.timedOut ? 'timed out' : `exited with code ${r.exitCode}`;
      throw new ScSimError('E_MAVEN_FAILED', `Maven ${why} while downloading Kafka ${opts.version}`, {
        details: lastLines(r.stdout + '\n' + r.stderr, 20),
        hint: 'check network access to Maven Central (repo.maven.apache.org) or the mirror/proxy in ~/.m2/settings.xml, then re-run',
      });
    }
    const jarCount = countJars(tmpDir);
    if (jarCount === 0) {
      throw new ScSimError('E_MAVEN_FAILED', `Maven copied no jars for Kafka ${opts.version}`, {
        details: lastLines(r.stdout + '\n' + r.stderr, 20),
        hint: `check ${opts.pomPath ?? POM_PATH}`,
      });
    }
    // A libs dir without a marker is a leftover of an interrupted run: replace it.
    if (!existsSync(p.markerFile)) await rm(p.libsDir, { recursive: true, force: true });
    if (!existsSync(p.libsDir)) await rename(tmpDir, p.libsDir);
    await writeFile(
      p.markerFile,
      JSON.stringify({ version: opts.version, jarCount, completedAt: new Date().toISOString() }) + '\n',
    );
    return { libsDir: p.libsDir, downloaded: true, jarCount };
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}

function countJars(dir: string): number {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.jar')).length;
  } catch {
    return 0;
  }
}
