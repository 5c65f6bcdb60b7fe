import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { nativeTrim, startMemoryTrim } from '../../../src/runtime/memory-trim.ts';

describe('memory trim', () => {
  it('calls the trim function at its interval until stopped', () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      let calls = 0;
      const stop = startMemoryTrim(() => {
        calls += 1;
        return true;
      }, 250);
      mock.timers.tick(1000);
      assert.equal(calls, 4);
      stop();
      mock.timers.tick(1000);
      assert.equal(calls, 4);
    } finally {
      mock.timers.reset();
    }
  });

  it('does nothing without a trim function', () => {
    startMemoryTrim(undefined)();
  });

  it('the native addon trims glibc malloc arenas (a boolean: whether memory went back)', () => {
    const trim = nativeTrim();
    assert.ok(trim, 'the addon is built by the setup and exports trimMemory');
    assert.equal(typeof trim(), 'boolean');
  });
});
