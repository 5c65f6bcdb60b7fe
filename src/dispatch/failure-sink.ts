/**
 * The port through which a given-up batch leaves the retry loop (implemented by src/failure/handler.ts).
 * handOff must store the batch durably before it resolves and throw when it cannot: only then may the
 * owner commit past the batch (invariant 2).
 */
import type { Mapping } from '../mapping/types.ts';

export interface FailureHandOff {
  mapping: Mapping;
  /** The batch's records, packed (docs/raw-batch-layout.md). */
  packed: Uint8Array;
  condition: string;
  error: string;
  attempts: Array<{ atMs: number; error: string }>;
  approximateInvokeCount: number;
  responseContext?: { statusCode?: number; executedVersion?: string; functionError?: string } | null;
}

export interface FailureSink {
  handOff(input: FailureHandOff): Promise<{ storedId: string }>;
}
