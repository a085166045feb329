/**
 * 50 concurrent `PUT /connectors/x/config` with different values through one transport: none may fail with a
 * 5xx, each gets its own version (versions strictly increase: final = created + 50), the final config is one of
 * the values written, and the ConnectorInfo each writer got back is its own config (nothing lost).
 */
import type { ConfigStore } from '../../lib/storage/ports';
import type { Call } from './harness';

export async function fiftyConcurrentPuts(call: Call, configStore: ConfigStore, name: string): Promise<void> {
  const base = { 'connector.class': 'FileStreamSink', topics: 'concurrency', file: '/tmp/concurrency.txt' };
  const created = await call('PUT', `/connectors/${name}/config`, { body: { ...base, 'tasks.max': '1' } });
  expect(created.status).toBe(201);
  const initialVersion = (await configStore.get(name))!.version;

  const values = Array.from({ length: 50 }, (_, i) => `value-${i}`);
  const replies = await Promise.all(
    values.map((value) =>
      call('PUT', `/connectors/${name}/config`, { body: { ...base, 'tasks.max': '1', 'test.value': value } }),
    ),
  );
  expect(replies.map((r) => r.status)).toEqual(values.map(() => 200));
  replies.forEach((reply, i) =>
    expect((reply.body as { config: Record<string, string> }).config['test.value']).toBe(values[i]),
  );

  const final = (await configStore.get(name))!;
  expect(final.version).toBe(initialVersion + values.length);
  expect(values).toContain(final.config['test.value']);
  const viaApi = await call('GET', `/connectors/${name}/config`);
  expect(viaApi.body).toEqual(final.config);
}
