/**
 * Local functions: Lambda-style handler modules from the functions directory, run in a small pool of
 * worker threads per function. A handler that throws is a function error (the error document has
 * Lambda's errorType/errorMessage/stackTrace shape); one that overruns its timeout is terminated, as
 * Lambda does ("Task timed out").
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InvokeResponse, Target } from './target.ts';

const EXTENSIONS = ['.mjs', '.js', '.cjs', '.ts'];

/** The module file for a function name, or undefined when the directory has none. */
export function findLocalFunction(functionsDir: string, name: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,140}$/.test(name)) return undefined;
  for (const ext of EXTENSIONS) {
    const file = resolve(functionsDir, `${name}${ext}`);
    if (existsSync(file)) return file;
    const index = resolve(functionsDir, name, `index${ext}`);
    if (existsSync(index)) return index;
  }
  return undefined;
}

interface Pending {
  resolve: (r: InvokeResponse) => void;
  started: number;
  timer: NodeJS.Timeout;
}

interface PoolWorker {
  worker: Worker;
  busy: boolean;
  pending: Map<number, Pending>;
}

export interface LocalTargetOptions {
  name: string;
  modulePath: string;
  timeoutMs: number;
  maxWorkers?: number;
}

const workerEntry = join(import.meta.dirname, 'local-worker.ts');

export function createLocalTarget(options: LocalTargetOptions): Target & { close(): Promise<void> } {
  const maxWorkers = options.maxWorkers ?? 2;
  const pool: PoolWorker[] = [];
  const waiting: Array<() => void> = [];
  let nextId = 1;
  let closed = false;

  const spawn = (): PoolWorker => {
    const entry: PoolWorker = {
      worker: new Worker(workerEntry, {
        // Lambda's default function memory is 128 MB. The young generation: a process-wide
        // --max-semi-space-size (the bin launcher sets 4) overrides this limit for every isolate.
        resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 8 },
        workerData: { modulePath: options.modulePath, functionName: options.name },
      }),
      busy: false,
      pending: new Map(),
    };
    const failAll = (message: string) => {
      for (const [id, p] of entry.pending) {
        clearTimeout(p.timer);
        entry.pending.delete(id);
        p.resolve({
          status: 'function-error',
          message,
          body: errorBody('Runtime.ExitError', message),
          durationMs: Date.now() - p.started,
        });
      }
      const at = pool.indexOf(entry);
      if (at >= 0) pool.splice(at, 1);
      waiting.shift()?.();
    };
    entry.worker.on('message', (msg: { id: number; ok: boolean; result?: string; error?: unknown }) => {
      const p = entry.pending.get(msg.id);
      if (!p) return;
      clearTimeout(p.timer);
      entry.pending.delete(msg.id);
      entry.busy = false;
      waiting.shift()?.();
      const durationMs = Date.now() - p.started;
      if (msg.ok)
        p.resolve({ status: 'ok', body: Buffer.from(msg.result ?? 'null'), statusCode: 200, durationMs });
      else
        p.resolve({
          status: 'function-error',
          body: Buffer.from(JSON.stringify(msg.error)),
          message: 'function error (Unhandled)',
          statusCode: 200,
          durationMs,
        });
    });
    entry.worker.on('error', (error) => failAll(`function runtime failed: ${error.message}`));
    entry.worker.on('exit', (code) => failAll(`function runtime exited with code ${code}`));
    entry.worker.unref();
    pool.push(entry);
    return entry;
  };

  const acquire = async (): Promise<PoolWorker> => {
    for (;;) {
      const idle = pool.find((w) => !w.busy);
      if (idle) return idle;
      if (pool.length < maxWorkers) return spawn();
      await new Promise<void>((r) => waiting.push(r));
    }
  };

  return {
    kind: 'local',
    name: options.name,
    async invoke(payload) {
      if (closed) return { status: 'transport-error', message: 'local target closed', durationMs: 0 };
      const entry = await acquire();
      entry.busy = true;
      const id = nextId++;
      return new Promise<InvokeResponse>((resolvePromise) => {
        const started = Date.now();
        const timer = setTimeout(() => {
          entry.pending.delete(id);
          const message = `Task timed out after ${(options.timeoutMs / 1000).toFixed(2)} seconds`;
          resolvePromise({
            status: 'function-error',
            body: errorBody('Sandbox.Timedout', message),
            message,
            statusCode: 200,
            durationMs: Date.now() - started,
          });
          void entry.worker.terminate();
        }, options.timeoutMs);
        entry.pending.set(id, { resolve: resolvePromise, started, timer });
        const copy = new Uint8Array(payload);
        entry.worker.postMessage({ id, payload: copy, timeoutMs: options.timeoutMs }, [copy.buffer]);
      });
    },
    async close() {
      closed = true;
      await Promise.all(pool.splice(0).map((w) => w.worker.terminate()));
    },
  };
}

function errorBody(errorType: string, errorMessage: string): Uint8Array {
  return Buffer.from(JSON.stringify({ errorType, errorMessage }));
}
