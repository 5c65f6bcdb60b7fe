/**
 * FailureHandler: where a given-up batch leaves the retry loop (implements the runtime's FailureSink,
 * src/dispatch/failure-sink.ts).
 *
 *   handOff ──► store.put (durable; throws if Redis fails: the caller must not commit past the batch)
 *           └─► on-failure destination, best effort, bounded by destinationTimeoutMs: a failure is
 *               logged, counted and recorded on the stored batch (`destination: 'failed'`); it never
 *               makes handOff throw, so a broken destination cannot hold a partition back for long.
 *
 * A delivery that outlives the timeout keeps going; when it finally lands the batch is re-marked.
 */
import type { FailureHandOff, FailureSink } from '../dispatch/failure-sink.ts';
import type { Logger } from '../log.ts';
import type { FailureDestinations } from './destination.ts';
import type { FailedBatchStore } from './store.ts';
import type { DestinationState } from './types.ts';

export interface FailureHandlerDeps {
  readonly store: Pick<FailedBatchStore, 'put' | 'markDestination'>;
  readonly destinations: Pick<FailureDestinations, 'send'>;
  readonly logger: Logger;
  /** How long handOff waits for the destination; default 30 s. */
  readonly destinationTimeoutMs?: number;
}

export interface HandOffResult {
  readonly storedId: string;
  readonly destination: DestinationState;
}

export interface FailureStats {
  stored: number;
  destinationDelivered: number;
  destinationFailed: number;
  destinationUnreachable: number;
}

const TIMED_OUT = Symbol('timed out');

export class FailureHandler implements FailureSink {
  readonly #deps: FailureHandlerDeps;
  readonly #stats: FailureStats = {
    stored: 0,
    destinationDelivered: 0,
    destinationFailed: 0,
    destinationUnreachable: 0,
  };

  constructor(deps: FailureHandlerDeps) {
    this.#deps = deps;
  }

  /** Counters since start (for metrics). */
  stats(): Readonly<FailureStats> {
    return { ...this.#stats };
  }

  /**
   * Stores the batch, then hands it to the mapping's on-failure destination.
   * @throws BridgeError REDIS_FAILED when the batch could not be stored (nothing else throws).
   */
  async handOff(input: FailureHandOff): Promise<HandOffResult> {
    const { mapping } = input;
    const storedId = await this.#deps.store.put({
      mappingId: mapping.uuid,
      functionArn: mapping.functionArn,
      packed: input.packed,
      condition: input.condition,
      error: input.error,
      attempts: input.attempts,
      approximateInvokeCount: input.approximateInvokeCount,
      responseContext: input.responseContext ?? null,
    });
    this.#stats.stored++;
    if (mapping.onFailureDestination === undefined) return { storedId, destination: 'none' };

    const delivery = this.#deps.destinations.send({
      mapping,
      packed: input.packed,
      condition: input.condition,
      approximateInvokeCount: input.approximateInvokeCount,
      responseContext: input.responseContext ?? null,
    });
    let state: DestinationState;
    let error: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(resolve, this.#deps.destinationTimeoutMs ?? 30_000, TIMED_OUT);
    });
    try {
      const first = await Promise.race([delivery, deadline]);
      if (first === TIMED_OUT) {
        state = 'failed';
        error = 'on-failure destination did not answer in time';
        void delivery.then(
          (late) => this.#mark(mapping.uuid, storedId, late),
          () => undefined,
        );
      } else {
        state = first;
      }
    } catch (cause) {
      state = 'failed';
      error = cause instanceof Error ? cause.message : String(cause);
    } finally {
      clearTimeout(timer);
    }
    if (state === 'failed') {
      this.#stats.destinationFailed++;
      this.#deps.logger.error('on-failure destination failed; the batch stays in the failed-batch store', {
        mapping: mapping.uuid,
        id: storedId,
        destination: mapping.onFailureDestination,
        error,
      });
    } else if (state === 'delivered') {
      this.#stats.destinationDelivered++;
    } else if (state === 'unreachable') {
      this.#stats.destinationUnreachable++;
    }
    await this.#mark(mapping.uuid, storedId, state, error);
    return { storedId, destination: state };
  }

  async #mark(mappingId: string, id: string, state: DestinationState, error?: string): Promise<void> {
    try {
      await this.#deps.store.markDestination(mappingId, id, state, error);
    } catch (cause) {
      // The batch is stored; only the destination note is missing.
      this.#deps.logger.warn('could not record the destination outcome of a failed batch', {
        mapping: mappingId,
        id,
        error: cause,
      });
    }
  }
}
