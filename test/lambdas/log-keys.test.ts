/**
 * The Lambdas' structured logs name the connector a request or event is about (`connector`, plus `taskId` and
 * `generation` for a task event) on every line written meanwhile, and a warm instance's next invocation does
 * not inherit them.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { createApiHandler } from '../../composition/api/handler';
import { logger as apiLogger } from '../../composition/api/logger';
import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { Reconciler } from '../../lib/scheduler/reconciler';
import { handleReconcileEvent, logger as reconcilerLogger } from '../../lambdas/reconciler/handler';
import { handleTaskEvent, logger as taskEventsLogger } from '../../lambdas/task-events/handler';
import { createTestApi } from '../rest/harness';
import { FakeClock, FakeTaskLauncher, testPlugins } from '../scheduler/fakes';

/** The JSON lines the loggers write to stdout while `fn` runs. */
async function linesOf(fn: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const v1 = (method: string, path: string, body: unknown = null): APIGatewayProxyEvent =>
  ({
    httpMethod: method,
    path,
    headers: body === null ? {} : { 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    body: body === null ? null : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { path: `/prod${path}`, stage: 'prod' },
  }) as unknown as APIGatewayProxyEvent;

const lambdaContext = { awsRequestId: 'req-1', functionName: 'api' } as Context;

describe('connector keys on Lambda log lines', () => {
  beforeAll(() => {
    for (const l of [apiLogger, reconcilerLogger, taskEventsLogger]) l.setLogLevel('DEBUG');
  });
  afterAll(() => {
    for (const l of [apiLogger, reconcilerLogger, taskEventsLogger]) l.setLogLevel('INFO');
  });

  it('API: a request for connector X logs `connector: "X"`; the next request does not', async () => {
    const { composition } = await createTestApi();
    const handler = createApiHandler(() => composition.api);
    const forX = await linesOf(() => handler(v1('GET', '/connectors/orders%20sink/status'), lambdaContext));
    expect(forX.length).toBeGreaterThan(0);
    for (const line of forX) expect(line).toMatchObject({ connector: 'orders sink' });

    const created = await linesOf(() =>
      handler(v1('POST', '/connectors', { name: 'made', config: { 'connector.class': 'nope' } }), lambdaContext),
    );
    expect(created.find((l) => l['message'] === 'request')).toMatchObject({ connector: 'made' });

    const next = await linesOf(() => handler(v1('GET', '/connectors'), lambdaContext));
    expect(next.find((l) => l['message'] === 'request')).toBeDefined();
    for (const line of next) expect(line).not.toHaveProperty('connector');
  });

  it('API on a concurrent server: only the handler’s own line carries the connector', async () => {
    const { composition } = await createTestApi();
    const handler = createApiHandler(() => composition.api, { connectorLogKeys: false });
    const lines = await linesOf(async () => {
      await handler(v1('GET', '/connectors/x/status'), lambdaContext);
      apiLogger.info('unrelated');
    });
    expect(lines.find((l) => l['message'] === 'request')).toMatchObject({ connector: 'x' });
    expect(lines.find((l) => l['message'] === 'unrelated')).not.toHaveProperty('connector');
  });

  it('reconciler: lines written while connector A is reconciled carry it, the summary and later lines do not', async () => {
    const clock = new FakeClock(Date.now());
    const configStore = new InMemoryConfigStore();
    const statusStore = new InMemoryStatusStore();
    const launcher = new FakeTaskLauncher(clock.now);
    const launch = launcher.launch.bind(launcher);
    launcher.launch = async (spec) => {
      reconcilerLogger.info('launching');
      return launch(spec);
    };
    const reconciler = new Reconciler({ configStore, statusStore, launcher, plugins: testPlugins });
    await configStore.create('a', { 'connector.class': 'PartitionedSource', 'tasks.max': '1' }, 'STARTED');
    await configStore.create('b', { 'connector.class': 'PartitionedSource', 'tasks.max': '1' }, 'STARTED');
    const record = (name: string) => ({
      eventName: 'MODIFY',
      dynamodb: { Keys: { pk: { S: `CONNECTOR#${name}` }, sk: { S: 'STATE' } } },
    });
    const lines = await linesOf(async () => {
      await handleReconcileEvent({ Records: [record('a'), record('b')] }, reconciler, () => 60_000);
      reconcilerLogger.info('after');
    });
    expect(lines.filter((l) => l['message'] === 'launching').map((l) => l['connector'])).toEqual(['a', 'b']);
    expect(lines.find((l) => l['message'] === 'reconciled')).not.toHaveProperty('connector');
    expect(lines.find((l) => l['message'] === 'after')).not.toHaveProperty('connector');
  });

  it('task events: the stopped task’s connector, task and generation, not kept for the next event', async () => {
    const event = (connector: string) => ({
      'detail-type': 'ECS Task State Change',
      source: 'aws.ecs',
      detail: {
        taskArn: `arn:aws:ecs:eu-west-1:1:task/cluster/${connector}`,
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        startedBy: 'serverless-kafka-connect',
        stoppedReason: 'Essential container in task exited',
        startedAt: '2026-01-01T00:00:00.000Z',
        stoppedAt: '2026-01-01T00:05:00.000Z',
        containers: [{ name: 'task-runner', exitCode: 1 }],
        overrides: {
          containerOverrides: [
            {
              name: 'task-runner',
              environment: [
                { name: 'SKC_CONNECTOR', value: connector },
                { name: 'SKC_TASK_ID', value: '2' },
                { name: 'SKC_GENERATION', value: '7' },
              ],
            },
          ],
        },
      },
    });
    const deps = {
      configStore: new InMemoryConfigStore(),
      statusStore: new InMemoryStatusStore(),
      emit: () => undefined,
    };
    const first = await linesOf(() => handleTaskEvent(event('a'), deps));
    expect(first.find((l) => l['message'] === 'task instance stopped')).toMatchObject({
      connector: 'a',
      taskId: 2,
      generation: 7,
    });
    const second = await linesOf(async () => {
      await handleTaskEvent(event('b'), deps);
      await handleTaskEvent({ 'detail-type': 'Scheduled Event', detail: {} }, deps);
      taskEventsLogger.info('after');
    });
    expect(second.find((l) => l['message'] === 'task instance stopped')).toMatchObject({ connector: 'b' });
    expect(second.find((l) => l['message'] === 'after')).not.toHaveProperty('connector');
  });
});
