// Entry of the Kafka sink's worker thread (started by kafka-worker.ts): the ordinary KafkaSink,
// fed unpacked batches, answering each with its result.
import { parentPort, workerData } from 'node:worker_threads';
import { isScSimError } from '../errors.js';
import { KafkaSink } from './kafka.js';
import type { FromWorker, ToWorker, WorkerData } from './kafka-worker.js';
import { unpackBatch } from './packed-batch.js';

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

async function start(): Promise<void> {
  let sink: KafkaSink;
  try {
    sink = await KafkaSink.connect((workerData as WorkerData).options);
  } catch (err) {
    post({
      kind: 'connect-failed',
      error: isScSimError(err)
        ? { code: err.code, message: err.message, hint: err.hint, details: err.details, exitCode: err.exitCode }
        : { message: err instanceof Error ? err.message : String(err) },
    });
    return;
  }
  port.on('message', (m: ToWorker) => {
    if (m.kind === 'crash') throw new Error('crash requested by a test');
    if (m.kind === 'close') {
      void sink.close().finally(() => port.close());
      return;
    }
    void sink.send(unpackBatch(m.batch), m.options).then((result) => post({ kind: 'result', id: m.id, result }));
  });
  post({ kind: 'ready' });
}

void start();
