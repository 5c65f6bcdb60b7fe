/** Child-process helpers for the services tool: run to completion with captured output, or fail loudly. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; input?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export async function runOrThrow(
  cmd: string,
  args: string[],
  options: { cwd?: string; input?: string } = {},
) {
  const result = await run(cmd, args, options);
  if (result.code !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-25).join('\n');
    throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} … exited with ${result.code}:\n${tail}`);
  }
  return result;
}

export function tailOf(path: string, lines = 30): string {
  if (!existsSync(path)) return `(no log at ${path})`;
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readPid(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Poll a condition until it holds or the deadline passes; never a blind sleep. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; onTick?: (elapsedMs: number) => void },
): Promise<void> {
  const started = Date.now();
  let lastTick = started;
  while (Date.now() - started < options.timeoutMs) {
    if (await check()) return;
    if (options.onTick && Date.now() - lastTick >= 5000) {
      lastTick = Date.now();
      options.onTick(Date.now() - started);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
  }
  throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}`);
}
