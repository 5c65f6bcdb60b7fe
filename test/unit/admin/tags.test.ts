import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call, MSK, makeApp } from './helpers.ts';

describe('tags on mapping ARNs', () => {
  it('create Tags, ListTags, TagResource, UntagResource', async () => {
    const { app } = makeApp();
    const created = (await (
      await call(app, 'POST', '/2015-03-31/event-source-mappings', { ...MSK, Tags: { team: 'payments' } })
    ).json()) as {
      EventSourceMappingArn: string;
    };
    const path = `/2017-03-31/tags/${encodeURIComponent(created.EventSourceMappingArn)}`;
    const listed = await call(app, 'GET', path);
    assert.equal(listed.status, 200);
    assert.deepEqual(await listed.json(), { Tags: { team: 'payments' } });

    const tagged = await call(app, 'POST', path, { Tags: { env: 'prod', team: 'core' } });
    assert.equal(tagged.status, 204);
    assert.equal(await tagged.text(), '');
    assert.deepEqual(await (await call(app, 'GET', path)).json(), { Tags: { team: 'core', env: 'prod' } });

    const untagged = await call(app, 'DELETE', `${path}?tagKeys=team&tagKeys=nothing`);
    assert.equal(untagged.status, 204);
    assert.deepEqual(await (await call(app, 'GET', path)).json(), { Tags: { env: 'prod' } });

    const raw = `/2017-03-31/tags/${created.EventSourceMappingArn}`;
    assert.equal((await call(app, 'GET', raw)).status, 200, 'unencoded colons work too');
  });

  it('errors: unknown ARN, bad bodies, missing tagKeys', async () => {
    const { app } = makeApp();
    const created = (await (await call(app, 'POST', '/2015-03-31/event-source-mappings', MSK)).json()) as {
      EventSourceMappingArn: string;
    };
    const path = `/2017-03-31/tags/${encodeURIComponent(created.EventSourceMappingArn)}`;
    const other = created.EventSourceMappingArn.replace('111122223333', '999999999999');
    for (const p of [
      `/2017-03-31/tags/${encodeURIComponent(other)}`,
      '/2017-03-31/tags/arn%3Aaws%3Alambda%3Aeu-west-1%3A111122223333%3Afunction%3Af',
      '/2017-03-31/tags/whatever',
    ]) {
      const res = await call(app, 'GET', p);
      assert.equal(res.status, 404);
      assert.equal(res.headers.get('x-amzn-ErrorType'), 'ResourceNotFoundException');
    }
    for (const body of [
      {},
      { Tags: 'x' },
      { Tags: { 'aws:x': 'y' } },
      { Tags: { k: 'v' }, Other: 1 },
      '{bad',
    ]) {
      const res = await call(app, 'POST', path, body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.equal((await call(app, 'DELETE', path)).status, 400);
  });
});
