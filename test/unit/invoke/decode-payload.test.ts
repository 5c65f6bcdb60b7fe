import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePayload } from '../../../src/invoke/decode-payload.ts';

describe('decodePayload', () => {
  it('gives the same text as a one-piece decode, multi-byte characters cut at piece boundaries included', () => {
    const text = `{"k":"${'aé€𝄞'.repeat(500)}"}`;
    const bytes = Buffer.from(text, 'utf8');
    for (const piece of [1, 2, 3, 5, 7, 64, 1000, bytes.length, bytes.length + 1]) {
      assert.equal(decodePayload(bytes, piece), text, `piece ${piece}`);
    }
    assert.equal(decodePayload(bytes), text);
  });

  it('replaces invalid UTF-8 as Buffer#toString does', () => {
    const bytes = Uint8Array.from([0x7b, 0xff, 0xc3, 0x7d]);
    assert.equal(decodePayload(bytes, 2), Buffer.from(bytes).toString('utf8'));
  });
});
