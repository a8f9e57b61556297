// The bench's console table: a pure function of the results (the same data as bench/results/<date>.json).
import { formatBytes } from '../src/render/format.js';
import { renderTable } from '../src/render/table.js';
import { PEER, SC_SIM } from './produce.js';
import type { BenchResults } from './results.js';
import type { VerifyPass } from './verify.js';

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const pct = (ratio: number) => `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)}%`;
const mib = (bytes: number) => formatBytes(bytes);

export const RATIO_TARGET = 0.8;

/** A numeric figure from a free-form details object, formatted; '' when absent. */
function detail(details: Record<string, unknown>, key: string): string {
  const v = details[key];
  return typeof v === 'number' ? int(v) : '';
}

export function formatBenchTable(r: BenchResults): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(
    `sc-sim bench (${r.mode}) — ${r.date}`,
    `machine: ${m.cpuModel} × ${m.cpus}, ${mib(m.totalMemBytes)} RAM, ${m.os}; load avg ${m.loadAvg1AtStart} at start` +
      `${m.loadAvg1AtEnd === null ? '' : `, ${m.loadAvg1AtEnd} at end`}`,
    `versions: node ${m.versions.node}, ${m.versions.java}, Kafka ${m.versions.kafka}, kafkajs ${m.versions.kafkajs}, sc-sim ${m.versions.scSim}` +
      (m.nodeFlags === undefined ? '' : `; node flags: ${m.nodeFlags.length > 0 ? m.nodeFlags.join(' ') : 'none'}`),
    r.broker
      ? `broker: ${r.broker.brokers.join(',')} (${r.broker.startedByBench ? 'started by the bench' : 'given with --brokers'})`
      : 'broker: none (generator only)',
    '',
  );

  out.push(
    `1. Generator — events generated + serialized (record value bytes) per second, one core, no Kafka (target ≥ ${int(r.generator?.targetEventsPerSec ?? 300_000)})`,
    '   medians of alternating chunks; per wall-clock second, and per CPU-second of the process (less sensitive to other load)',
  );
  if (r.generator) {
    out.push(
      renderTable(r.generator.results, [
        { header: 'MIX', value: (g) => g.mix },
        { header: 'EVENTS', value: (g) => int(g.events), align: 'right' },
        { header: 'EV/S', value: (g) => int(g.eventsPerSec), align: 'right' },
        { header: 'EV/CPU-S', value: (g) => detail(g.details, 'eventsPerCpuSec'), align: 'right' },
        {
          header: 'VS TARGET',
          value: (g) => fixed(g.eventsPerSec / r.generator!.targetEventsPerSec, 2),
          align: 'right',
        },
        { header: 'GENERATE ONLY', value: (g) => detail(g.details, 'generateOnlyEventsPerSec'), align: 'right' },
        { header: '(PER CPU-S)', value: (g) => detail(g.details, 'generateOnlyEventsPerCpuSec'), align: 'right' },
        { header: 'SERIALIZE ONLY', value: (g) => detail(g.details, 'serializeOnlyEventsPerSec'), align: 'right' },
        { header: '(PER CPU-S)', value: (g) => detail(g.details, 'serializeOnlyEventsPerCpuSec'), align: 'right' },
      ]),
    );
  } else out.push('(not run)');
  const threads = r.generator?.threads;
  if (threads) {
    const main = threads[0]!.recordsPerSec;
    out.push(
      '',
      '   generation threads — records handed to the runner per second (thread start-up excluded), medians of alternating rounds',
      renderTable(threads, [
        {
          header: 'WORKER THREADS',
          value: (t) => (t.threads === 0 ? '0 (main thread)' : String(t.threads)),
          align: 'right',
        },
        { header: 'RECORDS/S', value: (t) => int(t.recordsPerSec), align: 'right' },
        { header: 'VS MAIN THREAD', value: (t) => fixed(t.recordsPerSec / main, 2), align: 'right' },
        { header: 'ROUNDS', value: (t) => t.rounds.map(int).join(', ') },
      ]),
    );
  }
  out.push('');

  const p = r.produce;
  if (p) {
    out.push(
      `2. Produce side by side — ${int(p.count)} records per round, acks=all, median of ${p.rounds} alternating rounds (A B A B …)`,
      `   record size ${p.recordSizeBytes} B = sc-sim's median record: key ${p.eventSizes.medianKeyBytes} B + value ${p.eventSizes.medianValueBytes} B ` +
        `(p10 ${p.eventSizes.p10ValueBytes} B, p90 ${p.eventSizes.p90ValueBytes} B) + 3 headers ${p.eventSizes.medianHeaderBytes} B;`,
      `   both idempotent, acks=all; sc-sim batches of ${p.scSimProducer.batchMaxEvents} records, linger ${p.scSimProducer.lingerMs} ms, ` +
        `${p.scSimProducer.inFlightBatches} batches in flight, producer thread ${p.scSimProducer.worker ? 'on' : 'off'}, CRC32C ${p.scSimProducer.crc32c}; ` +
        `${PEER} linger.ms=${p.peerProducer.lingerMs}, batch.size=${p.peerProducer.batchSizeBytes};`,
      `   sc-sim: ${p.scSimTopics.topics} domain topics, ${p.scSimTopics.partitions} partitions; ${PEER}: ${p.peerTopic.name}, ${p.peerTopic.partitions} partitions`,
    );
    const rows = p.comparisons.flatMap((c) => [
      { compression: c.compression, tool: SC_SIM, f: c.scSim, note: '' },
      {
        compression: c.compression,
        tool: PEER,
        f: c.peer,
        note: c.peerPayload === 'payload-file' ? 'payload: sc-sim events' : 'payload: random, median size',
      },
    ]);
    out.push(
      renderTable(rows, [
        { header: 'COMPRESSION', value: (x) => x.compression },
        { header: 'TOOL', value: (x) => x.tool },
        { header: 'REC/S', value: (x) => int(x.f.recordsPerSec), align: 'right' },
        { header: 'MIB/S', value: (x) => fixed(x.f.mbPerSec, 2), align: 'right' },
        { header: 'P50 MS', value: (x) => fixed(x.f.p50LatencyMs, 1), align: 'right' },
        { header: 'P99 MS', value: (x) => fixed(x.f.p99LatencyMs, 1), align: 'right' },
        { header: 'ERRORS', value: (x) => int(x.f.errors), align: 'right' },
        { header: 'CPU µS/REC', value: (x) => fixed(x.f.cpuUsPerRecord, 1), align: 'right' },
        { header: 'PEAK RSS MIB', value: (x) => fixed(x.f.peakRssMiB, 0), align: 'right' },
        { header: 'NOTE', value: (x) => x.note },
      ]),
    );
    for (const c of p.comparisons) {
      out.push(
        `   ratio sc-sim / ${PEER} (${c.compression}): ${fixed(c.ratio, 2)} (target ≥ ${RATIO_TARGET}: ${r.mode === 'smoke' ? 'not judged in a smoke run: too few records' : c.ratio >= RATIO_TARGET ? 'met' : 'NOT met'}); ` +
          `per round ${c.roundRatios.map((x) => fixed(x, 2)).join(' ')}`,
      );
    }
    out.push(
      `   latency: sc-sim = send → ack of its batch; ${PEER} = send() call → ack callback (includes waiting in its 32 MiB buffer)`,
      `   CPU: sc-sim = its process during the run (every thread); ${PEER} = its whole JVM, start-up and JIT included`,
    );
  } else out.push('2. Produce side by side: (not run)');
  out.push('');

  const v = r.verify;
  if (v) {
    const anomalies = (a: VerifyPass['anomalies']) =>
      `lost ${a.lost}, duplicate ${a.duplicate}, reordered ${a.reordered}, gaps ${a.gaps}, indeterminate ${a.indeterminate}`;
    out.push(`3. Verification — ${int(v.acked)} records acked by an ordered run at ${int(v.producedPerSec)} rec/s`);
    if (v.live) {
      out.push(
        `   while sending (run --verify, ${v.live.mode} mode): ${int(v.live.verified)} verified in ${fixed(v.live.readBackMs / 1000, 1)} s ` +
          `(${int(v.live.verifiedPerSec)} rec/s, capped by the producer) — ${v.live.passed ? 'passed' : 'FAILED'}: ${anomalies(v.live.anomalies)}`,
      );
    }
    out.push(
      `   read back again at full speed (${v.capacity.mode} mode): ${int(v.capacity.verified)} in ${fixed(v.capacity.readBackMs / 1000, 1)} s = ` +
        `${int(v.capacity.verifiedPerSec)} rec/s vs max produce ${int(v.mustKeepUpWithPerSec)} rec/s — keeps up: ${v.keepsUp ? 'yes' : 'NO'}`,
    );
  } else out.push('3. Verification: (not run)');
  out.push('');

  const mem = r.memory;
  if (mem) {
    const g = mem.growth;
    out.push(
      `4. Memory — ${mem.scenario} at ${int(mem.targetRatePerSec)} ev/s (${mem.rateBasis}) for ${fixed(mem.durationMs / 1000, 0)} s ` +
        `(${mem.fullLength ? 'full 5-minute run' : 'short run; --full runs 5 minutes'}), warm-up ${fixed(mem.warmupMs / 1000, 0)} s`,
      `   achieved ${int(mem.achievedRatePerSec)} ev/s (ratio ${mem.achievedRateRatio === null ? 'n/a' : fixed(mem.achievedRateRatio, 3)}), ` +
        `p99 ack ${fixed(mem.ackLatencyP99Ms, 1)} ms, dropped ${int(mem.dropped)}, errors ${int(mem.errors)}`,
      `   peak RSS ${mib(mem.peakRssBytes)}; after warm-up: first third ${mib(g.firstThirdMeanBytes)}, last third ${mib(g.lastThirdMeanBytes)} ` +
        `(${pct(g.growthRatio)}, slope ${mib(Math.abs(g.slopeBytesPerMin))}/min${g.slopeBytesPerMin < 0 ? ' down' : ''}) — grows: ${g.grows ? 'YES' : 'no'}` +
        `${g.grows ? `; still rising in the last third (vs middle ${mib(g.middleThirdMeanBytes)}): ${g.stillRising ? 'YES' : 'no, levels off'}` : ''}`,
    );
  } else out.push('4. Memory: (not run)');

  if (r.failures.length > 0) {
    out.push('', 'failed phases:', ...r.failures.map((f) => `   ${f.phase}: ${f.error.split('\n')[0]}`));
  }
  return out.join('\n');
}
