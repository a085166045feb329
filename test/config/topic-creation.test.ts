import { topicCreationGroupFor, topicCreationGroups } from '../../lib/config/topic-creation';

// Expected values are what Apache Kafka Connect 4.3.1's SourceConnectorConfig / TopicCreationGroup answered.
const base = { name: 's', 'connector.class': 'X' };

describe('topic creation groups of a source connector', () => {
  it('groups in order, default last; default include/exclude are ignored; other keys are topic configs', () => {
    const groups = topicCreationGroups({
      ...base,
      'topic.creation.default.replication.factor': '1',
      'topic.creation.default.partitions': '2',
      'topic.creation.default.include': 'nothing',
      'topic.creation.groups': 'a,default',
      'topic.creation.a.include': 'foo.*, bar',
      'topic.creation.a.exclude': 'foo2',
      'topic.creation.a.partitions': '5',
      'topic.creation.a.cleanup.policy': 'compact',
      'topic.creation.default.compression.type': 'lz4',
    });
    expect(groups.map(({ matches: _m, ...g }) => g)).toEqual([
      {
        name: 'a',
        include: ['foo.*', 'bar'],
        exclude: ['foo2'],
        partitions: 5,
        replicationFactor: 1,
        otherConfigs: { 'cleanup.policy': 'compact' },
      },
      {
        name: 'default',
        include: ['.*'],
        exclude: [],
        partitions: 2,
        replicationFactor: 1,
        otherConfigs: { 'compression.type': 'lz4' },
      },
    ]);
    const [a, dflt] = groups;
    expect(['foo1', 'foo2', 'zzz'].map((t) => a!.matches(t))).toEqual([true, false, false]);
    expect(['foo1', 'foo2', 'zzz'].map((t) => dflt!.matches(t))).toEqual([true, true, true]);
    expect(topicCreationGroupFor(groups, 'foo1')?.name).toBe('a');
    expect(topicCreationGroupFor(groups, 'foo2')?.name).toBe('default');
  });

  it('unused without topic.creation.* keys or when the worker disables it', () => {
    expect(topicCreationGroups(base)).toEqual([]);
    expect(topicCreationGroups({ ...base, 'topic.creation.default.partitions': '1' }, false)).toEqual([]);
  });

  it.each([
    [
      { 'topic.creation.default.replication.factor': '3' },
      'Missing required configuration "topic.creation.default.partitions" which has no default value.',
    ],
    [
      { 'topic.creation.default.replication.factor': '0', 'topic.creation.default.partitions': '1' },
      "Invalid value 0 for configuration replication.factor: Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default",
    ],
    [
      { 'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '-2' },
      "Invalid value -2 for configuration partitions: Number of partitions must be positive, or -1 to use the broker's default",
    ],
    [
      {
        'topic.creation.default.replication.factor': '1',
        'topic.creation.default.partitions': '1',
        'topic.creation.groups': 'a',
        'topic.creation.a.partitions': '0',
      },
      "Invalid value 0 for configuration partitions: Number of partitions must be positive, or -1 to use the broker's default",
    ],
  ])('rejects %j with Apache’s message', (props, message) => {
    expect(() => topicCreationGroups({ ...base, ...props })).toThrow(message);
  });
});
