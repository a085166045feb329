/** Herder use cases over in-memory ports: behaviour the REST contract cannot show directly. */
import {
  InMemoryConfigStore,
  InMemoryLoggerLevelStore,
  InMemoryOffsetStore,
  InMemoryStatusStore,
} from '../../lib/adapters/local/memory-stores';
import { ConflictError, ForbiddenError, ServiceUnavailableError } from '../../lib/errors';
import { connectorValidation } from '../../lib/herder/connector-validation';
import { CONFLICT_RETRY, Herder, type HerderOptions, restartPlan } from '../../lib/herder/herder';
import { LoggerRegistry } from '../../lib/herder/loggers';
import { RegistryPlugins } from '../../lib/herder/plugin-catalog';
import { retry } from '../../lib/retry';
import { PluginRegistry } from '../../lib/plugins/registry';
import type { ConfigStore, ConnectorStateChanges } from '../../lib/storage/ports';

const SRC = { 'connector.class': 'FileStreamSource', topic: 't', file: '/tmp/h.txt' };

function herder(options: Partial<HerderOptions> = {}) {
  const registry = PluginRegistry.withBuiltins();
  const configStore = options.configStore ?? new InMemoryConfigStore();
  const statusStore = options.statusStore ?? new InMemoryStatusStore();
  return {
    configStore,
    statusStore,
    herder: new Herder({
      configStore,
      statusStore,
      plugins: new RegistryPlugins(registry, connectorValidation(registry)),
      ...options,
    }),
  };
}

/** A ConfigStore whose first `failures` updates lose a race (ConflictError), then behaves. */
class RacingConfigStore extends InMemoryConfigStore {
  updates = 0;
  constructor(private failures: number) {
    super();
  }
  override async update(name: string, expectedVersion: number, changes: ConnectorStateChanges) {
    this.updates++;
    if (this.failures-- > 0) {
      // Another writer got there first: bump the version underneath the caller.
      const current = (await this.get(name))!;
      await super.update(name, current.version, {});
      throw new ConflictError('concurrent write');
    }
    return super.update(name, expectedVersion, changes);
  }
}

describe('Herder', () => {
  it('retries a config update that lost a race and keeps the winner’s changes', async () => {
    const configStore = new RacingConfigStore(0);
    const { herder: h } = herder({ configStore });
    await h.createConnector({ name: 'race', config: SRC });
    (configStore as unknown as { failures: number }).failures = 3;
    const info = await h.patchConnectorConfig('race', { 'tasks.max': '2' });
    expect(info.config['tasks.max']).toBe('2');
    expect(configStore.updates).toBe(4);
    expect((await configStore.get('race'))!.version).toBe(1 + 3 + 1);
  });

  it('gives up after the retry deadline with the retriable error (409)', async () => {
    const configStore: ConfigStore = new RacingConfigStore(Number.POSITIVE_INFINITY);
    const { herder: h } = herder({
      configStore,
      retry: { initialDelayMs: 1, maxDelayMs: 2, jitter: 'full', timeoutMs: 30 },
    });
    await h.createConnector({ name: 'forever', config: SRC });
    await expect(h.pauseConnector('forever')).rejects.toBeInstanceOf(ConflictError);
  });

  it('does not retry errors that are not retriable', async () => {
    let calls = 0;
    await expect(
      retry(async () => {
        calls++;
        throw new Error('boom');
      }, CONFLICT_RETRY),
    ).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });

  it('writes target states and restart requests as desired state only', async () => {
    const { herder: h, configStore, statusStore } = herder();
    await h.createConnector({ name: 'desired', config: SRC, initial_state: 'paused' });
    expect((await configStore.get('desired'))!.targetState).toBe('PAUSED');
    await h.stopConnector('desired');
    expect((await configStore.get('desired'))!.targetState).toBe('STOPPED');
    const before = (await configStore.get('desired'))!.version;
    await h.stopConnector('desired'); // idempotent: no write
    expect((await configStore.get('desired'))!.version).toBe(before);
    await h.resumeConnector('desired');
    expect((await configStore.get('desired'))!.targetState).toBe('STARTED');

    expect(await h.restartConnector('desired', false, false)).toBeNull();
    expect((await configStore.get('desired'))!.restartRequest).toMatchObject({
      includeTasks: false,
      onlyFailed: false,
    });
    expect(await statusStore.getConnector('desired')).toBeUndefined();
  });

  it('builds the KIP-745 restart plan', () => {
    const status = {
      name: 'p',
      type: 'source' as const,
      connector: { state: 'FAILED' as const, worker_id: 'w' },
      tasks: [
        { id: 0, state: 'RUNNING' as const, worker_id: 'w' },
        { id: 1, state: 'FAILED' as const, worker_id: 'w', trace: 'x' },
      ],
    };
    expect(restartPlan(status, true, true).tasks.map((t) => t.state)).toEqual(['RUNNING', 'RESTARTING']);
    expect(restartPlan(status, true, true).connector.state).toBe('RESTARTING');
    expect(restartPlan(status, false, true).tasks.map((t) => t.state)).toEqual(['RUNNING', 'FAILED']);
    expect(
      restartPlan({ ...status, connector: { state: 'RUNNING', worker_id: 'w' } }, true, true).connector.state,
    ).toBe('RUNNING');
    expect(restartPlan(status, true, false).tasks.map((t) => t.state)).toEqual(['RESTARTING', 'RESTARTING']);
  });

  it('allows offset changes once the connector is stopped and its status says so', async () => {
    const offsetStore = new InMemoryOffsetStore();
    const { herder: h, configStore, statusStore } = herder({ offsetStore: async () => offsetStore });
    await h.createConnector({ name: 'off', config: SRC });
    const state = (await configStore.get('off'))!;
    await configStore.update('off', state.version, {
      taskConfigs: [{ a: 'b' }],
      generation: 1,
      taskConfigsFromVersion: state.version,
    });
    await h.stopConnector('off');
    // Stopped but the reconciler has not caught up: tasks still exist.
    await expect(h.resetOffsets('off')).rejects.toThrow(/must be in the STOPPED state/);
    await statusStore.putConnector('off', {
      state: 'STOPPED',
      trace: null,
      workerId: 'r',
      generation: 1,
      updatedAt: 0,
    });
    await expect(h.resetOffsets('off')).resolves.toEqual({
      message: 'The offsets for this connector have been reset successfully',
    });
  });

  it('answers 503 for offsets when no offset store is wired', async () => {
    const { herder: h } = herder();
    await h.createConnector({ name: 'nostore', config: SRC });
    await expect(h.getOffsets('nostore')).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('honours topic tracking switches with Apache’s 403 messages', async () => {
    const off = herder({ topicTracking: { enable: false, allowReset: true } }).herder;
    await expect(off.activeTopics('x')).rejects.toEqual(new ForbiddenError('Topic tracking is disabled.'));
    const noReset = herder({ topicTracking: { enable: true, allowReset: false } }).herder;
    await expect(noReset.resetActiveTopics('x')).rejects.toEqual(
      new ForbiddenError('Topic tracking reset is disabled.'),
    );
    const { herder: h, statusStore } = herder();
    await statusStore.addTopics('x', ['b', 'a']);
    expect(await h.activeTopics('x')).toEqual({ x: { topics: ['a', 'b'] } });
  });

  it('keeps logger levels in its store, descendants included', async () => {
    const changes: string[] = [];
    const store = new InMemoryLoggerLevelStore();
    const loggers = new LoggerRegistry('INFO', (name, level) => changes.push(`${name}=${level}`), store);
    expect(await loggers.set('org.apache', { level: 'warn' })).toEqual(['org.apache']);
    expect(await loggers.set('org.apache.kafka', { level: 'DEBUG' })).toEqual(['org.apache.kafka']);
    expect(await loggers.set('org.apache', { level: 'ERROR' })).toEqual(['org.apache', 'org.apache.kafka']);
    expect((await loggers.get('org.apache.kafka')).level).toBe('ERROR');
    // root stays implicit (LOG_LEVEL, never modified) until it is set itself
    expect(await loggers.get('root')).toEqual({ level: 'INFO', last_modified: null });
    expect(Object.keys(await store.get())).toEqual(['org.apache', 'org.apache.kafka']);
    expect(await loggers.set('root', { level: 'TRACE' })).toEqual(['org.apache', 'org.apache.kafka', 'root']);
    expect(changes).toContain('root=TRACE');
    // another process (an API Lambda instance) with the same store sees the same levels
    const other = new LoggerRegistry('WARN', undefined, store);
    expect(await other.all()).toEqual(await loggers.all());
    expect((await other.get('root')).level).toBe('TRACE');
  });
});
