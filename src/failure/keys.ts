/**
 * Redis keys of failed batches and replay jobs, all under one prefix P (e.g. `klb:failed:`):
 *
 *   P mappings                      set     mapping ids that hold failed batches (trim() walks it)
 *   P <m>:idx                       zset    batch ids of mapping m, score createdAtMs
 *   P <m>:b:<id>                    hash    batch metadata (codec.ts)
 *   P <m>:r:<id>                    string  the packed records, raw bytes (never inside JSON)
 *   P <m>:replays                   zset    replay ids of mapping m, score createdAtMs
 *   P <m>:replay:<rid>              hash    replay job (replay-jobs.ts)
 *   P <m>:replay:<rid>:results      hash    batch id → JSON result of that batch in that job
 *   P <m>:replay:<rid>:lease        string  token of the runner working on the job, with a TTL
 *   P replays:active                set     `<m>/<rid>` of every unfinished job (resumed on start)
 */
export interface FailureKeys {
  readonly mappings: string;
  readonly activeReplays: string;
  index(mappingId: string): string;
  /** `P <m>:` — batch keys are this plus `b:<id>` / `r:<id>` (the trim script builds them). */
  mappingPrefix(mappingId: string): string;
  batch(mappingId: string, id: string): string;
  records(mappingId: string, id: string): string;
  replays(mappingId: string): string;
  replay(mappingId: string, replayId: string): string;
  results(mappingId: string, replayId: string): string;
  lease(mappingId: string, replayId: string): string;
}

export function failureKeys(prefix: string): FailureKeys {
  const m = (mappingId: string) => `${prefix}${mappingId}:`;
  return {
    mappings: `${prefix}mappings`,
    activeReplays: `${prefix}replays:active`,
    index: (mappingId) => `${m(mappingId)}idx`,
    mappingPrefix: m,
    batch: (mappingId, id) => `${m(mappingId)}b:${id}`,
    records: (mappingId, id) => `${m(mappingId)}r:${id}`,
    replays: (mappingId) => `${m(mappingId)}replays`,
    replay: (mappingId, replayId) => `${m(mappingId)}replay:${replayId}`,
    results: (mappingId, replayId) => `${m(mappingId)}replay:${replayId}:results`,
    lease: (mappingId, replayId) => `${m(mappingId)}replay:${replayId}:lease`,
  };
}
