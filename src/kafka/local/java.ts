// Checks that a Java runtime new enough for the Kafka 4.x broker (17+) is on PATH, before anything
// is downloaded or started.
import { ScSimError } from '../../errors.js';
import { exec } from './exec.js';

export const MIN_JAVA_MAJOR = 17;

/** Parses the major version from `java -version` output ("17.0.15", "1.8.0_392" -> 8, "21" -> 21). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const m = /version "([^"]+)"/.exec(versionOutput) ?? /^\S+ (\d+[^\s]*)/m.exec(versionOutput);
  const v = m?.[1];
  if (!v) return undefined;
  const parts = v.split(/[._+-]/);
  const first = Number(parts[0]);
  if (!Number.isFinite(first)) return undefined;
  return first === 1 ? Number(parts[1]) : first;
}

const INSTALL_HINT =
  'install a JDK 17 or newer (e.g. `apt install openjdk-17-jre-headless`, `brew install openjdk@17`) and put `java` on PATH, or use Docker: `sc-sim kafka up --docker`';

export async function ensureJava(): Promise<number> {
  const r = await exec('java', ['-version'], { timeoutMs: 30_000 });
  if (r.missing) {
    throw new ScSimError('E_JAVA_MISSING', '`java` is not on PATH; the local Kafka broker needs a Java runtime', {
      hint: INSTALL_HINT,
    });
  }
  const major = parseJavaMajor(r.stderr + '\n' + r.stdout);
  if (r.exitCode !== 0 || major === undefined) {
    throw new ScSimError('E_JAVA_MISSING', '`java -version` did not run cleanly', {
      details: (r.stderr + r.stdout).trim().split('\n').slice(-5),
      hint: INSTALL_HINT,
    });
  }
  if (major < MIN_JAVA_MAJOR) {
    throw new ScSimError('E_JAVA_MISSING', `found Java ${major}, but Kafka 4 needs Java ${MIN_JAVA_MAJOR} or newer`, {
      hint: INSTALL_HINT,
    });
  }
  return major;
}
