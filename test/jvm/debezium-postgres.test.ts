/**
 * Debezium 3.6.1.Final's PostgreSQL connector (a real Java plug-in from Maven Central) on the local stack,
 * against a throw-away PostgreSQL 15 with wal_level=logical: snapshot, insert/update/delete as change events in
 * Kafka, and a SIGKILL of the task (Node supervisor and JVM together) followed by the reconciler's relaunch,
 * which resumes from the LSN stored in the offsets topic without losing an event.
 */
import { rmSync } from 'node:fs';
import { ensureTopic } from '../../lib/adapters/kafka/admin';
import { createKafka } from '../../lib/adapters/kafka/client';
import type { E2eStack } from '../e2e/helpers';
import { liveInstances, pidOf, startE2eStack, taskLogs } from '../e2e/helpers';
import { type Postgres, startPostgres } from '../services/postgres';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { pluginPathWith } from './helpers';

requireServices('kafka');

let e2e: E2eStack;
let pg: Postgres;
let pluginPath: string;
beforeAll(async () => {
  pluginPath = pluginPathWith('debezium-connector-postgres');
  [pg, e2e] = await Promise.all([
    startPostgres(),
    startE2eStack({
      'plugin.path': pluginPath,
      'offset.flush.interval.ms': '500',
      'task.heartbeat.timeout.ms': '120000',
      // Every plug-in here has ServiceLoader manifests: Apache's fast discovery (1.5 s instead of 30 s per JVM
      // on the shared CI machine); the default, hybrid_warn, finds the same plug-ins (docs/java-plugins.md).
      'plugin.discovery': 'service_load',
    }),
  ]);
}, 300_000);
afterEach(() => {
  const state = expect.getState();
  if (state.assertionCalls > state.numPassingAsserts || process.env.SKC_E2E_LOGS)
    process.stderr.write(taskLogs(e2e.stack));
});
afterAll(async () => {
  await e2e?.close();
  await pg?.stop();
  rmSync(pluginPath, { recursive: true, force: true });
}, 60_000);

interface ChangeEvent {
  readonly op: 'r' | 'c' | 'u' | 'd';
  readonly before: { id: number; note: string } | null;
  readonly after: { id: number; note: string } | null;
}

const sqlName = (prefix: string): string =>
  uniqueName(prefix)
    .replace(/[^a-zA-Z0-9]/g, '_')
    .toLowerCase();

describe('Debezium PostgreSQL connector in the JVM task host', () => {
  it('streams snapshot, insert, update and delete; after SIGKILL the relaunched task resumes without loss', async () => {
    const { api, stack } = e2e;
    const table = sqlName('orders');
    const prefix = sqlName('dbz');
    const name = uniqueName('debezium');
    pg.sql(`CREATE TABLE public.${table} (id int PRIMARY KEY, note text);
            INSERT INTO public.${table} VALUES (1, 'one'), (2, 'two'), (3, 'three');`);

    await api.create(name, {
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      'tasks.max': '1',
      'database.hostname': '127.0.0.1',
      'database.port': String(pg.port),
      'database.user': pg.user,
      'database.password': 'unused',
      'database.dbname': pg.database,
      'topic.prefix': prefix,
      'plugin.name': 'pgoutput',
      'slot.name': prefix,
      'publication.name': `${prefix}_pub`,
      'publication.autocreate.mode': 'filtered',
      'table.include.list': `public.${table}`,
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'false',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
    });
    await api.waitForState(name, 'RUNNING', 1, 150_000);

    const events: ChangeEvent[] = [];
    const kafka = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: name });
    const topic = `${prefix}.public.${table}`;
    // Debezium's producer may create it a moment later; the reader subscribes to it now.
    await ensureTopic(kafka, topic, { partitions: 1 });
    const consumer = kafka.consumer({ groupId: uniqueName('dbz-check') });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.value) events.push(JSON.parse(String(message.value)) as ChangeEvent);
        },
      });
      const ids = (op: ChangeEvent['op']) =>
        new Set(events.filter((e) => e.op === op).map((e) => (e.after ?? e.before)?.id));
      await waitFor(() => [1, 2, 3].every((id) => ids('r').has(id)), {
        timeoutMs: 120_000,
        description: 'snapshot events',
      });

      pg.sql(`INSERT INTO public.${table} VALUES (4, 'four'), (5, 'five');
              UPDATE public.${table} SET note = 'uno' WHERE id = 1;
              DELETE FROM public.${table} WHERE id = 2;`);
      await waitFor(() => ids('c').has(4) && ids('c').has(5) && ids('u').has(1) && ids('d').has(2), {
        timeoutMs: 60_000,
        description: 'insert, update and delete events',
      });
      expect(events.find((e) => e.op === 'u')?.after).toEqual({ id: 1, note: 'uno' });
      expect(events.find((e) => e.op === 'd')?.before).toMatchObject({ id: 2 });

      // Wait for the stream's position to be committed, then kill the task: supervisor and JVM at once.
      await waitFor(
        async () => {
          const { body } = await api.get<{ offsets: { offset: Record<string, unknown> }[] }>(
            `/connectors/${name}/offsets`,
          );
          return body.offsets.some((o) => o.offset['lsn'] !== undefined && o.offset['snapshot'] === undefined);
        },
        { timeoutMs: 60_000, description: 'streaming LSN in the offsets topic' },
      );
      const [instance] = await liveInstances(stack, name);
      const pid = pidOf(stack, instance!.instanceId);
      process.kill(-pid, 'SIGKILL');
      pg.sql(`INSERT INTO public.${table} SELECT g, 'n' || g FROM generate_series(6, 25) g;`);

      await waitFor(
        async () => {
          const live = await liveInstances(stack, name);
          return live.some((i) => i.instanceId !== instance!.instanceId);
        },
        { timeoutMs: 60_000, description: 'relaunched task instance' },
      );
      await waitFor(() => Array.from({ length: 20 }, (_, i) => i + 6).every((id) => ids('c').has(id)), {
        timeoutMs: 150_000,
        description: 'rows inserted while the task was down',
      });
      await api.waitForState(name, 'RUNNING', 1, 60_000);
    } finally {
      await consumer.disconnect();
    }
    expect((await api.delete(`/connectors/${name}`)).status).toBe(204);
  }, 420_000);
});
