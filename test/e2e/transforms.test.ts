/**
 * Single message transforms in the real data path: a FileStreamSource whose records pass a RegexRouter →
 * HoistField$Value → InsertField$Value chain (and a conditional Filter) on their way to a real broker, read back
 * by a FileStreamSink from the routed topic. Proves the runtime builds the chain from the connector config,
 * routes to the renamed topic and writes the transformed values.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafka } from '../../lib/adapters/kafka/client';
import { ensureTopic } from '../../lib/adapters/kafka/admin';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { readLines, useE2eStack } from './helpers';

requireServices('kafka');

const e2e = useE2eStack();

describe('transformations on the real broker', () => {
  it('FileStreamSource → RegexRouter/HoistField/InsertField (+ Filter on a predicate) → routed topic → FileStreamSink', async () => {
    const { api, dir } = e2e();
    const base = uniqueName('smt');
    const raw = `${base}-raw`;
    const routed = `${base}-clean`;
    // Created up front, as users do: the sink subscribes to the routed topic.
    const kafka = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'e2e-smt-admin' });
    await ensureTopic(kafka, routed, { partitions: 1, replicationFactor: 1 });
    const source = uniqueName('src');
    const sink = uniqueName('sink');
    const input = join(dir, `${source}.txt`);
    const output = join(dir, `${sink}.txt`);
    writeFileSync(input, 'alpha\nbeta\n');

    await api.create(source, {
      'connector.class': 'FileStreamSource',
      'tasks.max': '1',
      file: input,
      topic: raw,
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      transforms: 'route,hoist,insert,dropOthers',
      'transforms.route.type': 'RegexRouter',
      'transforms.route.regex': '(.*)-raw',
      'transforms.route.replacement': '$1-clean',
      'transforms.hoist.type': 'org.apache.kafka.connect.transforms.HoistField$Value',
      'transforms.hoist.field': 'line',
      'transforms.insert.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
      'transforms.insert.topic.field': 'topic',
      'transforms.insert.static.field': 'origin',
      'transforms.insert.static.value': 'file',
      // Drops every record that did not get routed (none here): the predicate keeps the Filter off the clean topic.
      'transforms.dropOthers.type': 'Filter',
      'transforms.dropOthers.predicate': 'isClean',
      'transforms.dropOthers.negate': 'true',
      predicates: 'isClean',
      'predicates.isClean.type': 'TopicNameMatches',
      'predicates.isClean.pattern': '.*-clean',
    });
    await api.create(sink, {
      'connector.class': 'FileStreamSink',
      'tasks.max': '1',
      file: output,
      topics: routed,
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    });
    await api.waitForState(source, 'RUNNING', 1);
    await api.waitForState(sink, 'RUNNING', 1);

    const expected = (line: string) => JSON.stringify({ line, topic: routed, origin: 'file' });
    await waitFor(() => readLines(output).length >= 2, { timeoutMs: 60_000, description: 'transformed lines' });
    appendFileSync(input, 'gamma\n');
    await waitFor(() => readLines(output).length >= 3, { timeoutMs: 30_000, description: 'appended line' });
    expect(readLines(output)).toEqual(['alpha', 'beta', 'gamma'].map(expected));

    for (const name of [source, sink]) expect((await api.delete(`/connectors/${name}`)).status).toBe(204);
  });
});
