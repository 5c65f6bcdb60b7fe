/**
 * Counters per mapping, named after Lambda's ESM metrics (lambda-esm.md §5.3), rendered as Prometheus
 * text. Also decides LastProcessingResult: written to the store only when it changes.
 */
import type { Logger } from '../log.ts';

export const COUNTERS = [
  'PolledEventCount',
  'InvokedEventCount',
  'FailedInvokeEventCount',
  'CommittedEventCount',
  'InvokeErrorCount',
  'OversizedRecordCount',
  'FilteredOutEventCount',
  'FailureHandedOffEventCount',
] as const;
export type CounterName = (typeof COUNTERS)[number];

export class Metrics {
  private readonly counters = new Map<string, Map<CounterName, number>>();

  add(mappingId: string, name: CounterName, n = 1): void {
    let m = this.counters.get(mappingId);
    if (!m) {
      m = new Map();
      this.counters.set(mappingId, m);
    }
    m.set(name, (m.get(name) ?? 0) + n);
  }

  get(mappingId: string, name: CounterName): number {
    return this.counters.get(mappingId)?.get(name) ?? 0;
  }

  prometheus(): string {
    const lines: string[] = [];
    for (const name of COUNTERS) {
      const metric = `klb_${name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()}_total`;
      lines.push(`# TYPE ${metric} counter`);
      for (const [mapping, m] of this.counters)
        lines.push(`${metric}{mapping="${mapping}"} ${m.get(name) ?? 0}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

/** Writes LastProcessingResult only when the text changes, so a busy mapping does not write per batch. */
export class ProcessingResults {
  private readonly last = new Map<string, string>();
  private readonly write: (uuid: string, text: string) => Promise<unknown>;
  private readonly logger: Logger;

  constructor(write: (uuid: string, text: string) => Promise<unknown>, logger: Logger) {
    this.write = write;
    this.logger = logger;
  }

  set(uuid: string, text: string): void {
    if (this.last.get(uuid) === text) return;
    this.last.set(uuid, text);
    this.write(uuid, text).catch((error: unknown) => {
      this.last.delete(uuid);
      this.logger.debug('could not record LastProcessingResult', { uuid, error });
    });
  }
}
