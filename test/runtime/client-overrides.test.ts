/**
 * Issue 13: a connector config that redirects its producer to a broker of the caller's choosing never reaches a
 * client under a restrictive policy — also when the config was stored before the policy (the task's own check,
 * Apache's `Worker.connectorClientConfigOverrides`). The positive control proves the fake broker would notice.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkajsClientFactory } from '../../lib/adapters/kafka/client-factory';
import { InMemoryOffsetStore } from '../../lib/adapters/local/memory-stores';
import { AWS_WORKER_DEFAULTS } from '../../infra/worker-config';
import { parseWorkerConfig } from '../../lib/config/worker-config';
import { ConnectException } from '../../lib/connect/errors';
import { PluginRegistry } from '../../lib/plugins/registry';
import { createWorkerTask } from '../../lib/runtime/worker';
import { staysTrue, waitFor } from '../services/wait';
import { fakeBroker } from '../rest/fake-broker';

const STRING_CONVERTER = 'org.apache.kafka.connect.storage.StringConverter';

describe('client overrides at task start', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skc-overrides-'));
    writeFileSync(join(dir, 'in.txt'), 'a\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const build = (policy: Record<string, string>, brokerPort: number) => {
    const worker = parseWorkerConfig(
      {
        'bootstrap.servers': '127.0.0.1:1',
        'key.converter': STRING_CONVERTER,
        'value.converter': STRING_CONVERTER,
        'offset.storage.file.filename': join(dir, 'offsets'),
        'producer.sasl.jaas.config':
          'org.apache.kafka.common.security.plain.PlainLoginModule required username="connect" password="s3cr3t";',
        ...policy,
      },
      'standalone',
    );
    const registry = PluginRegistry.withBuiltins();
    const config = {
      name: 'exfil',
      'connector.class': 'FileStreamSource',
      topic: 'exfil',
      file: join(dir, 'in.txt'),
      'producer.override.bootstrap.servers': `127.0.0.1:${brokerPort}`,
      'producer.override.security.protocol': 'SASL_PLAINTEXT',
      'producer.override.sasl.mechanism': 'PLAIN',
      // a tuning key (allowed): the fake broker never answers, so the positive control gives up quickly
      'producer.override.request.timeout.ms': '500',
    };
    return () =>
      createWorkerTask(
        {
          worker,
          registry,
          kafka: new KafkajsClientFactory({ retry: { retries: 0 } }),
          offsetStore: new InMemoryOffsetStore(),
        },
        { connector: 'exfil', taskId: 0, connectorConfig: config, taskConfig: { ...config, 'task.class': 'x' } },
        registry.newConnector('FileStreamSource'),
        () => undefined,
      );
  };

  it('the restrictive policy refuses the task before any client exists: the broker gets no byte', async () => {
    const broker = await fakeBroker();
    try {
      const create = build({ ...AWS_WORKER_DEFAULTS, 'skc.filestream.enable': 'true' }, broker.port);
      expect(create).toThrow(ConnectException);
      expect(create).toThrow(
        /^Client Config Overrides not allowed .*The 'Allowlist' policy does not allow 'bootstrap.servers' to be overridden/,
      );
      await staysTrue(() => broker.bytes() === 0, 1500, 'the fake broker received nothing');
    } finally {
      await broker.close();
    }
  });

  it('positive control: under All the same task does connect to the fake broker', async () => {
    const broker = await fakeBroker();
    const task = build({}, broker.port)();
    const done = task.run().catch(() => undefined);
    try {
      await waitFor(() => broker.bytes() > 0, { timeoutMs: 15_000, description: 'the fake broker hears the task' });
    } finally {
      task.stop();
      await done;
      await broker.close();
    }
  });
});
