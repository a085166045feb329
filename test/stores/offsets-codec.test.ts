import {
  decodeOffsetKey,
  decodeOffsetValue,
  encodeOffsetKey,
  encodeOffsetValue,
  javaHashMapOrder,
  javaStringHashCode,
  murmur2,
  partitionForKey,
  partitionKey,
} from '../../lib/storage/offsets-codec';

describe('offsets codec', () => {
  it('computes Java String.hashCode', () => {
    // Golden values from java.lang.String#hashCode (Java 17).
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('filename')).toBe(-734768633);
    expect(javaStringHashCode('ünï')).toBe(245821);
    expect(javaStringHashCode('𝄞x')).toBe(54944334);
  });

  it('orders keys like java.util.HashMap iterates them', () => {
    // Golden orders printed by a Java 17 program putting the keys, in this order, into a new HashMap.
    const cases: [string[], string[]][] = [
      [
        ['topic', 'partition', 'cluster'],
        ['cluster', 'partition', 'topic'],
      ],
      [
        ['server', 'rs'],
        ['server', 'rs'],
      ],
      [
        ['Aa', 'BB', 'x'],
        ['Aa', 'BB', 'x'],
      ], // same hash: insertion order within the bucket
      [
        ['BB', 'Aa', 'x'],
        ['BB', 'Aa', 'x'],
      ],
      [
        ['snapshot', 'lsn', 'txId', 'ts_usec', 'lsn_proc', 'lsn_commit'],
        ['lsn_proc', 'lsn_commit', 'lsn', 'txId', 'ts_usec', 'snapshot'],
      ],
      [
        // 18 keys: the table has grown to 32 buckets
        [
          'zeta',
          'alpha',
          'mid',
          'Aa',
          'BB',
          'k1',
          'k2',
          'k3',
          'k4',
          'k5',
          'k6',
          'k7',
          'k8',
          'k9',
          'k10',
          'k11',
          'k12',
          'k13',
        ],
        [
          'zeta',
          'Aa',
          'BB',
          'k1',
          'k2',
          'k3',
          'mid',
          'k4',
          'k5',
          'k11',
          'k6',
          'k10',
          'k7',
          'k13',
          'k8',
          'k12',
          'k9',
          'alpha',
        ],
      ],
    ];
    for (const [inserted, iterated] of cases) expect(javaHashMapOrder(inserted)).toEqual(iterated);
  });

  it("encodes keys and values byte-for-byte like Apache's JsonConverter", () => {
    // Golden records from test/stores/fixtures/OffsetsGolden.java (Kafka 4.3.1 JsonConverter, Jackson 2.21).
    const connector = 'conn "x"';
    const cases: [Record<string, unknown>, string, number][] = [
      [{ filename: 'test.txt' }, '{"filename":"test.txt"}', 0],
      [
        { topic: 'orders', partition: 0, cluster: 'primary' },
        '{"cluster":"primary","partition":0,"topic":"orders"}',
        17,
      ],
      [{ server: 'db1', rs: 'rs0' }, '{"server":"db1","rs":"rs0"}', 20],
      [
        {
          s: 'q"b\\s/\b\t\n\f\r\u0001\u001f\u007f é 𝄞',
          l: 9007199254740991,
          neg: -5,
          t: true,
          n: null,
          nested: { z: 1, y: [1, 'two', false] },
        },
        '{"neg":-5,"s":"q\\"b\\\\s/\\b\\t\\n\\f\\r\\u0001\\u001F\u007f é \\uD834\\uDD1E","t":true,"l":9007199254740991,"nested":{"y":[1,"two",false],"z":1},"n":null}',
        4,
      ],
      [
        { snapshot: 'x', lsn: 1, txId: 2, ts_usec: 3, lsn_proc: 4, lsn_commit: 5 },
        '{"lsn_proc":4,"lsn_commit":5,"lsn":1,"txId":2,"ts_usec":3,"snapshot":"x"}',
        20,
      ],
    ];
    for (const [map, json, javaPartition] of cases) {
      const key = encodeOffsetKey(connector, map);
      expect(key).toBe(`["conn \\"x\\"",${json}]`);
      expect(encodeOffsetValue(map)).toBe(json);
      expect(partitionKey(map)).toBe(json);
      expect(partitionForKey(Buffer.from(key, 'utf8'), 25)).toBe(javaPartition);
      // And back: the decoder reads what it wrote (and what Java wrote).
      expect(decodeOffsetKey(Buffer.from(key))).toEqual({ connector, partition: map });
      expect(decodeOffsetValue(json)).toEqual(map);
    }
    expect(encodeOffsetKey('local-file-source', { filename: 'test.txt' })).toBe(
      '["local-file-source",{"filename":"test.txt"}]',
    );
    expect(encodeOffsetValue({ position: 30 })).toBe('{"position":30}');
    expect(encodeOffsetValue(null)).toBeNull();
  });

  it('matches Kafka murmur2 test vectors (clients UtilsTest.testMurmur2)', () => {
    const vectors: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [input, hash] of vectors) expect(murmur2(Buffer.from(input))).toBe(hash);
    expect(partitionForKey(Buffer.from('21'), 7)).toBe((-973932308 & 0x7fffffff) % 7);
  });

  it('rejects malformed keys and values the way Apache readers skip them', () => {
    for (const key of ['', 'nope', '[]', '["a"]', '["a",{},1]', '[1,{}]', '["a",[]]', '["a",null]', '{"a":1}', null]) {
      expect(decodeOffsetKey(key)).toBeUndefined();
    }
    expect(decodeOffsetValue(null)).toBeNull();
    expect(decodeOffsetValue('null')).toBeNull();
    expect(decodeOffsetValue('[1]')).toBeUndefined();
    expect(decodeOffsetValue('{')).toBeUndefined();
    expect(decodeOffsetValue('"s"')).toBeUndefined();
  });
});
