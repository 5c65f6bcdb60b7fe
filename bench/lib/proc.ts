/** Linux /proc readings of a child process: peak RSS (VmHWM) and CPU seconds per thread name. */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ: 100 on every Linux this runs on

/** VmHWM (peak resident set) in MiB, or undefined once the process is gone. */
export function peakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** utime + stime (s) from a /proc stat line; the comm field may contain spaces and parentheses. */
function statCpu(text: string): { comm: string; cpu: number } {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return { comm: text.slice(open + 1, close), cpu: (Number(fields[11]) + Number(fields[12])) / TICKS };
}

/** Process CPU seconds (all threads, live ones; exited threads count in the process total only). */
export function processCpu(pid: number): number | undefined {
  try {
    return statCpu(readFileSync(`/proc/${pid}/stat`, 'utf8')).cpu;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds per thread kind: the main JS thread, local-function worker threads (Node names them
 * after the Worker's name, else "WorkerThread"), libuv pool, V8 helpers (GC, compiler), librdkafka.
 */
export function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const { comm, cpu } = statCpu(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
      const kind = Number(tid) === pid ? 'main JS thread' : threadKind(comm);
      out.set(kind, (out.get(kind) ?? 0) + cpu);
    } catch {
      // the thread exited between readdir and read
    }
  }
  return out;
}

function threadKind(comm: string): string {
  if (comm.startsWith('rdk:') || comm.startsWith('rdkafka')) return 'librdkafka threads';
  if (comm.startsWith('libuv-worker')) return 'libuv pool (native poll/commit, fs, dns)';
  if (comm === 'V8Worker' || comm === 'DelayedTaskSche') return 'V8 helpers (GC, compiler)';
  if (comm === 'WorkerThread' || comm.startsWith('klb')) return 'local function workers';
  return comm;
}
