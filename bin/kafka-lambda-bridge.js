#!/usr/bin/env -S node --max-semi-space-size=4
// The V8 flag sets every isolate's young generation (semi-space) to 4 MB: the main thread's, and the
// local functions' workers', where it overrides their resourceLimits. Measured against 2, 3, 6, 8, 16
// and V8's default: 4 gives the lowest peak RSS (a function's parsed event dies young instead of
// being promoted and collected by a full GC every few batches) and 20% less CPU than 2
// (docs/benchmarks.md). The Dockerfile and scripts/dev.sh pass the same flags (a unit test checks).
// The installed command: Node >= 22.18 runs the TypeScript sources directly (type stripping).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`kafka-lambda-bridge needs Node 22.18 or newer (this is ${process.version})\n`);
  process.exit(1);
}
// Each consumer's poll holds a libuv pool thread; many mappings must not starve fs and DNS work.
process.env.UV_THREADPOOL_SIZE ??= '64';
await import('../src/cli.ts');
