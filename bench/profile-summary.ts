/**
 * Summarises V8 .cpuprofile files (from `node --cpu-prof`): self time per function and per file or
 * package, as shares of all samples. Usage:
 *
 *   node bench/profile-summary.ts <file.cpuprofile | folder> [top=15]
 *
 * A folder summarises each profile in it (one per thread: the main thread and each worker).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Entry {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Milliseconds not idle (all samples but "(idle)"); shares below are of this. */
  busyMs: number;
  functions: Entry[];
  files: Entry[];
}

const REPO = join(import.meta.dirname, '..');

/** A readable location: repo-relative path, `pkg:<name>` for node_modules, `node:` internals kept. */
export function where(url: string): string {
  if (!url) return '';
  let path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = path.slice(nm + 14).split('/');
    return `pkg:${parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  if (path.startsWith(`${REPO}/`)) path = path.slice(REPO.length + 1);
  return path;
}

export function summarise(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time since the previous sample; it is spent in the node of sample i.
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = (byId.get(id) as ProfileNode).callFrame;
    total += us;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const loc = where(url);
    const key = loc ? `${functionName || '(anonymous)'} ${loc}:${lineNumber + 1}` : functionName;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const fileKey = loc || functionName;
    files.set(fileKey, (files.get(fileKey) ?? 0) + us);
  }
  const busy = total - idle;
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: busy ? us / busy : 0 }));
  return {
    file,
    totalMs: total / 1000,
    busyMs: busy / 1000,
    functions: rank(fn),
    files: rank(files),
  };
}

export function formatSummary(s: ProfileSummary): string {
  const rows = (title: string, entries: Entry[]) => [
    `| ${title} | self ms | % of busy |`,
    '|---|---:|---:|',
    ...entries.map(
      (e) => `| ${e.name.replaceAll('|', '\\|')} | ${e.ms.toFixed(0)} | ${(e.share * 100).toFixed(1)} |`,
    ),
  ];
  return [
    `${basename(s.file)}: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${(s.busyMs / 1000).toFixed(1)} s not idle`,
    '',
    ...rows('function (self time)', s.functions),
    '',
    ...rows('file / package (self time)', s.files),
  ].join('\n');
}

/** The .cpuprofile files of a folder. */
export function profilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [target, topArg] = process.argv.slice(2);
  if (!target) {
    process.stderr.write('usage: node bench/profile-summary.ts <file.cpuprofile | folder> [top=15]\n');
    process.exit(2);
  }
  const files = statSync(target).isDirectory() ? profilesIn(target) : [target];
  for (const f of files) process.stdout.write(`${formatSummary(summarise(f, Number(topArg ?? 15)))}\n\n`);
}
