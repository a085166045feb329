/**
 * The connector task's loop (lib/runtime/connector-task.ts) over the in-memory stores and a scripted host in place
 * of the JVM (test/jvm/connector-task.test.ts runs it with the JVM host and Apache's MirrorSourceConnector): what it
 * reports, when it asks for new task configs, when it ends.
 */
import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { type ConnectorInstanceHost, runConnectorTask } from '../../lib/runtime/connector-task';
import { configFingerprint } from '../../lib/scheduler/connector-task';
import { waitFor } from '../services/wait';

class ScriptedHost implements ConnectorInstanceHost {
  answer: Record<string, string>[] = [{ 'task.class': 'T', topics: 'a' }];
  fail: Error | undefined;
  readonly started: Record<string, string>[] = [];
  released = 0;
  private reconfigure: ((connector: string) => void) | undefined;
  private failed: ((connector: string, trace: string) => void) | undefined;

  async taskConfigs(_connector: string, config: Readonly<Record<string, string>>) {
    if (this.fail) throw Object.assign(this.fail, { trace: `java.lang.IllegalStateException: ${this.fail.message}` });
    this.started.push({ ...config });
    return { taskConfigs: this.answer.map((c) => ({ ...c, secret: config['secret'] ?? '' })), version: '4.3.1' };
  }
  async releaseConnector(): Promise<void> {
    this.released++;
  }
  onReconfigurationRequested(listener: (connector: string) => void): void {
    this.reconfigure = listener;
  }
  onConnectorFailed(listener: (connector: string, trace: string) => void): void {
    this.failed = listener;
  }
  async close(): Promise<void> {}
  requestReconfiguration(connector: string): void {
    this.reconfigure?.(connector);
  }
  raiseError(connector: string, trace: string): void {
    this.failed?.(connector, trace);
  }
}

async function setup(name: string, prepare: (host: ScriptedHost) => void = () => undefined) {
  const configStore = new InMemoryConfigStore();
  const statusStore = new InMemoryStatusStore();
  const config = { name, 'connector.class': 'J', secret: '${env:S}' };
  const created = await configStore.create(name, config, 'STARTED');
  // As the reconciler stored them from the catalog (placeholders kept).
  const state = await configStore.update(name, created.version, {
    taskConfigs: [{ 'task.class': 'T', topics: 'a', secret: '${env:S}' }],
    generation: 1,
    taskConfigsFromVersion: created.version + 1,
  });
  const host = new ScriptedHost();
  prepare(host);
  const abort = new AbortController();
  const run = runConnectorTask({
    connector: name,
    workerId: 'ct-1',
    configStore,
    statusStore,
    host: async () => host,
    resolveConfig: async (c) => ({ ...c, secret: 'resolved' }),
    checkIntervalMs: 20,
    signal: abort.signal,
  });
  return { configStore, statusStore, host, abort, run, state, config };
}

describe('the connector task loop', () => {
  it('reports RUNNING, requests the new task configs of a reconfiguration (placeholders put back), and stops on SIGTERM', async () => {
    const t = await setup('ct-a');
    await waitFor(async () => (await t.statusStore.getConnector('ct-a'))?.state === 'RUNNING');
    expect(await t.statusStore.getConnector('ct-a')).toMatchObject({
      workerId: 'ct-1',
      version: '4.3.1',
      generation: 1,
    });
    // Same task configs as stored: nothing requested.
    expect(await t.statusStore.getTaskConfigsRequest('ct-a')).toBeUndefined();
    expect(t.host.started).toEqual([{ ...t.config, secret: 'resolved' }]);

    t.host.answer = [
      { 'task.class': 'T', topics: 'a' },
      { 'task.class': 'T', topics: 'b' },
    ];
    t.host.requestReconfiguration('ct-a');
    const request = await waitFor(() => t.statusStore.getTaskConfigsRequest('ct-a'));
    expect(request).toMatchObject({
      generation: 1,
      configFingerprint: configFingerprint(t.config),
      taskConfigs: [
        { 'task.class': 'T', topics: 'a', secret: '${env:S}' },
        { 'task.class': 'T', topics: 'b', secret: '${env:S}' },
      ],
      workerId: 'ct-1',
    });

    t.abort.abort();
    expect(await t.run).toBe('stopped');
    expect(t.host.released).toBe(1);
  });

  it('restarts the connector with a changed config, and ends when the connector is paused', async () => {
    const t = await setup('ct-b');
    await waitFor(() => t.host.started.length === 1);
    const state = (await t.configStore.get('ct-b'))!;
    const changed = await t.configStore.update('ct-b', state.version, { config: { ...t.config, extra: 'x' } });
    await waitFor(() => t.host.started.length === 2);
    expect(t.host.started[1]).toMatchObject({ extra: 'x' });
    await t.configStore.update('ct-b', changed.version, { targetState: 'PAUSED' });
    expect(await t.run).toBe('unwanted');
  });

  it('reports FAILED with the Java trace when the connector fails after its start, and ends (exit 1)', async () => {
    const t = await setup('ct-c');
    await waitFor(async () => (await t.statusStore.getConnector('ct-c'))?.state === 'RUNNING');
    t.host.raiseError('ct-c', 'org.apache.kafka.connect.errors.ConnectException: lost the source cluster\n\tat …');
    expect(await t.run).toBe('failed');
    expect(await t.statusStore.getConnector('ct-c')).toMatchObject({
      state: 'FAILED',
      trace: expect.stringContaining('lost the source cluster') as unknown,
      workerId: 'ct-1',
    });
  });

  it('reports FAILED with the Java trace when the connector cannot start', async () => {
    const t = await setup('ct-d', (host) => {
      host.fail = new Error('cannot connect');
    });
    expect(await t.run).toBe('failed');
    expect((await t.statusStore.getConnector('ct-d'))?.trace).toContain(
      'java.lang.IllegalStateException: cannot connect',
    );
  });
});
