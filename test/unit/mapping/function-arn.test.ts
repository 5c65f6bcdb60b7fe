import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  mappingArn,
  partitionOf,
  resolveFunctionArn,
  uuidOfMappingArn,
} from '../../../src/mapping/function-arn.ts';

const ctx = { region: 'eu-west-1', accountId: '111122223333' };

describe('resolveFunctionArn', () => {
  const cases: [string, string | undefined][] = [
    ['my-fn', 'arn:aws:lambda:eu-west-1:111122223333:function:my-fn'],
    ['my-fn:live', 'arn:aws:lambda:eu-west-1:111122223333:function:my-fn:live'],
    ['my-fn:$LATEST', 'arn:aws:lambda:eu-west-1:111122223333:function:my-fn:$LATEST'],
    ['444455556666:function:other', 'arn:aws:lambda:eu-west-1:444455556666:function:other'],
    [
      'arn:aws:lambda:us-east-1:444455556666:function:far:7',
      'arn:aws:lambda:us-east-1:444455556666:function:far:7',
    ],
    [
      'arn:aws-cn:lambda:cn-north-1:444455556666:function:cn',
      'arn:aws-cn:lambda:cn-north-1:444455556666:function:cn',
    ],
    ['bad name', undefined],
    ['', undefined],
    ['fn:a:b', undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () =>
      assert.equal(resolveFunctionArn(input, ctx), expected));
  }
});

describe('mapping ARNs', () => {
  it('builds and parses the event-source-mapping ARN', () => {
    const uuid = '9a3b1c2d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';
    const arn = mappingArn(uuid, ctx);
    assert.equal(arn, `arn:aws:lambda:eu-west-1:111122223333:event-source-mapping:${uuid}`);
    assert.equal(uuidOfMappingArn(arn), uuid);
    assert.equal(
      uuidOfMappingArn(
        arn
          .toUpperCase()
          .replace('ARN:AWS:LAMBDA', 'arn:aws:lambda')
          .replace('EVENT-SOURCE-MAPPING', 'event-source-mapping')
          .replace('EU-WEST-1', 'eu-west-1'),
      ),
      uuid,
    );
    assert.equal(uuidOfMappingArn('arn:aws:lambda:eu-west-1:111122223333:function:x'), undefined);
  });
  it('derives the partition from the region', () => {
    assert.equal(partitionOf('cn-north-1'), 'aws-cn');
    assert.equal(partitionOf('us-gov-west-1'), 'aws-us-gov');
    assert.equal(partitionOf('eu-west-1'), 'aws');
  });
});
