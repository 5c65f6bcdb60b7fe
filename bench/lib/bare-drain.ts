/**
 * Child-process entry for one bare drain, so that every contender of bench/e2e.ts runs in a fresh
 * process of its own (same start-up costs to count, its own peak RSS and CPU):
 *
 *   node bench/lib/bare-drain.ts <native|binding> <topic> <total> <groupId> [batch]
 *
 * Prints one JSON line: DrainTimes plus cpuSeconds and peakRssMb (VmHWM) of this process.
 */
import { BindingBatchConsumer } from '../../src/kafka/binding-consumer.ts';
import { loadNativeAddon, NativeBatchConsumer } from '../../src/kafka/native-consumer.ts';
import { silentLogger } from '../../src/log.ts';
import { bareConfig, type DrainSpec, type DrainTimes, drainAdapter, drainBindingBare } from './drain.ts';
import { peakRssMb } from './proc.ts';

const [kind, topic, total, groupId, batch] = process.argv.slice(2);
if (!kind || !topic || !total || !groupId) {
  process.stderr.write(
    'usage: bare-drain.ts <native|binding|binding-adapter> <topic> <total> <groupId> [batch]\n',
  );
  process.exit(2);
}
const spec: DrainSpec = { topic, total: Number(total), groupId, batch: Number(batch ?? 10_000) };
const listener = { onRebalance: () => undefined, onError: () => undefined };

let times: DrainTimes;
if (kind === 'native') {
  const consumer = new NativeBatchConsumer(loadNativeAddon(), {
    config: bareConfig(groupId),
    listener,
    logger: silentLogger,
  });
  times = await drainAdapter(consumer, spec);
} else if (kind === 'binding') {
  times = await drainBindingBare(spec);
} else if (kind === 'binding-adapter') {
  const consumer = new BindingBatchConsumer({ config: bareConfig(groupId), listener, logger: silentLogger });
  times = await drainAdapter(consumer, spec);
} else {
  throw new Error(`unknown drain kind ${kind}`);
}
const cpu = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({ ...times, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMb: peakRssMb(process.pid) })}\n`,
);
