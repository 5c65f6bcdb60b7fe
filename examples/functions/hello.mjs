// An example local function: the handler an MSK trigger would run on AWS, unchanged.
// It logs each record's topic, partition, offset and decoded value, and returns a summary.
export const handler = async (event) => {
  let count = 0;
  for (const [key, records] of Object.entries(event.records)) {
    for (const record of records) {
      count += 1;
      const value =
        record.value === undefined ? '(tombstone)' : Buffer.from(record.value, 'base64').toString('utf8');
      if (count <= 3) console.log(`[hello] ${key} offset=${record.offset} value=${value.slice(0, 80)}`);
    }
  }
  console.log(
    `[hello] ${event.eventSource}: ${count} record(s) from ${Object.keys(event.records).join(', ')}`,
  );
  return { processed: count };
};
