// What an instance's home remembers between commands (mode, ports, version: instance.json) and
// the helpers that read its broker log and measure its data.
import { existsSync } from 'node:fs';
import { chmod, mkdir, open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface InstanceRecord {
  mode: 'jvm' | 'docker';
  port: number;
  controllerPort: number;
  version: string;
  startedAt: string;
  /** Started with `--secure` (SASL_SSL, SCRAM users, ACLs): the home stays secure. */
  secure?: boolean;
  /** A multi-node cluster (`up --nodes N`, N > 1); absent for the single node. */
  cluster?: { nodes: number; layout: 'split' | 'combined'; clusterId: string };
}

export async function readInstance(file: string): Promise<InstanceRecord | undefined> {
  try {
    const raw = JSON.parse(await readFile(file, 'utf8')) as Partial<InstanceRecord>;
    if ((raw.mode !== 'jvm' && raw.mode !== 'docker') || typeof raw.port !== 'number') return undefined;
    return {
      mode: raw.mode,
      port: raw.port,
      controllerPort: typeof raw.controllerPort === 'number' ? raw.controllerPort : raw.port + 1,
      version: typeof raw.version === 'string' ? raw.version : '',
      startedAt: typeof raw.startedAt === 'string' ? raw.startedAt : '',
      ...(raw.secure === true ? { secure: true } : {}),
      ...readCluster(raw.cluster),
    };
  } catch {
    // Missing or unreadable: the instance was never started from this home.
    return undefined;
  }
}

function readCluster(raw: unknown): Pick<InstanceRecord, 'cluster'> {
  if (typeof raw !== 'object' || raw === null) return {};
  const c = raw as Record<string, unknown>;
  const nodes = c['nodes'];
  const layout = c['layout'];
  const clusterId = c['clusterId'];
  if (typeof nodes !== 'number' || !Number.isInteger(nodes) || nodes < 2) return {};
  if (layout !== 'split' && layout !== 'combined') return {};
  if (typeof clusterId !== 'string') return {};
  return { cluster: { nodes, layout, clusterId } };
}

export async function writeInstance(file: string, rec: InstanceRecord, home: string): Promise<void> {
  await mkdir(home, { recursive: true });
  await writeFile(file, JSON.stringify(rec, null, 2) + '\n');
}

/** Writes a file only its owner may read (0600), also when it already existed with another mode. */
export async function writePrivateFile(file: string, content: string): Promise<void> {
  await writeFile(file, content, { mode: 0o600 });
  await chmod(file, 0o600);
}

/** Total size of the regular files under a directory (0 if it does not exist). */
/**
 * What a directory holds: the bytes its files take on disk (allocated blocks, as `du` counts) and
 * their apparent size. Kafka preallocates sparse 10 MiB index files per segment, so the apparent
 * size overstates the data many times over; the allocated size is the truth.
 */
export async function dirUsage(dir: string): Promise<{ allocatedBytes: number; apparentBytes: number }> {
  const total = { allocatedBytes: 0, apparentBytes: 0 };
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return total;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const sub = await dirUsage(p);
      total.allocatedBytes += sub.allocatedBytes;
      total.apparentBytes += sub.apparentBytes;
    } else if (e.isFile()) {
      try {
        const st = await stat(p);
        // st.blocks counts 512-byte units on Linux (and macOS), whatever the file system's block size.
        total.allocatedBytes += st.blocks * 512;
        total.apparentBytes += st.size;
      } catch {
        // Kafka deletes segments while we walk; a vanished file simply does not count.
      }
    }
  }
  return total;
}

/** The marker line `up` writes into the broker log before each start. */
export const START_MARKER = '----- sc-sim kafka up';

/** The log is appended across restarts; above this size it is moved to broker.log.1 at the next start. */
export const LOG_ROTATE_BYTES = 50 * 1024 * 1024;

export async function rotateLogIfLarge(logFile: string, maxBytes = LOG_ROTATE_BYTES): Promise<void> {
  try {
    if ((await stat(logFile)).size > maxBytes) await rename(logFile, `${logFile}.1`);
  } catch {
    // No log yet.
  }
}

/** Reads the last `count` lines of a file without loading all of it (broker logs grow large). */
export async function tailLines(file: string, count: number): Promise<string[]> {
  if (count <= 0 || !existsSync(file)) return [];
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const chunkBytes = 64 * 1024;
    let pos = size;
    let text = '';
    // One more newline than lines wanted guarantees the first kept line is complete.
    while (pos > 0 && countNewlines(text) <= count) {
      const len = Math.min(chunkBytes, pos);
      pos -= len;
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, pos);
      text = buf.toString('utf8') + text;
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-count);
  } finally {
    await fh.close();
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** The last lines the most recent start wrote (lines before its marker belong to earlier runs). */
export async function lastStartLines(logFile: string, count: number): Promise<string[]> {
  const lines = await tailLines(logFile, 2000);
  let start = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]?.startsWith(START_MARKER)) {
      start = i + 1;
      break;
    }
  }
  return lines
    .slice(start)
    .filter((l) => l.trim() !== '')
    .slice(-count);
}
