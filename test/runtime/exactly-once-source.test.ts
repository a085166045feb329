/**
 * Exactly-once source tasks (KIP-618) against the real broker: records and source offsets committed in one
 * transaction, read back by read_committed readers (the offset store, a group-less log reader); a zombie generation
 * fenced by its successor's initTransactions; a task whose transactions cannot start FAILS (no fallback).
 */
import { createKafka } from '../../lib/adapters/kafka/client';
import { KafkajsClientFactory } from '../../lib/adapters/kafka/client-factory';
import { KafkaLogReader } from '../../lib/adapters/kafka/log-reader';
import { KafkaOffsetStore } from '../../lib/adapters/kafka/offsets-topic-store';
import { readFileSync } from 'node:fs';
import { SourceConnector, SourceTask } from '../../lib/connect/connector';
import type { ConnectorConfigMap, TaskClass } from '../../lib/connect/connector';
import { ConfigDef } from '../../lib/connect/config-def';
import type { SourceRecord } from '../../lib/connect/records';
import { parseWorkerConfig } from '../../lib/config/worker-config';
import { PluginRegistry } from '../../lib/plugins/registry';
import type { ClientProps, KafkaClientFactory, ProducerPort } from '../../lib/storage/kafka-ports';
import { isTransactionalProducer } from '../../lib/storage/kafka-ports';
import { errorHandlingConfig, RetryWithToleranceOperator } from '../../lib/runtime/error-handling';
import {
  SourceTransactions,
  taskTransactionalId,
  WorkerTransactionContext,
} from '../../lib/runtime/exactly-once-source';
import { TransformationChain } from '../../lib/runtime/transformation-chain';
import { createWorkerTask } from '../../lib/runtime/worker';
import { WorkerSourceTask } from '../../lib/runtime/worker-source-task';
import type { TaskState } from '../../lib/runtime/worker-task';
import { InMemoryConfigStore, InMemoryOffsetStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { kafkaBrokerReadiness } from '../../lib/adapters/kafka/admin';
import { freePorts, startKafkaBroker } from '../../lib/adapters/local/kafka-broker';
import { Reconciler } from '../../lib/scheduler/reconciler';
import { ZombieFencing } from '../../lib/scheduler/zombie-fencing';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { servicePaths } from '../services/paths';
import { FakeTaskLauncher, testPlugins } from '../scheduler/fakes';
import { Utf8Converter } from './fakes';

/**
 * What the broker answers a fenced zombie's produce or commit: a fencing error (INVALID_PRODUCER_EPOCH,
 * PRODUCER_FENCED), or for its EndTxn (kafkajs sends v0) Kafka 4.3's UNKNOWN_SERVER_ERROR, seen in CI runs when
 * the EndTxn meets the coordinator's epoch bump, or CONCURRENT_TRANSACTIONS when it arrives while the coordinator
 * is still aborting the zombie's transaction for the successor's InitProducerId (seen once locally; kafkajs does
 * not retry EndTxn, where Java would retry and then be fenced). Either way the commit is refused; the tests
 * assert that nothing of the zombie is committed after the fence, which is the guarantee.
 */
const ZOMBIE_REFUSED = /epoch|fenced|unexpected error|another concurrent operation/i;

requireServices('kafka');

const PARTITION = { source: 'counter' };

/** Emits `<tag>-<n>` forever (n from its committed offset), `batch` records per poll. */
class CounterTask extends SourceTask {
  next = 0;
  constructor(
    private readonly topic: string,
    private readonly tag: string,
    private readonly batch = 50,
  ) {
    super();
  }
  version(): string {
    return '1';
  }
  async start(): Promise<void> {
    const offset = await this.context.offsetStorageReader().offset(PARTITION);
    this.next = typeof offset?.n === 'number' ? offset.n : 0;
  }
  async poll(): Promise<SourceRecord[]> {
    await new Promise((resolve) => setImmediate(resolve));
    return Array.from({ length: this.batch }, () => {
      const n = this.next++;
      return {
        topic: this.topic,
        kafkaPartition: 0,
        keySchema: null,
        key: null,
        valueSchema: null,
        value: `${this.tag}-${n}`,
        timestamp: null,
        headers: [],
        sourcePartition: PARTITION,
        sourceOffset: { n: n + 1 },
      };
    });
  }
  stop(): void {}
}

const bootstrap = () => kafkaBootstrap();

async function createTopic(topic: string, compact = false): Promise<void> {
  const admin = createKafka({ bootstrapServers: bootstrap(), clientId: 'eos-test-admin' }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor: 1,
          ...(compact ? { configEntries: [{ name: 'cleanup.policy', value: 'compact' }] } : {}),
        },
      ],
      waitForLeaders: false,
    });
    // kafkajs' own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a loaded broker answers for a
    // moment after the creation: poll the metadata until the partition has a leader.
    await waitFor(
      async () => {
        try {
          const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
          return topics[0]?.partitions.every((p) => p.leader >= 0) === true;
        } catch {
          return false;
        }
      },
      { description: `${topic} has a leader` },
    );
  } finally {
    await admin.disconnect();
  }
}

/** Reads `topic` read_committed (group-less, as the offset store does) into a list of values. */
async function committedValues(topic: string): Promise<string[]> {
  const values: string[] = [];
  const reader = new KafkaLogReader({
    kafka: createKafka({ bootstrapServers: bootstrap(), clientId: 'eos-test-reader' }),
    topic,
    onRecords: (_p, records) => {
      for (const r of records) values.push(r.value?.toString('utf8') ?? '');
    },
  });
  await reader.start();
  try {
    await reader.readToEnd(30_000);
  } finally {
    await reader.stop();
  }
  return values;
}

interface Generation {
  readonly worker: WorkerSourceTask;
  readonly run: Promise<void>;
  readonly states: [TaskState, string | null][];
  readonly store: KafkaOffsetStore;
}

/** One task generation: its own offset store (read committed) and transactional producer of id `transactionalId`. */
async function startGeneration(opts: {
  transactionalId: string;
  offsetsTopic: string;
  topic: string;
  tag: string;
  boundary?: 'poll' | 'interval' | 'connector';
  task?: SourceTask;
}): Promise<Generation> {
  const kafka = createKafka({ bootstrapServers: bootstrap(), clientId: `eos-test-${opts.tag}` });
  const store = new KafkaOffsetStore({ kafka, topic: opts.offsetsTopic, partitions: 1, replicationFactor: 1 });
  await store.start();
  const producer = new KafkajsClientFactory().newProducer({
    'bootstrap.servers': bootstrap(),
    'client.id': `eos-test-${opts.tag}`,
    'transactional.id': opts.transactionalId,
  });
  if (!isTransactionalProducer(producer)) throw new Error('not transactional');
  const states: [TaskState, string | null][] = [];
  const worker = new WorkerSourceTask({
    connector: 'eos-src',
    taskId: 0,
    task: opts.task ?? new CounterTask(opts.topic, opts.tag),
    taskConfig: {},
    producer,
    offsetStore: store,
    keyConverter: new Utf8Converter(),
    valueConverter: new Utf8Converter(),
    headerConverter: new Utf8Converter(),
    transforms: new TransformationChain(),
    errors: new RetryWithToleranceOperator(errorHandlingConfig({}), () => undefined),
    offsetFlushIntervalMs: 60_000,
    offsetFlushTimeoutMs: 5000,
    maxInFlight: 1,
    maxRequestBytes: 1048576,
    listener: (state, trace) => states.push([state, trace]),
    log: () => undefined,
    transactions: new SourceTransactions(producer, 'eos-src', {
      transactionalId: opts.transactionalId,
      boundary: opts.boundary ?? 'poll',
      intervalMs: 200,
      offsetsTopic: opts.offsetsTopic,
      initTimeoutMs: 30_000,
    }),
  });
  const run = worker.run();
  run.catch(() => undefined); // awaited by the test; a fenced zombie rejects while the test does other things
  return { worker, run, states, store };
}

const numbersOf = (values: readonly string[], tag: string): number[] =>
  values.filter((v) => v.startsWith(`${tag}-`)).map((v) => Number(v.slice(tag.length + 1)));

describe('exactly-once source tasks on the real broker', () => {
  it.each(['poll', 'interval'] as const)(
    'transaction.boundary=%s: records and offsets commit together; a stop and a resume give no duplicate',
    async (boundary) => {
      const topic = uniqueName('eos-data');
      const offsetsTopic = uniqueName('eos-offsets');
      await createTopic(topic);
      await createTopic(offsetsTopic, true);
      const transactionalId = uniqueName('eos-txid');
      const first = await startGeneration({ transactionalId, offsetsTopic, topic, tag: 'r', boundary });
      await waitFor(async () => (await committedValues(topic)).length >= 500, { description: '500 committed' });
      first.worker.stop();
      await first.run;
      await first.store.stop();
      const second = await startGeneration({ transactionalId, offsetsTopic, topic, tag: 'r', boundary });
      const before = (await committedValues(topic)).length;
      await waitFor(async () => (await committedValues(topic)).length >= before + 500, { description: 'resumed' });
      second.worker.stop();
      await second.run;
      const values = await committedValues(topic);
      // Every number from 0 exactly once, in order: nothing lost, nothing duplicated across the resume.
      expect(numbersOf(values, 'r')).toEqual(values.map((_, i) => i));
      // The committed source offset is the count of committed records, as read by the (read_committed) store.
      expect(await second.store.list('eos-src')).toEqual([{ partition: PARTITION, offset: { n: values.length } }]);
      await second.store.stop();
      expect(first.states.map(([s]) => s)).toEqual(['RUNNING']);
    },
  );

  it('a zombie generation cannot commit a record once the next generation has called initTransactions', async () => {
    const topic = uniqueName('eos-zombie');
    const offsetsTopic = uniqueName('eos-zombie-offsets');
    await createTopic(topic);
    await createTopic(offsetsTopic, true);
    const transactionalId = uniqueName('eos-zombie-txid');
    const zombie = await startGeneration({ transactionalId, offsetsTopic, topic, tag: 'old' });
    await waitFor(async () => (await committedValues(topic)).length >= 200, { description: 'old generation runs' });
    // The successor: same transactional id; it fences the zombie, which keeps running on purpose (never stopped).
    const successor = await startGeneration({ transactionalId, offsetsTopic, topic, tag: 'new' });
    await waitFor(() => successor.states.some(([s]) => s === 'RUNNING'), { description: 'successor RUNNING' });
    const oldAtFence = numbersOf(await committedValues(topic), 'old').length;
    // The zombie's next commit (or write) is refused: it FAILS with the broker's answer (ZOMBIE_REFUSED).
    await expect(zombie.run).rejects.toThrow(ZOMBIE_REFUSED);
    const failed = zombie.states.find(([s]) => s === 'FAILED');
    expect(failed?.[1]).toMatch(ZOMBIE_REFUSED);
    await waitFor(async () => numbersOf(await committedValues(topic), 'new').length >= 200, {
      description: 'successor commits',
    });
    successor.worker.stop();
    await successor.run;
    const values = await committedValues(topic);
    // Not one record of the zombie was committed after the successor started …
    expect(numbersOf(values, 'old')).toHaveLength(oldAtFence);
    // … and the successor continued from the zombie's last committed offset: one gap-free sequence.
    expect([...numbersOf(values, 'old'), ...numbersOf(values, 'new')]).toEqual(values.map((_, i) => i));
    await Promise.all([zombie.store.stop(), successor.store.stop()]);
  });

  it("createWorkerTask gives an exactly-once task Apache's transactional.id and forced producer settings", () => {
    const worker = parseWorkerConfig(
      {
        'bootstrap.servers': bootstrap(),
        'group.id': 'my-cluster',
        'offset.storage.topic': 'offsets',
        'config.storage.topic': 'configs',
        'status.storage.topic': 'status',
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'exactly.once.source.support': 'enabled',
        'producer.enable.idempotence': 'false',
        'producer.acks': '1',
      },
      'distributed',
    );
    const seen: ClientProps[] = [];
    const real = new KafkajsClientFactory();
    const factory: KafkaClientFactory = {
      newProducer: (props): ProducerPort => {
        seen.push(props);
        return real.newProducer(props);
      },
      newConsumer: (props) => real.newConsumer(props),
      newTopicAdmin: (props) => real.newTopicAdmin(props),
    };
    class Task extends CounterTask {
      constructor() {
        super('t', 'x');
      }
    }
    class Connector extends SourceConnector {
      version = () => '1';
      start(): void {}
      taskClass = (): TaskClass => Task;
      taskConfigs = (): Record<string, string>[] => [{}];
      stop(): void {}
      config = () => new ConfigDef();
    }
    const config: ConnectorConfigMap = { 'connector.class': 'X', 'transaction.boundary': 'interval' };
    createWorkerTask(
      { worker, registry: PluginRegistry.withBuiltins(), kafka: factory, offsetStore: {} as never },
      { connector: 'conn', taskId: 3, connectorConfig: config, taskConfig: config },
      new Connector(),
      () => undefined,
    );
    expect(taskTransactionalId('my-cluster', 'conn', 3)).toBe('my-cluster-conn-3');
    expect(seen[0]).toMatchObject({
      'transactional.id': 'my-cluster-conn-3',
      'enable.idempotence': 'true',
      acks: 'all',
      'max.in.flight.requests.per.connection': '1',
    });
  });
});

/** Distributed-worker properties with exactly-once source support, for `bootstrap` and `groupId`. */
const eosWorkerProps = (bootstrapServers: string, groupId: string, extra: Record<string, string> = {}) => ({
  'bootstrap.servers': bootstrapServers,
  'group.id': groupId,
  'offset.storage.topic': `${groupId}-offsets`,
  'config.storage.topic': `${groupId}-configs`,
  'status.storage.topic': `${groupId}-status`,
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'exactly.once.source.support': 'enabled',
  ...extra,
});

const fencingReconciler = (workerConfig: Record<string, string>) => {
  const configStore = new InMemoryConfigStore();
  const statusStore = new InMemoryStatusStore();
  // Its stop() only marks an instance STOPPED: the process it stands for keeps running, as a zombie would.
  const launcher = new FakeTaskLauncher();
  const reconciler = new Reconciler({
    configStore,
    statusStore,
    launcher,
    plugins: testPlugins,
    workerConfig,
    zombieFencing: new ZombieFencing({
      workerConfig,
      plugins: testPlugins,
      newProducerFencer: (props) => new KafkajsClientFactory().newProducerFencer(props),
    }),
  });
  return { configStore, statusStore, launcher, reconciler };
};

/**
 * Defines its own transaction boundaries (batches of 10): on even polls it commits after the 5th record and
 * aborts after the 10th (records 5–9 dropped); on odd polls it commits the whole batch.
 */
class BoundaryTask extends CounterTask {
  private polls = 0;
  override async poll(): Promise<SourceRecord[]> {
    const records = await super.poll();
    const context = this.context.transactionContext?.();
    if (!context) throw new Error('no TransactionContext');
    if (this.polls++ % 2 === 0) {
      context.commitTransaction(records[4] as SourceRecord);
      context.abortTransaction(records[9] as SourceRecord);
    } else context.commitTransaction();
    return records;
  }
}

describe('transaction.boundary=connector', () => {
  it("the task's TransactionContext commits and aborts where the connector asks; aborted records' offsets are committed", async () => {
    const topic = uniqueName('eos-boundary');
    const offsetsTopic = uniqueName('eos-boundary-offsets');
    await createTopic(topic);
    await createTopic(offsetsTopic, true);
    const generation = await startGeneration({
      transactionalId: uniqueName('eos-boundary-txid'),
      offsetsTopic,
      topic,
      tag: 'b',
      boundary: 'connector',
      task: new BoundaryTask(topic, 'b', 10),
    });
    await waitFor(async () => (await committedValues(topic)).length >= 300, { description: '300 committed' });
    generation.worker.stop();
    await generation.run;
    const numbers = numbersOf(await committedValues(topic), 'b');
    const polled = (await generation.store.list('eos-src'))[0]?.offset?.['n'] as number;
    // Every polled batch accounted for: its kept records visible once, in order, the aborted ones never …
    const expected = Array.from({ length: polled }, (_, n) => n).filter(
      (n) => Math.floor(n / 10) % 2 === 1 || n % 10 < 5,
    );
    expect(numbers).toEqual(expected);
    // … and the committed offset covers the aborted records too (they are not polled again).
    expect(polled % 10).toBe(0);
    await generation.store.stop();
    expect(generation.states.map(([s]) => s)).toEqual(['RUNNING']);
  });

  it('asking for both a commit and an abort of the same record is refused', () => {
    const context = new WorkerTransactionContext();
    const record = { topic: 't' } as SourceRecord;
    context.commitTransaction(record);
    expect(() => context.abortTransaction(record)).toThrow(/both commit and abort/);
    context.abortTransaction();
    expect(() => context.commitTransaction()).toThrow(/both commit and abort/);
    expect(context.takeRecordRequest(record)).toBe('commit');
    expect(context.takeBatchRequest()).toBe('abort');
  });
});

describe('zombie fencing by the reconciler', () => {
  it('an old generation left running cannot commit once the reconciler launched the next one (not yet started)', async () => {
    const topic = uniqueName('eos-fence');
    const offsetsTopic = uniqueName('eos-fence-offsets');
    await createTopic(topic);
    await createTopic(offsetsTopic, true);
    const groupId = uniqueName('fence-cluster');
    const name = uniqueName('fenced');
    const t = fencingReconciler(eosWorkerProps(bootstrap(), groupId));
    await t.configStore.create(name, { name, 'connector.class': 'PartitionedSource', 'tasks.max': '1' }, 'STARTED');
    expect((await t.reconciler.reconcile(name)).launched.map((i) => i.generation)).toEqual([1]);
    // The process of generation 1, task 0: a real transactional task under Apache's transactional id.
    const zombie = await startGeneration({
      transactionalId: taskTransactionalId(groupId, name, 0),
      offsetsTopic,
      topic,
      tag: 'old',
    });
    await waitFor(async () => (await committedValues(topic)).length >= 200, { description: 'generation 1 commits' });

    // A config change: generation 2. The launcher "stops" generation 1, whose process lives on.
    const state = await t.configStore.get(name);
    await t.configStore.update(name, state?.version ?? 0, { config: { ...state?.config, secret: 'rotated' } });
    await t.reconciler.reconcile(name); // stops generation 1
    const launched = (await t.reconciler.reconcile(name)).launched; // fences, then launches generation 2
    expect(launched.map((i) => [i.taskId, i.generation])).toEqual([[0, 2]]);
    const committedAtLaunch = numbersOf(await committedValues(topic), 'old').length;

    // Nothing of generation 2 runs (the fake launcher starts no process): the reconciler's fencing alone
    // stops the zombie's next commit.
    await expect(zombie.run).rejects.toThrow(ZOMBIE_REFUSED);
    expect(zombie.states.find(([s]) => s === 'FAILED')?.[1]).toMatch(ZOMBIE_REFUSED);
    const values = await committedValues(topic);
    expect(numbersOf(values, 'old')).toHaveLength(committedAtLaunch);
    expect(numbersOf(values, 'old')).toEqual(values.map((_, i) => i));
    await zombie.store.stop();
  });
});

describe('a broker that cannot do transactions', () => {
  let broker: Awaited<ReturnType<typeof startKafkaBroker>> | undefined;
  afterAll(async () => {
    await broker?.stop();
  });

  it('the task FAILS with the cause within max.block.ms, and the reconciler does not launch unfenced tasks', async () => {
    const [port, controllerPort] = (await freePorts(2)) as [number, number];
    // One broker cannot host a transaction state log of replication factor 3: InitProducerId never succeeds.
    broker = await startKafkaBroker({
      readiness: kafkaBrokerReadiness,
      classpath: readFileSync(servicePaths().kafkaClasspathFile, 'utf8').trim(),
      port,
      controllerPort,
      heap: '384m',
      warmUp: false,
      config: { 'transaction.state.log.replication.factor': 3, 'transaction.state.log.min.isr': 2 },
    });
    const groupId = uniqueName('no-txn-cluster');
    const props = eosWorkerProps(broker.bootstrapServers, groupId, { 'producer.max.block.ms': '3000' });
    const worker = parseWorkerConfig(props, 'distributed');
    class Task extends CounterTask {
      constructor() {
        super(uniqueName('no-txn'), 'x');
      }
    }
    class Connector extends SourceConnector {
      version = () => '1';
      start(): void {}
      taskClass = (): TaskClass => Task;
      taskConfigs = (): Record<string, string>[] => [{}];
      stop(): void {}
      config = () => new ConfigDef();
    }
    const states: [TaskState, string | null][] = [];
    const config: ConnectorConfigMap = { 'connector.class': 'X' };
    const task = createWorkerTask(
      {
        worker,
        registry: PluginRegistry.withBuiltins(),
        kafka: new KafkajsClientFactory(),
        offsetStore: new InMemoryOffsetStore(),
      },
      { connector: 'no-txn', taskId: 0, connectorConfig: config, taskConfig: config },
      new Connector(),
      (state, trace) => states.push([state, trace]),
    );
    await expect(task.run()).rejects.toThrow(/Timeout expired after 3000ms while awaiting InitProducerId/);
    // FAILED with a trace naming the cause; never RUNNING (no at-least-once fallback).
    expect(states.map(([s]) => s)).toEqual(['FAILED']);
    expect(states[0]?.[1]).toMatch(/transaction\.state\.log\.replication\.factor/);

    // The reconciler cannot fence either: it launches nothing and shows why.
    const t = fencingReconciler(eosWorkerProps(broker.bootstrapServers, groupId, { 'producer.max.block.ms': '3000' }));
    const name = uniqueName('unfenceable');
    await t.configStore.create(name, { name, 'connector.class': 'PartitionedSource', 'tasks.max': '2' }, 'STARTED');
    await expect(t.reconciler.reconcile(name)).rejects.toThrow(
      new RegExp(`Failed to fence out zombie tasks of connector ${name} \\(tasks 0, 1\\)`),
    );
    expect(t.launcher.live(name)).toEqual([]);
    const statuses = await t.statusStore.listTasks(name);
    expect(statuses.map((s) => [s.id, s.state])).toEqual([
      [0, 'FAILED'],
      [1, 'FAILED'],
    ]);
    expect(statuses[0]?.trace).toMatch(/Timeout expired after 3000ms while awaiting InitProducerId/);
  });
});
