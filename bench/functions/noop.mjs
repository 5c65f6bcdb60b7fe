// The e2e benchmark's local function: does nothing. When KLB_BENCH_AGE_FILE names a file, it appends
// each record's age at invocation (Date.now() − record.timestamp, the producer's CREATE_TIME) to it as
// little-endian int32 milliseconds, one appendFileSync per invocation (O_APPEND: the pool's workers
// never interleave inside a write).
import { appendFileSync } from 'node:fs';

const out = process.env.KLB_BENCH_AGE_FILE;

export const handler = async (event) => {
  if (!out) return;
  const now = Date.now();
  let n = 0;
  for (const records of Object.values(event.records)) n += records.length;
  const ages = new Int32Array(n);
  let i = 0;
  for (const records of Object.values(event.records)) for (const r of records) ages[i++] = now - r.timestamp;
  appendFileSync(out, ages);
};
