#!/usr/bin/env -S node --max-semi-space-size=2
// The V8 flag: batches live outside the JS heap and the main thread allocates little, so a small young
// generation costs nothing and collects dead batch buffers sooner: lower peak RSS, less CPU
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
