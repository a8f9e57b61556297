// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per module,
// so "what limits throughput" is read from data. CLI: npx tsx bench/profile-top.ts <file> [top].
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The parts of the .cpuprofile format (Chrome DevTools Protocol Profiler.Profile) used here. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  /** µs since the previous sample; sample i's time is attributed to samples[i]. */
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  /** Where: package name, repo-relative file or a V8 pseudo-node such as (garbage collector). */
  where: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Not idle: what the process actually spent CPU on. */
  busyMs: number;
  functions: SelfTime[];
  /** Self time per package / source file. */
  modules: { where: string; selfMs: number; share: number }[];
  /**
   * The same, with Node's own code (Buffer, streams, natives) charged to the package that called
   * it: "kafkajs" then includes the Buffer allocations kafkajs makes.
   */
  modulesByCaller: { where: string; selfMs: number; share: number }[];
}

const NODE_INTERNAL = new Set(['node', '(native)']);

/** node_modules/<pkg> → pkg; <repo>/src/generators/x.ts → src/generators/x.ts; node:internal → node. */
export function locate(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return 'node';
  const repo = /\/((?:src|bench|test)\/.*)$/.exec(url);
  return repo ? repo[1]! : url;
}

export function summarizeCpuProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  /** The first caller up the stack that is not Node's own code. */
  const callerWhere = (id: number): string => {
    let cur: number | undefined = id;
    while (cur !== undefined) {
      const cf = byId.get(cur)!.callFrame;
      const where = locate(cf.url, cf.functionName);
      if (!NODE_INTERNAL.has(where)) return where;
      cur = parentOf.get(cur);
    }
    return 'node';
  };
  const byCaller = new Map<string, number>();
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fns = new Map<string, { name: string; where: string; us: number }>();
  const mods = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const cf = byId.get(id)!.callFrame;
    totalUs += us;
    if (cf.functionName === '(idle)') idleUs += us;
    const where = locate(cf.url, cf.functionName);
    const name = cf.functionName || '(anonymous)';
    const key = `${name}\u0000${cf.url}\u0000${cf.lineNumber}`;
    const entry = fns.get(key) ?? { name: cf.url ? `${name}:${cf.lineNumber + 1}` : name, where, us: 0 };
    entry.us += us;
    fns.set(key, entry);
    mods.set(where, (mods.get(where) ?? 0) + us);
    const charged = NODE_INTERNAL.has(where) ? callerWhere(id) : where;
    byCaller.set(charged, (byCaller.get(charged) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const share = (us: number) => (busyUs > 0 ? Math.round((us / busyUs) * 1000) / 1000 : 0);
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    totalMs: ms(totalUs),
    busyMs: ms(busyUs),
    functions: [...fns.values()]
      .filter((f) => f.name !== '(idle)')
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: ms(f.us), share: share(f.us) })),
    modules: sortModules(mods),
    modulesByCaller: sortModules(byCaller),
  };
  function sortModules(m: Map<string, number>) {
    return [...m]
      .filter(([where]) => where !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .map(([where, us]) => ({ where, selfMs: ms(us), share: share(us) }));
  }
}

export function formatProfileSummary(s: ProfileSummary, modulesShown = 12): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  return [
    `busy ${s.busyMs} ms of ${s.totalMs} ms profiled (shares are of busy time)`,
    'top self time by module:',
    ...s.modules
      .slice(0, modulesShown)
      .map((m) => `  ${pct(m.share)}  ${m.selfMs.toFixed(0).padStart(7)} ms  ${m.where}`),
    "by module, Node's own code charged to its caller:",
    ...s.modulesByCaller
      .slice(0, modulesShown)
      .map((m) => `  ${pct(m.share)}  ${m.selfMs.toFixed(0).padStart(7)} ms  ${m.where}`),
    'top self time by function:',
    ...s.functions.map((f) => `  ${pct(f.share)}  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.name}  [${f.where}]`),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: npx tsx bench/profile-top.ts <file.cpuprofile> [top]\n');
    process.exitCode = 2;
  } else {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    process.stdout.write(`${formatProfileSummary(summarizeCpuProfile(profile, top ? Number(top) : 25))}\n`);
  }
}
