/**
 * Debezium 3.6.1.Final's PostgreSQL connector (a real Java plug-in from Maven Central) on the local stack,
 * against a throw-away PostgreSQL 15 with wal_level=logical: snapshot, insert/update/delete as change events in
 * Kafka, and a SIGKILL of the task (Node supervisor and JVM together) followed by the reconciler's relaunch,
 * which resumes from the LSN stored in the offsets topic without losing an event. Then the REST life-cycle as on
 * Apache 4.3.1: tasks.max, pause/resume, task restart, stop/resume, GET/PATCH/DELETE offsets while STOPPED.
 * One PostgreSQL cluster for the file; each test its own table, slot, publication and topic prefix.
 */
import { rmSync } from 'node:fs';
import { ensureTopic } from '../../lib/adapters/kafka/admin';
import { createKafka } from '../../lib/adapters/kafka/client';
import type { E2eStack } from '../e2e/helpers';
import { liveInstances, pidOf, startE2eStack, taskLogs } from '../e2e/helpers';
import { type Postgres, startPostgres } from '../services/postgres';
import { kafkaBootstrap, requireServices, staysTrue, uniqueName, waitFor } from '../services/env';
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

/** Debezium's PostgreSQL connector config for one table (its own slot, publication and topic prefix). */
const debeziumConfig = (table: string, prefix: string, tasksMax = '1'): Record<string, string> => ({
  'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
  'tasks.max': tasksMax,
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

/** Reads a change-event topic from the beginning into `events`; `ids(op)` is the set of row ids seen for `op`. */
async function watchChanges(name: string, topic: string) {
  const events: ChangeEvent[] = [];
  const kafka = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: name });
  // Debezium's producer may create it a moment later; the reader subscribes to it now.
  await ensureTopic(kafka, topic, { partitions: 1 });
  const consumer = kafka.consumer({ groupId: uniqueName('dbz-check') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value) events.push(JSON.parse(String(message.value)) as ChangeEvent);
    },
  });
  const ids = (op: ChangeEvent['op']) =>
    new Set(events.filter((e) => e.op === op).map((e) => (e.after ?? e.before)?.id));
  return { events, ids, close: () => consumer.disconnect() };
}

interface SourceOffsets {
  offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> }[];
}

describe('Debezium PostgreSQL connector in the JVM task host', () => {
  it('streams snapshot, insert, update and delete; after SIGKILL the relaunched task resumes without loss', async () => {
    const { api, stack } = e2e;
    const table = sqlName('orders');
    const prefix = sqlName('dbz');
    const name = uniqueName('debezium');
    pg.sql(`CREATE TABLE public.${table} (id int PRIMARY KEY, note text);
            INSERT INTO public.${table} VALUES (1, 'one'), (2, 'two'), (3, 'three');`);

    await api.create(name, debeziumConfig(table, prefix));
    await api.waitForState(name, 'RUNNING', 1, 150_000);

    const watch = await watchChanges(name, `${prefix}.public.${table}`);
    const { events, ids } = watch;
    try {
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
      await watch.close();
    }
    expect((await api.delete(`/connectors/${name}`)).status).toBe(204);
  }, 420_000);

  it('REST life-cycle as on Apache: tasks.max, pause/resume, task restart, stop/resume, offsets while STOPPED', async () => {
    const { api, stack } = e2e;
    const table = sqlName('items');
    const prefix = sqlName('dbzlc');
    const name = uniqueName('debezium-lc');
    const insert = (from: number, to: number): string =>
      pg.sql(`INSERT INTO public.${table} SELECT g, 'n' || g FROM generate_series(${from}, ${to}) g;`);
    const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    pg.sql(`CREATE TABLE public.${table} (id int PRIMARY KEY, note text);`);
    insert(1, 2);

    // tasks.max=3: Debezium's PostgreSQL connector reads one replication slot and returns one task config.
    await api.create(name, debeziumConfig(table, prefix, '3'));
    await api.waitForState(name, 'RUNNING', 1, 150_000);
    expect((await api.get<unknown[]>(`/connectors/${name}/tasks`)).body).toHaveLength(1);
    const watch = await watchChanges(name, `${prefix}.public.${table}`);
    const { ids } = watch;
    try {
      await waitFor(() => ids('r').has(1) && ids('r').has(2), { timeoutMs: 120_000, description: 'snapshot' });

      // Pause: nothing is delivered while PAUSED; resume delivers what changed meanwhile, nothing lost.
      expect((await api.put(`/connectors/${name}/pause`)).status).toBe(202);
      await api.waitForState(name, 'PAUSED', 1, 60_000);
      insert(3, 7);
      await staysTrue(() => ids('c').size === 0, 5_000, 'no change events while paused');
      expect((await api.put(`/connectors/${name}/resume`)).status).toBe(202);
      await api.waitForState(name, 'RUNNING', 1, 60_000);
      await waitFor(() => range(3, 7).every((id) => ids('c').has(id)), {
        timeoutMs: 60_000,
        description: 'rows inserted while paused',
      });

      // Task restart: a new task instance (a new JVM) carries on from the stored LSN.
      const [before] = await liveInstances(stack, name);
      expect((await api.post(`/connectors/${name}/tasks/0/restart`)).status).toBe(204);
      await waitFor(async () => (await liveInstances(stack, name)).some((i) => i.instanceId !== before!.instanceId), {
        timeoutMs: 60_000,
        description: 'restarted task instance',
      });
      await api.waitForState(name, 'RUNNING', 1, 120_000);
      insert(8, 9);
      await waitFor(() => ids('c').has(8) && ids('c').has(9), { timeoutMs: 120_000, description: 'after restart' });

      const streaming = await waitFor(
        async () => {
          const { body } = await api.get<SourceOffsets>(`/connectors/${name}/offsets`);
          const entry = body.offsets[0];
          return entry && entry.offset['lsn'] !== undefined && entry.offset['snapshot'] === undefined
            ? body
            : undefined;
        },
        { timeoutMs: 60_000, description: 'streaming LSN in the offsets topic' },
      );
      // Apache's body: Debezium's source partition and offset as the connector wrote them.
      expect(streaming.offsets).toHaveLength(1);
      expect(streaming.offsets[0]!.partition).toEqual({ server: prefix });
      expect(streaming.offsets[0]!.offset).toEqual(expect.objectContaining({ lsn: expect.any(Number) }));
      const notStopped = await api.delete<{ error_code: number; message: string }>(`/connectors/${name}/offsets`);
      expect(notStopped.status).toBe(400);
      expect(notStopped.body.message).toBe(
        `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
      );

      // Stop: no tasks; the offsets can be read, reset and altered; resume continues from the altered offsets.
      expect((await api.put(`/connectors/${name}/stop`)).status).toBe(204); // Apache: 204, pause and resume 202
      await api.waitForState(name, 'STOPPED', 0, 60_000);
      await waitFor(async () => (await liveInstances(stack, name)).length === 0, {
        timeoutMs: 60_000,
        description: 'task instances gone',
      });
      insert(10, 12);
      const stopped = (await api.get<SourceOffsets>(`/connectors/${name}/offsets`)).body;
      expect(stopped.offsets[0]!.partition).toEqual({ server: prefix });
      const reset = await api.delete<{ message: string }>(`/connectors/${name}/offsets`);
      expect(reset).toEqual({
        status: 200,
        body: {
          message:
            'The Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses.',
        },
      });
      expect((await api.get<SourceOffsets>(`/connectors/${name}/offsets`)).body).toEqual({ offsets: [] });
      const altered = await api.patch<{ message: string }>(`/connectors/${name}/offsets`, stopped);
      expect(altered).toEqual({
        status: 200,
        body: {
          message:
            'The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.',
        },
      });
      expect((await api.get<SourceOffsets>(`/connectors/${name}/offsets`)).body).toEqual(stopped);

      expect((await api.put(`/connectors/${name}/resume`)).status).toBe(202);
      await api.waitForState(name, 'RUNNING', 1, 150_000);
      await waitFor(() => range(10, 12).every((id) => ids('c').has(id)), {
        timeoutMs: 120_000,
        description: 'rows inserted while stopped',
      });
      // Resumed from the altered LSN: no second snapshot, every row exactly as inserted.
      expect([...ids('r')].sort((a, b) => a! - b!)).toEqual([1, 2]);
      expect([...ids('c')].sort((a, b) => a! - b!)).toEqual(range(3, 12));
    } finally {
      await watch.close();
    }
    expect((await api.delete(`/connectors/${name}`)).status).toBe(204);
  }, 600_000);
});
