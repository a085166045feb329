/**
 * The catalog Lambda function end to end, as far as it runs without AWS (docs/java-plugins.md, "Not done in
 * AWS"): the image's entry point (task-runner/jvm-catalog-entry.sh, run as it is, with the local JDK and jars for
 * the image's JAVA_HOME and class path) starts AWS's Java runtime interface client (`AWSLambda`, Maven Central)
 * with the image's CMD, `skc.jvmhost.LambdaCatalog::handleRequest`, against a stand-in for the Lambda service
 * (./lambda-service.ts: the Runtime API the client polls and the Invoke API). The Node side is the adapters the
 * API and reconciler Lambdas use: RemoteJvmCatalog over lambdaCatalogInvoke, whose SDK Lambda client sends
 * `InvokeCommand` to the stand-in. So each request goes SDK Invoke → runtime client → handler → Apache's code and
 * back, with Apache's connect-file and connect-mirror 4.3.1 and the test broker.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { resolveJvmHostClasspath } from '../../lib/adapters/jvm/jvm-host';
import { RemoteJvmCatalog } from '../../lib/adapters/jvm/remote-catalog';
import { lambdaCatalogInvoke } from '../../lib/adapters/lambda/catalog-function';
import { createLambdaClient } from '../../lib/adapters/lambda/lambda-client';
import { InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { BadRequestError, InternalServerError } from '../../lib/errors';
import { createTestApi, viaLambdaV1, type Call } from '../rest/harness';
import { kafkaBootstrap, requireServices, uniqueName } from '../services/env';
import { projectRoot } from '../services/paths';
import { buildFixturePlugin, pluginPathWith } from './helpers';
import { startLambdaStandIn, type LambdaStandIn } from './lambda-service';

requireServices('kafka');

const FUNCTION = 'skc-java-catalog';
const HANDLER = 'skc.jvmhost.LambdaCatalog::handleRequest';

let pluginPath: string;
let lambda: LambdaStandIn;
let runtime: ChildProcess;
let runtimeExit: Promise<number | null>;
const runtimeLog: string[] = [];
let worker: Record<string, string>;
let catalog: RemoteJvmCatalog;
let call: Call;
let closeApi: (() => Promise<void>) | undefined;

/** The local JDK's home (the image's JAVA_HOME is /opt/jre, its jlinked runtime). */
function javaHome(): string {
  if (process.env.JAVA_HOME) return process.env.JAVA_HOME;
  // -XshowSettings prints on stderr
  const { stderr } = spawnSync('java', ['-XshowSettings:properties', '-version'], { encoding: 'utf8' });
  const home = /java\.home = (.+)/.exec(stderr)?.[1]?.trim();
  if (!home) throw new Error('cannot find the JDK: set JAVA_HOME');
  return home;
}

/** Starts the image's entry point as Lambda starts a container image function. */
function startRuntime(lambda: LambdaStandIn, handler: string): { child: ChildProcess; exit: Promise<number | null> } {
  const lambdaClasspath = readFileSync(join(projectRoot(), '.cache', 'maven', 'lambda-ric.classpath'), 'utf8').trim();
  const child = spawn('/bin/sh', [join(projectRoot(), 'task-runner', 'jvm-catalog-entry.sh'), handler], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // the image's ENV (task-runner/Dockerfile, target task-runner-jvm), here the local JDK and jars
      JAVA_HOME: javaHome(),
      SKC_JVM_HOST_CLASSPATH: resolveJvmHostClasspath({}),
      SKC_JVM_HOST_CDS_ARCHIVE: join(projectRoot(), '.cache', 'jvm-host', 'host.jsa'),
      // The archive must fit the function's class path (the host's, then the runtime client's): fail otherwise.
      JAVA_TOOL_OPTIONS: '-Xshare:on',
      SKC_LAMBDA_RIC_CLASSPATH: lambdaClasspath,
      // what Lambda sets for a function (docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html)
      AWS_LAMBDA_RUNTIME_API: lambda.runtimeApi,
      AWS_LAMBDA_FUNCTION_NAME: FUNCTION,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '2048',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${FUNCTION}`,
      AWS_LAMBDA_LOG_STREAM_NAME: 'local',
      _HANDLER: handler,
      // the function's own environment (infra/java-catalog.ts)
      SKC_JAVA_PLUGIN_PATH: pluginPath,
      LOG_LEVEL: 'info',
    },
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => runtimeLog.push(line));
  }
  const exit = new Promise<number | null>((resolve) => {
    child.on('exit', (code, signal) => {
      lambda.runtimeExited(signal ? `signal: ${signal}` : `exit status ${code}`);
      resolve(code);
    });
  });
  return { child, exit };
}

beforeAll(async () => {
  pluginPath = pluginPathWith('connect-file', 'connect-mirror');
  buildFixturePlugin('bad-connector', pluginPath);
  lambda = await startLambdaStandIn(FUNCTION);
  ({ child: runtime, exit: runtimeExit } = startRuntime(lambda, HANDLER));
  // No plugin.path: the function's SKC_JAVA_PLUGIN_PATH is its plugin.path (the API does not know the image's).
  worker = { 'bootstrap.servers': kafkaBootstrap(), 'plugin.discovery': 'service_load' };
  const invoke = lambdaCatalogInvoke(FUNCTION, createLambdaClient(lambda.endpoint));
  catalog = await RemoteJvmCatalog.start(invoke, worker);
  const { composition } = await createTestApi({ javaCatalog: catalog, statusStore: new InMemoryStatusStore() });
  call = viaLambdaV1(composition);
  closeApi = () => composition.close();
}, 120_000);

afterAll(async () => {
  await closeApi?.();
  runtime?.kill('SIGKILL');
  await runtimeExit;
  await lambda?.close();
  rmSync(pluginPath, { recursive: true, force: true });
}, 60_000);

describe('the catalog function behind AWS’s Java runtime interface client', () => {
  it('lists the plug-ins of the function’s plugin.path', () => {
    const connectors = catalog.plugins.filter((p) => p.type === 'source' || p.type === 'sink').map((p) => p.className);
    expect(connectors).toEqual(
      expect.arrayContaining([
        'org.apache.kafka.connect.file.FileStreamSourceConnector',
        'org.apache.kafka.connect.mirror.MirrorSourceConnector',
        'skc.test.BadConnector',
      ]),
    );
    const file = catalog.plugins.find((p) => p.className === 'org.apache.kafka.connect.file.FileStreamSinkConnector');
    expect(file?.location).toBe(`file:${join(pluginPath, 'connect-file')}/`);
    // The runtime client ran the handler: no invocation or init error was reported.
    expect(lambda.reportedErrors).toEqual([]);
  });

  it('answers GET /connector-plugins, a plug-in config and validations as the recorded Apache 4.3.1 worker', async () => {
    const recorded = JSON.parse(
      readFileSync(join(projectRoot(), 'test', 'fixtures', 'apache-rest', 'apache-4.3.1-java-plugins.json'), 'utf8'),
    ) as { method: string; path: string; request: unknown; status: number; body: unknown }[];
    for (const r of recorded) {
      const response = await call(r.method as 'GET', r.path, r.request ? { body: r.request } : undefined);
      // Our own plug-ins (the host's class path) and the bad-connector fixture were not on the recorded worker.
      const body =
        r.path.startsWith('/connector-plugins?') || r.path === '/connector-plugins'
          ? (response.body as { class: string }[]).filter(
              (p) => !p.class.startsWith('serverless.') && !p.class.startsWith('skc.test.'),
            )
          : response.body;
      expect({ request: `${r.method} ${r.path}`, status: response.status, body }).toEqual({
        request: `${r.method} ${r.path}`,
        status: r.status,
        body: r.body,
      });
    }
  });

  it('gives Apache’s errors: a config without a class (400) and a connector whose validate throws (500)', async () => {
    const noType = catalog.validate({ name: 'x' });
    await expect(noType).rejects.toBeInstanceOf(BadRequestError);
    await expect(noType).rejects.toThrow('Connector config {name=x} contains no connector type');
    const throwing = catalog.validate({ 'connector.class': 'skc.test.BadConnector', name: 'bad', fail: 'validate' });
    await expect(throwing).rejects.toBeInstanceOf(InternalServerError);
    await expect(throwing).rejects.toMatchObject({
      message: 'validate exploded',
      trace: expect.stringContaining('java.lang.IllegalStateException: validate exploded') as unknown,
    });
    // Through the API Lambda: Apache's answer to the same validation.
    const response = await call('PUT', '/connector-plugins/BadConnector/config/validate', {
      body: { 'connector.class': 'skc.test.BadConnector', name: 'bad', fail: 'validate' },
    });
    expect(response).toMatchObject({ status: 500, body: { error_code: 500, message: 'validate exploded' } });
  });

  it('computes FileStream’s task configs with Apache’s Worker', async () => {
    const name = uniqueName('ric-tc');
    const config = {
      name,
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      'tasks.max': '2',
      file: '/tmp/x.txt',
      topic: name,
    };
    expect(await catalog.taskConfigs(name, config)).toEqual({
      type: 'source',
      version: '4.3.1',
      taskConfigs: [
        expect.objectContaining({ 'task.class': 'org.apache.kafka.connect.file.FileStreamSourceTask', topic: name }),
      ],
    });
  });
});

describe('failures of the function itself (X-Amz-Function-Error)', () => {
  it('an exited runtime: the Invoke answers Runtime.ExitError and the adapter rejects with its message', async () => {
    runtime.kill('SIGKILL');
    await runtimeExit;
    const invoke = lambdaCatalogInvoke(FUNCTION, createLambdaClient(lambda.endpoint));
    await expect(invoke({ op: 'init', worker })).rejects.toThrow(
      `The Java plug-in catalog function ${FUNCTION} failed on 'init': Runtime exited with error: signal: SIGKILL`,
    );
  });

  it('a handler class the image does not have: the runtime client reports the invocation’s error, the adapter rejects with it', async () => {
    const broken = await startLambdaStandIn(FUNCTION);
    const { child, exit } = startRuntime(broken, 'skc.jvmhost.NoSuchCatalog::handleRequest');
    try {
      const invoke = lambdaCatalogInvoke(FUNCTION, createLambdaClient(broken.endpoint));
      await expect(invoke({ op: 'init', worker })).rejects.toThrow(
        `The Java plug-in catalog function ${FUNCTION} failed on 'init': Class not found: skc.jvmhost.NoSuchCatalog`,
      );
      // AWS's Java runtime loads the handler at the first invocation and reports it as that invocation's error.
      expect(broken.reportedErrors).toEqual([
        {
          path: expect.stringMatching(/^\/2018-06-01\/runtime\/invocation\/[0-9a-f-]{36}\/error$/) as unknown,
          errorType: 'Runtime.BadFunctionCode',
          body: {
            errorType: 'java.lang.ClassNotFoundException',
            errorMessage: 'Class not found: skc.jvmhost.NoSuchCatalog',
          },
        },
      ]);
    } finally {
      child.kill('SIGKILL');
      await exit;
      await broken.close();
    }
  });
});
