import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { destinationHostAllowed, isDestinationHostPattern } from '../../../src/mapping/destination-hosts.ts';

const allowed = (url: string, patterns: string[] | undefined) =>
  destinationHostAllowed(new URL(url), patterns);

describe('destination hosts', () => {
  it('accepts host, host:port, *.domain and bracketed IPv6 patterns only', () => {
    for (const ok of [
      'hooks.example.com',
      'hooks.example.com:8443',
      '*.example.com',
      '127.0.0.1',
      '[::1]:8080',
    ])
      assert.ok(isDestinationHostPattern(ok), ok);
    for (const bad of ['', 'http://x.com', 'x.com/path', '*', '*.', 'a b', 'x.com:', 'user@x.com'])
      assert.ok(!isDestinationHostPattern(bad), bad);
  });

  it('allows nothing without a list', () => {
    assert.equal(allowed('https://hooks.example.com/', undefined), false);
    assert.equal(allowed('https://hooks.example.com/', []), false);
  });

  it('matches hosts exactly and case-insensitively, on any port unless the pattern names one', () => {
    assert.ok(allowed('https://HOOKS.example.com/x', ['hooks.example.com']));
    assert.ok(allowed('http://hooks.example.com:9000/x', ['hooks.example.com']));
    assert.ok(allowed('https://hooks.example.com/x', ['hooks.example.com:443']), 'the scheme default port');
    assert.ok(!allowed('https://hooks.example.com:8443/x', ['hooks.example.com:443']));
    assert.ok(!allowed('http://hooks.example.com/x', ['hooks.example.com:443']));
    assert.ok(!allowed('https://hooks.example.com.evil.test/x', ['hooks.example.com']));
    assert.ok(!allowed('https://evilhooks.example.com/x', ['hooks.example.com']));
  });

  it('*.domain is any subdomain, never the domain itself or a look-alike', () => {
    assert.ok(allowed('https://a.example.com/', ['*.example.com']));
    assert.ok(allowed('https://a.b.example.com/', ['*.example.com']));
    assert.ok(!allowed('https://example.com/', ['*.example.com']));
    assert.ok(!allowed('https://badexample.com/', ['*.example.com']));
  });

  it('judges the host the URL really names (userinfo tricks, IP spellings, IPv6)', () => {
    assert.ok(!allowed('http://hooks.example.com@169.254.169.254/', ['hooks.example.com']));
    // The URL parser normalises 0x7f.1 and 2130706433 to 127.0.0.1: listed or not as that address.
    assert.ok(!allowed('http://2130706433/', ['localhost']));
    assert.ok(allowed('http://2130706433/', ['127.0.0.1']));
    assert.ok(allowed('http://[::1]:8080/', ['[::1]:8080']));
    assert.ok(!allowed('http://[::1]:8081/', ['[::1]:8080']));
  });

  it('only http and https URLs', () => {
    assert.ok(!allowed('ftp://hooks.example.com/', ['hooks.example.com']));
  });
});
