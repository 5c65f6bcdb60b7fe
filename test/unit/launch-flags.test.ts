import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** Node flags before the script in a `node <flags> bin/kafka-lambda-bridge.js` command. */
function flagsBefore(command: string): string[] {
  const words = command.split(/[\s",[\]]+/).filter(Boolean);
  const at = words.indexOf('bin/kafka-lambda-bridge.js');
  const node = words.lastIndexOf('node', at);
  assert.ok(at > 0 && node >= 0, `no node … bin/kafka-lambda-bridge.js in: ${command}`);
  return words.slice(node + 1, at);
}

describe('launch flags', () => {
  it('the installed command, the container and the dev script run node with the same flags', () => {
    const shebang = read('bin/kafka-lambda-bridge.js').split('\n', 1)[0] ?? '';
    const match = /^#!\/usr\/bin\/env -S node((?: --?\S+)*)$/.exec(shebang);
    assert.ok(match, `shebang: ${shebang}`);
    const flags = (match[1] ?? '').trim().split(' ').filter(Boolean);
    assert.ok(flags.some((f) => f.startsWith('--max-semi-space-size=')));
    const entrypoint = read('Dockerfile')
      .split('\n')
      .find((l) => l.startsWith('ENTRYPOINT'));
    assert.deepEqual(flagsBefore(entrypoint ?? ''), flags, 'Dockerfile ENTRYPOINT');
    const dev = read('scripts/dev.sh')
      .split('\n')
      .find((l) => l.startsWith('exec node'));
    assert.deepEqual(flagsBefore(dev ?? ''), flags, 'scripts/dev.sh');
  });
});
