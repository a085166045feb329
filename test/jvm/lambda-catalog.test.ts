/**
 * The catalog of AWS deployments (docs/java-plugins.md, "AWS"): jvm-host's Lambda handler class
 * (`skc.jvmhost.LambdaCatalog`) answering real requests against Apache's connect-file and connect-mirror 4.3.1 jars
 * and the test broker, reached through RemoteJvmCatalog, which the API and reconciler Lambdas use. The handler runs
 * as a local process (its `main`: one request, one reply a line); test/jvm/lambda-runtime-client.test.ts runs
 * it behind AWS's runtime interface client and the SDK's Invoke call (lib/adapters/lambda/catalog-function.ts).
 *
 * The API side is the API Lambda's handler (API Gateway v1 events) composed with that catalog: the answers must
 * equal the recorded ones of a real Apache 4.3.1 worker for the same plugin.path.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { handleReconcileEvent } from '../../lambdas/reconciler/handler';
import { ensureTopic } from '../../lib/adapters/kafka/admin';
import { createKafka } from '../../lib/adapters/kafka/client';
import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { localCatalogInvoke, RemoteJvmCatalog } from '../../lib/adapters/jvm/remote-catalog';
import { NotFoundError } from '../../lib/errors';
import { withJavaTaskConfigs } from '../../lib/plugins/java-plugins';
import { PluginRegistry } from '../../lib/plugins/registry';
import { Reconciler } from '../../lib/scheduler/reconciler';
import { FakeTaskLauncher } from '../scheduler/fakes';
import { createTestApi, viaLambdaV1, type Call } from '../rest/harness';
import { kafkaBootstrap, requireServices, uniqueName } from '../services/env';
import { projectRoot } from '../services/paths';
import { pluginPathWith } from './helpers';

requireServices('kafka');

let pluginPath: string;
let catalogProcess: ReturnType<typeof localCatalogInvoke>;
let worker: Record<string, string>;
let catalog: RemoteJvmCatalog;
let call: Call;
let closeApi: (() => Promise<void>) | undefined;

beforeAll(async () => {
  pluginPath = pluginPathWith('connect-file', 'connect-mirror');
  catalogProcess = localCatalogInvoke();
  worker = {
    'bootstrap.servers': kafkaBootstrap(),
    'plugin.path': pluginPath,
    // Every plug-in here has ServiceLoader manifests (docs/java-plugins.md, "Start time").
    'plugin.discovery': 'service_load',
  };
  catalog = await RemoteJvmCatalog.start(catalogProcess.invoke, worker);
  const { composition } = await createTestApi({ javaCatalog: catalog, statusStore: new InMemoryStatusStore() });
  call = viaLambdaV1(composition);
  closeApi = () => composition.close();
}, 120_000);

afterAll(async () => {
  await closeApi?.();
  await catalogProcess?.close();
  rmSync(pluginPath, { recursive: true, force: true });
}, 60_000);

describe('the catalog Lambda handler', () => {
  it('initializes from the worker properties of the request and lists Apache’s plug-ins', () => {
    const connectors = catalog.plugins.filter((p) => p.type === 'source' || p.type === 'sink').map((p) => p.className);
    expect(connectors).toEqual(
      expect.arrayContaining([
        'org.apache.kafka.connect.file.FileStreamSourceConnector',
        'org.apache.kafka.connect.mirror.MirrorSourceConnector',
      ]),
    );
    const file = catalog.plugins.find((p) => p.className === 'org.apache.kafka.connect.file.FileStreamSinkConnector');
    expect(file?.location).toBe(`file:${join(pluginPath, 'connect-file')}/`);
  });

  it('computes task configs with Apache’s Worker and keeps no connector running between requests', async () => {
    const name = uniqueName('lambda-tc');
    const config = {
      name,
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      'tasks.max': '1',
      file: '/tmp/x.txt',
      topic: name,
    };
    const first = await catalog.taskConfigs(name, config);
    expect(first).toEqual({
      type: 'source',
      version: '4.3.1',
      taskConfigs: [
        expect.objectContaining({ 'task.class': 'org.apache.kafka.connect.file.FileStreamSourceTask', topic: name }),
      ],
    });
    // The same name with another config: a stateful catalog would have to replace a running instance; this one
    // started and stopped the connector within the first request.
    const second = await catalog.taskConfigs(name, { ...config, topic: `${name}-b` });
    expect(second.taskConfigs[0]?.topic).toBe(`${name}-b`);
  });

  it('answers errors with Apache’s status and message', async () => {
    await expect(catalog.pluginConfig('com.example.Nope')).rejects.toBeInstanceOf(NotFoundError);
    const reply = await catalogProcess.invoke({ op: 'startTask', worker });
    expect(reply).toEqual({ ok: false, status: 400, message: "Unknown operation 'startTask'" });
    expect(await catalogProcess.invoke({ op: 'validate', worker, config: { name: 'x' } })).toMatchObject({
      ok: false,
      status: 400,
      message: 'Connector config {name=x} contains no connector type',
      trace: expect.stringContaining('BadRequestException') as unknown,
    });
  });

  it('re-initializes when the worker properties change (another deployment), and not otherwise', async () => {
    const other = { ...worker, 'plugin.path': join(pluginPath, 'connect-file') };
    const reply = (await catalogProcess.invoke({ op: 'init', worker: other })) as {
      ok: boolean;
      result: { plugins: { className: string }[] };
    };
    expect(reply.ok).toBe(true);
    const classes = reply.result.plugins.map((p) => p.className);
    expect(classes).toContain('org.apache.kafka.connect.file.FileStreamSourceConnector');
    expect(classes).not.toContain('org.apache.kafka.connect.mirror.MirrorSourceConnector');
    // Back to the first deployment's properties: MirrorMaker's connectors are there again.
    const validate = await catalog.validate({
      'connector.class': 'org.apache.kafka.connect.mirror.MirrorSourceConnector',
      name: 'v',
    });
    expect(validate.name).toBe('org.apache.kafka.connect.mirror.MirrorSourceConnector');
  });
});

describe('the reconciler’s schedule with the catalog function (no connector keeps running)', () => {
  it('gives a running MirrorSource connector’s tasks a topic created after it started, and writes nothing when nothing changed', async () => {
    const prefix = uniqueName('mm2poll');
    const [first, second] = [`${prefix}-a`, `${prefix}-b`];
    const name = uniqueName('mm2-poll');
    const admin = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: name });
    await ensureTopic(admin, first, { partitions: 1 });
    const configStore = new InMemoryConfigStore();
    const launcher = new FakeTaskLauncher();
    const reconciler = new Reconciler({
      configStore,
      statusStore: new InMemoryStatusStore(),
      launcher,
      plugins: withJavaTaskConfigs(PluginRegistry.withBuiltins(), catalog),
    });
    await configStore.create(
      name,
      {
        name,
        'connector.class': 'org.apache.kafka.connect.mirror.MirrorSourceConnector',
        'tasks.max': '1',
        'source.cluster.alias': 'src',
        'target.cluster.alias': 'dst',
        'source.cluster.bootstrap.servers': kafkaBootstrap(),
        'target.cluster.bootstrap.servers': kafkaBootstrap(),
        topics: `${prefix}-.*`,
        'replication.factor': '1',
        'offset-syncs.topic.replication.factor': '1',
        'sync.topic.acls.enabled': 'false',
        'sync.topic.configs.enabled': 'false',
        'emit.heartbeats.enabled': 'false',
      },
      'STARTED',
    );
    // What EventBridge's rule (infra/reconciler.ts, rate 1 minute) delivers to the reconciler Lambda.
    const tick = () =>
      handleReconcileEvent(
        { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} },
        reconciler,
        () => 120_000, // the reconciler Lambda's timeout (infra/reconciler.ts)
      );
    const assigned = async () => (await configStore.get(name))?.taskConfigs[0]?.['task.assigned.partitions'];

    await tick();
    const started = await configStore.get(name);
    expect(await assigned()).toBe(`${first}-0`);
    expect(launcher.live(name).map((i) => i.generation)).toEqual([started?.generation]);

    // Nothing changed: the catalog's answer equals the stored task configs, so nothing is written or relaunched.
    await tick();
    expect(await configStore.get(name)).toEqual(started);
    expect(launcher.instances.size).toBe(1);

    // A topic created after the connector started: the next tick's task configs have it, in a new generation that
    // replaces the running task.
    await ensureTopic(admin, second, { partitions: 1 });
    await tick();
    const after = await configStore.get(name);
    expect(after?.generation).toBe((started?.generation ?? 0) + 1);
    expect((await assigned())?.split(',').sort()).toEqual([`${first}-0`, `${second}-0`]);
    // The old task's exit (in AWS its ECS stop event) reconciles the connector again: the new generation starts.
    expect(launcher.live(name)).toEqual([]);
    await reconciler.reconcile(name);
    expect(launcher.live(name).map((i) => i.generation)).toEqual([after?.generation]);
  }, 120_000);
});

interface Recorded {
  method: string;
  path: string;
  request: unknown;
  status: number;
  body: unknown;
}

const recorded = JSON.parse(
  readFileSync(join(projectRoot(), 'test', 'fixtures', 'apache-rest', 'apache-4.3.1-java-plugins.json'), 'utf8'),
) as Recorded[];

describe('the API Lambda with the catalog function: parity with a real Apache 4.3.1 worker', () => {
  it.each(recorded.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', async (_, r) => {
    const response = await call(r.method as 'GET', r.path, r.request ? { body: r.request } : undefined);
    // The host's class path has our own plug-ins (the S3 sink), which the recorded worker did not have.
    const body =
      r.path.startsWith('/connector-plugins?') || r.path === '/connector-plugins'
        ? (response.body as { class: string }[]).filter((p) => !p.class.startsWith('serverless.'))
        : response.body;
    expect({ status: response.status, body }).toEqual({ status: r.status, body: r.body });
  });
});
