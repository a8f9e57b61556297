// `--sink ndjson[:file]`: writes each record as one JSON line (topic, partition, offset, key,
// headers and the envelope as value) instead of sending it, for dry runs and piping into tools.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { ScSimError } from '../errors.js';
import type { SendResult, Sink, SinkDescription, SinkRecord } from './types.js';

const LINE_END = Buffer.from('}\n');

export class NdjsonSink implements Sink {
  readonly description: SinkDescription;
  private readonly out: Writable;
  private readonly ownsStream: boolean;
  /** Offsets as a broker would give them: per topic/partition, from 0. */
  private readonly nextOffsets = new Map<string, number>();
  private failure: Error | undefined;

  /** `path` undefined or "-" writes to stdout. */
  constructor(path?: string, stdout: Writable = process.stdout) {
    const toStdout = path === undefined || path === '-';
    this.out = toStdout ? stdout : createWriteStream(path);
    this.ownsStream = !toStdout;
    this.description = { kind: 'ndjson', target: toStdout ? 'stdout' : path };
    this.out.on('error', (err) => (this.failure ??= err));
  }

  async send(batch: readonly SinkRecord[]): Promise<SendResult> {
    if (this.failure) return { ok: false, error: this.failure.message, indeterminate: false };
    const chunks: Buffer[] = [];
    const offsets: number[] = [];
    for (const r of batch) {
      const tp = `${r.topic}\u0000${r.partition}`;
      const offset = this.nextOffsets.get(tp) ?? 0;
      this.nextOffsets.set(tp, offset + 1);
      offsets.push(offset);
      // The value is already JSON: it is spliced in as bytes, never parsed or serialized again.
      const head = `{"topic":${JSON.stringify(r.topic)},"partition":${r.partition},"offset":${offset},"key":${JSON.stringify(r.keyText)},"headers":${JSON.stringify(r.headers)},"value":`;
      chunks.push(Buffer.from(head), r.value, LINE_END);
    }
    if (!this.out.write(Buffer.concat(chunks))) await once(this.out, 'drain');
    // The stream's 'error' handler may have run while we waited.
    const failure = this.failure as Error | undefined;
    if (failure) return { ok: false, error: failure.message, indeterminate: false };
    return { ok: true, offsets };
  }

  async close(): Promise<void> {
    if (!this.ownsStream) return;
    this.out.end();
    try {
      await once(this.out, 'finish');
    } catch (err) {
      throw new ScSimError('E_IO', `cannot write ${this.description.target}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (this.failure) {
      throw new ScSimError('E_IO', `cannot write ${this.description.target}: ${this.failure.message}`, {
        cause: this.failure,
      });
    }
  }
}
