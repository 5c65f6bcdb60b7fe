/**
 * Builds the native consumer addon (native/) and installs it as native/kafka-lambda-bridge.node.
 *
 * Usage: node tools/build-native.ts [--force]
 *   CARGO             cargo binary (default ~/.cargo/bin/cargo, else `cargo` on PATH)
 *   CARGO_TARGET_DIR  cargo's target folder (default native/target), so CI can share a cache
 *
 * A no-op when the .node is newer than every input (Cargo.toml, Cargo.lock, build.rs, src/**):
 * cargo itself takes seconds even when nothing changed, and setup runs this on every start.
 * Exit code: 0 built or up to date, 1 build failed.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const crate = join(root, 'native');
const output = join(crate, 'kafka-lambda-bridge.node');
/** cargo names the cdylib after the crate, with dashes turned into underscores. */
const libName = 'libkafka_lambda_bridge_native.so';

function log(message: string): void {
  process.stdout.write(`[build-native] ${message}\n`);
}

/** Newest modification time among the crate's inputs. */
function newestInput(): number {
  const files = ['Cargo.toml', 'Cargo.lock', 'build.rs'].map((f) => join(crate, f));
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(join(crate, 'src'));
  return Math.max(...files.filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs));
}

function cargoBinary(): string {
  if (process.env.CARGO) return process.env.CARGO;
  const rustup = join(homedir(), '.cargo', 'bin', 'cargo');
  return existsSync(rustup) ? rustup : 'cargo';
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): boolean {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: crate, env, stdio: 'inherit' });
  if (result.error) log(`could not run ${command}: ${result.error.message}`);
  return result.status === 0;
}

function main(): number {
  const force = process.argv.includes('--force');
  if (!force && existsSync(output) && statSync(output).mtimeMs >= newestInput()) {
    log(`up to date: ${output}`);
    return 0;
  }
  const targetDir = resolve(process.env.CARGO_TARGET_DIR ?? join(crate, 'target'));
  const env = { ...process.env, CARGO_TARGET_DIR: targetDir };
  log(`building the native consumer (CARGO_TARGET_DIR=${targetDir}); a cold build takes a few minutes`);
  const started = Date.now();
  if (!run(cargoBinary(), ['build', '--release', '--locked'], env)) {
    log('cargo build failed; the bridge will fall back to the @confluentinc/kafka-javascript consumer');
    return 1;
  }
  const built = join(targetDir, 'release', libName);
  const staging = `${output}.tmp`;
  copyFileSync(built, staging);
  // The release profile already strips symbols; strip again in case a custom profile did not.
  if (spawnSync('strip', ['--strip-unneeded', staging], { stdio: 'inherit' }).status !== 0) {
    log('strip unavailable or failed; keeping the unstripped copy');
  }
  renameSync(staging, output);
  const size = (statSync(output).size / 1024 / 1024).toFixed(1);
  log(`installed ${output} (${size} MiB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

process.exitCode = main();
