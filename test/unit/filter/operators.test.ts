import { describe } from 'node:test';
import { cases } from './helpers.ts';

describe('exact match', () => {
  cases(
    '{"value":{"status":["PAID","SHIPPED"]}}',
    ['{"status":"PAID"}', '{"status":"SHIPPED","x":1}'],
    ['{"status":"paid"}', '{"status":"NEW"}', '{"other":"PAID"}', '{"status":{"PAID":1}}'],
  );
  cases(
    '{"value":{"n":[5],"ok":[true]}}',
    ['{"n":5,"ok":true}', '{"n":5.0,"ok":true}', '{"n":5e0,"ok":true}'],
    ['{"n":"5","ok":true}', '{"n":5,"ok":"true"}', '{"n":5,"ok":false}', '{"n":6,"ok":true}'],
  );
  cases('{"value":{"ok":[false]}}', ['{"ok":false}'], ['{"ok":true}', '{"ok":0}', '{"ok":null}']);
});

describe('prefix', () => {
  cases(
    '{"value":{"region":[{"prefix":"eu-"}]}}',
    ['{"region":"eu-west-1"}', '{"region":"eu-"}'],
    ['{"region":"us-east-1"}', '{"region":"EU-west-1"}', '{"region":5}', '{}'],
  );
  cases(
    '{"value":{"region":[{"prefix":{"equals-ignore-case":"EU-"}}]}}',
    ['{"region":"eu-west-1"}', '{"region":"Eu-x"}'],
    ['{"region":"us-eu-"}', '{"region":null}'],
  );
});

describe('suffix', () => {
  cases(
    '{"value":{"file":[{"suffix":".png"}]}}',
    ['{"file":"a.png"}', '{"file":".png"}'],
    ['{"file":"a.PNG"}', '{"file":"a.png.txt"}', '{"file":["a.jpg"]}'],
  );
  cases(
    '{"value":{"file":[{"suffix":{"equals-ignore-case":".PNG"}}]}}',
    ['{"file":"a.png"}', '{"file":"B.Png"}'],
    ['{"file":"a.jpg"}'],
  );
});

describe('equals-ignore-case', () => {
  cases(
    '{"value":{"name":[{"equals-ignore-case":"alice"}]}}',
    ['{"name":"Alice"}', '{"name":"ALICE"}', '{"name":"alice"}'],
    ['{"name":"alice "}', '{"name":"Alicia"}', '{"name":1}'],
  );
  cases('{"value":{"name":[{"equals-ignore-case":"a.c"}]}}', ['{"name":"A.C"}'], ['{"name":"abc"}']);
});

describe('wildcard', () => {
  cases(
    '{"value":{"path":[{"wildcard":"*/lib/*.js"}]}}',
    ['{"path":"src/lib/a.js"}', '{"path":"/lib/.js"}'],
    ['{"path":"src/lib/a.ts"}', '{"path":"lib/a.js"}', '{"path":7}'],
  );
  cases('{"value":{"s":[{"wildcard":"a\\\\*b"}]}}', ['{"s":"a*b"}'], ['{"s":"axb"}', '{"s":"a**b"}']);
});

describe('anything-but', () => {
  cases(
    '{"value":{"state":[{"anything-but":["stopped","overloaded"]}]}}',
    ['{"state":"running"}', '{"state":5}', '{"state":null}', '{"state":["stopped","running"]}'],
    ['{"state":"stopped"}', '{"state":"overloaded"}', '{}', '{"state":["stopped"]}'],
  );
  cases('{"value":{"x":[{"anything-but":100}]}}', ['{"x":101}', '{"x":"100"}'], ['{"x":100}', '{"x":100.0}']);
  cases(
    '{"value":{"region":[{"anything-but":{"prefix":"us-"}}]}}',
    ['{"region":"eu-west-1"}', '{"region":"US-east"}'],
    ['{"region":"us-east-1"}'],
  );
  cases(
    '{"value":{"file":[{"anything-but":{"suffix":".png"}}]}}',
    ['{"file":"a.jpg"}'],
    ['{"file":"a.png"}'],
  );
  cases(
    '{"value":{"s":[{"anything-but":{"equals-ignore-case":["init","STOP"]}}]}}',
    ['{"s":"run"}'],
    ['{"s":"INIT"}', '{"s":"stop"}'],
  );
  cases(
    '{"value":{"p":[{"anything-but":{"wildcard":"*/lib/*"}}]}}',
    ['{"p":"src/app/x"}'],
    ['{"p":"src/lib/x"}'],
  );
});

describe('numeric', () => {
  cases(
    '{"value":{"n":[{"numeric":[">",0,"<=",5]}]}}',
    ['{"n":0.5}', '{"n":5}', '{"n":[9,3]}'],
    ['{"n":0}', '{"n":5.01}', '{"n":"3"}', '{"n":null}', '{}'],
  );
  cases('{"value":{"n":[{"numeric":["=",301.8]}]}}', ['{"n":3.018e2}'], ['{"n":301.81}']);
  cases('{"value":{"n":[{"numeric":["<",10]}]}}', ['{"n":-1e9}', '{"n":9.99}'], ['{"n":10}']);
  cases('{"value":{"n":[{"numeric":[">=",10,"<",20]}]}}', ['{"n":10}', '{"n":19}'], ['{"n":20}', '{"n":9}']);
});

describe('exists', () => {
  cases(
    '{"value":{"id":[{"exists":true}]}}',
    ['{"id":1}', '{"id":null}', '{"id":""}', '{"id":[1]}'],
    ['{}', '{"id":{"a":1}}', '{"id":[]}', '{"ID":1}'],
  );
  cases(
    '{"value":{"id":[{"exists":false}]}}',
    ['{}', '{"other":1}', '{"id":{"nested":1}}'],
    ['{"id":1}', '{"id":null}'],
  );
  cases(
    '{"value":{"constructor":[{"exists":true}]}}',
    ['{"constructor":1}'],
    ['{}'], // prototype members are not fields
  );
});

describe('null and empty string', () => {
  cases('{"value":{"v":[null]}}', ['{"v":null}', '{"v":[1,null]}'], ['{"v":""}', '{}', '{"v":0}']);
  cases('{"value":{"v":[""]}}', ['{"v":""}'], ['{"v":null}', '{}', '{"v":" "}']);
});

describe('cidr', () => {
  cases(
    '{"value":{"ip":[{"cidr":"10.0.0.0/24"}]}}',
    ['{"ip":"10.0.0.33"}'],
    ['{"ip":"10.0.1.1"}', '{"ip":"not-an-ip"}', '{"ip":"::1"}'],
  );
  cases('{"value":{"ip":[{"cidr":"2001:db8::/32"}]}}', ['{"ip":"2001:db8::1"}'], ['{"ip":"2001:db9::1"}']);
  cases('{"value":{"ip":[{"cidr":"bogus/99"}]}}', [], ['{"ip":"10.0.0.1"}']);
});

describe('$or', () => {
  cases(
    '{"value":{"source":["a"],"$or":[{"m":["x"]},{"n":[{"numeric":[">",1]}]}]}}',
    ['{"source":"a","m":"x"}', '{"source":"a","n":2}'],
    ['{"source":"b","m":"x"}', '{"source":"a","m":"y","n":1}'],
  );
  cases('{"$or":[{"value":["plain"]},{"value":{"a":[1]}}]}', ['plain', '{"a":1}'], ['other', '{"a":2}']);
});

describe('nested objects and arrays in the event', () => {
  cases(
    '{"value":{"order":{"customer":{"tier":["gold"]}}}}',
    ['{"order":{"customer":{"tier":"gold"}}}', '{"order":[{"customer":{"tier":["x","gold"]}}]}'],
    ['{"order":{"customer":{"tier":"silver"}}}', '{"order":{"customer":"gold"}}', '{"order":"gold"}'],
  );
  cases(
    '{"value":{"items":{"sku":["a"],"qty":[2]}}}',
    ['{"items":[{"sku":"b","qty":1},{"sku":"a","qty":2}]}'],
    // both fields must hold in the same element
    ['{"items":[{"sku":"a","qty":1},{"sku":"b","qty":2}]}'],
  );
  cases('{"value":{"tags":["red"]}}', ['{"tags":["blue","red"]}', '{"tags":[["red"]]}'], ['{"tags":[]}']);
});
