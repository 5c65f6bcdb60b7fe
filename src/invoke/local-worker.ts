/**
 * Worker-thread entry for local functions: runs a Lambda-style `handler(event, context)` off the main
 * thread so a slow or CPU-heavy function never stalls polling. One module per worker.
 */

import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { releaseBuffer } from '../release.ts';
import { decodePayload } from './decode-payload.ts';

interface Task {
  id: number;
  payload: Uint8Array;
  timeoutMs: number;
}

type Handler = (event: unknown, context: Record<string, unknown>) => unknown;

const { modulePath, functionName } = workerData as { modulePath: string; functionName: string };

let handlerPromise: Promise<Handler> | undefined;
function loadHandler(): Promise<Handler> {
  handlerPromise ??= import(pathToFileURL(modulePath).href).then((mod: Record<string, unknown>) => {
    const fn = mod.handler ?? (mod.default as Record<string, unknown> | undefined)?.handler ?? mod.default;
    if (typeof fn !== 'function') throw new TypeError(`${modulePath} exports no handler function`);
    return fn as Handler;
  });
  return handlerPromise;
}

function describe(error: unknown) {
  if (error instanceof Error) {
    return {
      errorType: error.name,
      errorMessage: error.message,
      stackTrace: (error.stack ?? '')
        .split('\n')
        .slice(1, 11)
        .map((s) => s.trim()),
    };
  }
  return { errorType: 'Error', errorMessage: String(error), stackTrace: [] };
}

parentPort?.on('message', async (task: Task) => {
  const started = Date.now();
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionName,
    memoryLimitInMB: '128',
    awsRequestId: randomUUID(),
    logGroupName: `/klb/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, task.timeoutMs - (Date.now() - started)),
  };
  try {
    const handler = await loadHandler();
    const event = JSON.parse(decodePayload(task.payload));
    // The payload was transferred to this worker and is parsed: free it now, not at a later GC.
    releaseBuffer(task.payload);
    const result = await handler(event, context);
    parentPort?.postMessage({
      id: task.id,
      ok: true,
      result: result === undefined ? 'null' : JSON.stringify(result),
    });
  } catch (error) {
    parentPort?.postMessage({ id: task.id, ok: false, error: describe(error) });
  }
});
