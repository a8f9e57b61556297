// `--sink ndjson[:file]`: writes each record as one JSON line (topic, partition, offset, key (null
// for none), timestamp, headers and the envelope as value) instead of sending it, for dry runs and piping into tools.
// A file that cannot be opened fails at once; one that stops taking writes (a full disk) stops
// the run with E_IO; closing is bounded, so nothing waits on a stream that died.
import { createWriteStream, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { HEADER_PATHOLOGY } from '../envelope.js';
import { ScSimError } from '../errors.js';
import {
  valueBytes,
  type SendResult,
  type Sink,
  type SinkDescription,
  type SinkFatal,
  type SinkRecord,
} from './types.js';

const LINE_END = Buffer.from('}\n');
/** How long close() waits for the file to be flushed before it gives up with E_IO. */
const CLOSE_TIMEOUT_MS = 30_000;

function ioError(path: string, err: Error): SinkFatal {
  return {
    code: 'E_IO',
    message: `cannot write events to ${path}: ${err.message}`,
    hint: 'check that the directory exists, is writable and has space, or use --sink kafka',
  };
}

export class NdjsonSink implements Sink {
  readonly description: SinkDescription;
  private readonly out: Writable;
  private readonly ownsStream: boolean;
  /** Offsets as a broker would give them: per topic/partition, from 0. */
  private readonly nextOffsets = new Map<string, number>();
  private failure: SinkFatal | undefined;

  /** `path` undefined or "-" writes to `stdout`. Throws E_IO when the file cannot be opened. */
  constructor(path?: string, stdout: Writable = process.stdout) {
    const toStdout = path === undefined || path === '-';
    this.description = { kind: 'ndjson', target: toStdout ? 'stdout' : path };
    if (toStdout) {
      this.out = stdout;
      this.ownsStream = false;
    } else {
      let fd: number;
      try {
        fd = openSync(path, 'w');
      } catch (err) {
        const f = ioError(path, err as Error);
        throw new ScSimError(f.code, f.message, { hint: f.hint, cause: err });
      }
      this.out = createWriteStream(path, { fd });
      this.ownsStream = true;
    }
    this.out.on('error', (err) => (this.failure ??= ioError(this.description.target, err)));
  }

  private failed(): SendResult {
    const f = this.failure!;
    return { ok: false, error: f.message, indeterminate: false, fatal: f };
  }

  async send(batch: readonly SinkRecord[]): Promise<SendResult> {
    if (this.failure) return this.failed();
    const chunks: Buffer[] = [];
    const offsets: number[] = [];
    for (const r of batch) {
      const tp = `${r.topic}\u0000${r.partition}`;
      const offset = this.nextOffsets.get(tp) ?? 0;
      this.nextOffsets.set(tp, offset + 1);
      offsets.push(offset);
      // The value is already JSON: it is spliced in as bytes, never parsed or serialized again.
      const key = r.key === null ? 'null' : JSON.stringify(r.keyText);
      const timestamp = r.timestampMs === undefined ? '' : `"timestamp":${r.timestampMs},`;
      const head = `{"topic":${JSON.stringify(r.topic)},"partition":${r.partition},"offset":${offset},"key":${key},${timestamp}"headers":${headersJson(r.headers)},"value":`;
      // A dead letter or a poison record may not be JSON: it goes out as a JSON string instead.
      chunks.push(
        Buffer.from(head),
        mayBeMalformed(r) ? Buffer.from(JSON.stringify(r.value.toString())) : valueBytes(r.value),
        LINE_END,
      );
    }
    const flushed = this.out.write(Buffer.concat(chunks));
    if (!flushed) await this.settle('drain');
    // The stream's 'error' handler may have run while we waited.
    if (this.failure) return this.failed();
    return { ok: true, offsets };
  }

  /** Waits for `event`, or for the stream to fail or close, at most CLOSE_TIMEOUT_MS. */
  private settle(event: 'drain' | 'finish'): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.out.off(event, done);
        this.out.off('error', done);
        this.out.off('close', done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.failure ??= ioError(this.description.target, new Error(`no progress in ${CLOSE_TIMEOUT_MS / 1000} s`));
        done();
      }, CLOSE_TIMEOUT_MS);
      this.out.once(event, done);
      this.out.once('error', done);
      this.out.once('close', done);
    });
  }

  async close(): Promise<void> {
    if (!this.ownsStream) return;
    if (!this.out.destroyed && !this.out.writableFinished) {
      const finished = this.settle('finish');
      this.out.end();
      await finished;
    }
    if (this.failure) {
      this.out.destroy();
      throw new ScSimError(this.failure.code, this.failure.message, { hint: this.failure.hint });
    }
  }
}

/** Headers as JSON; a binary value (DLQ positions) as {"base64": …}. */
function headersJson(headers: SinkRecord['headers']): string {
  let binary = false;
  for (const name in headers) if (typeof headers[name] !== 'string') binary = true;
  if (!binary) return JSON.stringify(headers);
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, typeof v === 'string' ? v : { base64: v.toString('base64') }]),
    ),
  );
}

function mayBeMalformed(r: SinkRecord): boolean {
  return r.logicalTopic.startsWith('sc.dlq.') || r.headers[HEADER_PATHOLOGY] === 'poison';
}
