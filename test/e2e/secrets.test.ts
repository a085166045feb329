/**
 * Issue 13 acceptance: connectors whose configs use `${secretsmanager:…}` and `${ssm::…}` (moto's Secrets
 * Manager and SSM) run, and no REST response, stored file or task log line holds a resolved secret value: the
 * API stores and returns references, the reconciler leaves them in the task configs, the task resolves them.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createKafka } from '../../lib/adapters/kafka/client';
import { ecsClientConfig, kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { type E2eStack, readLines, startE2eStack, taskLogs } from './helpers';

requireServices('kafka', 'moto');

/** Every file under `dir`, recursively, as text. */
const allFiles = (dir: string): { path: string; text: string }[] =>
  existsSync(dir)
    ? readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? allFiles(path) : [{ path, text: readFileSync(path, 'utf8') }];
      })
    : [];

describe('config providers for secrets (Secrets Manager, SSM)', () => {
  let e2e: E2eStack;
  const aws = ecsClientConfig(); // moto: endpoint, region, dummy credentials
  const secretName = uniqueName('db-creds');
  const parameterName = `/skc/${uniqueName('param')}/out`;
  // The resolved values: output file names carrying tokens that must never show up outside the task.
  const smToken = `sm-token-${uniqueName('x')}`;
  const ssmToken = `ssm-token-${uniqueName('y')}`;

  beforeAll(async () => {
    e2e = await startE2eStack({
      'config.providers': 'secretsmanager,ssm',
      'config.providers.secretsmanager.class': 'com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider',
      'config.providers.secretsmanager.param.endpoint': aws.endpoint,
      'config.providers.secretsmanager.param.region': aws.region,
      'config.providers.ssm.class': 'com.amazonaws.kafka.config.providers.SsmParamStoreConfigProvider',
      'config.providers.ssm.param.endpoint': aws.endpoint,
      'config.providers.ssm.param.region': aws.region,
    });
    const sm = new SecretsManagerClient(aws);
    const ssm = new SSMClient(aws);
    try {
      await sm.send(
        new CreateSecretCommand({
          Name: secretName,
          SecretString: JSON.stringify({ path: join(e2e.dir, `${smToken}.txt`) }),
        }),
      );
      await ssm.send(
        new PutParameterCommand({ Name: parameterName, Type: 'SecureString', Value: join(e2e.dir, `${ssmToken}.txt`) }),
      );
    } finally {
      sm.destroy();
      ssm.destroy();
    }
  }, 120_000);

  afterAll(async () => {
    await e2e?.close();
  });

  it('tasks resolve the secrets; REST responses, stored state and task logs hold only references', async () => {
    const { api, dir, stack } = e2e;
    const topic = uniqueName('secrets-topic');
    const kafka = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'secrets-admin' });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();

    const input = join(dir, 'in.txt');
    writeFileSync(input, 'one\ntwo\nthree\n');
    const source = uniqueName('secrets-source');
    const smSink = uniqueName('secrets-sm-sink');
    const ssmSink = uniqueName('secrets-ssm-sink');
    const smRef = `\${secretsmanager:${secretName}:path}`;
    const ssmRef = `\${ssm::${parameterName}}`;
    const stringConverter = {
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    };
    await api.create(source, { 'connector.class': 'FileStreamSource', topic, file: input, ...stringConverter });
    await api.create(smSink, { 'connector.class': 'FileStreamSink', topics: topic, file: smRef, ...stringConverter });
    await api.create(ssmSink, { 'connector.class': 'FileStreamSink', topics: topic, file: ssmRef, ...stringConverter });

    const smOut = join(dir, `${smToken}.txt`);
    const ssmOut = join(dir, `${ssmToken}.txt`);
    try {
      await waitFor(() => readLines(smOut).length === 3 && readLines(ssmOut).length === 3, {
        timeoutMs: 90_000,
        description: 'both sinks wrote the three lines to their secret file names',
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${taskLogs(stack)}`, { cause: error });
    }
    expect(readLines(smOut)).toEqual(['one', 'two', 'three']);

    // Every REST response about these connectors.
    const responses: string[] = [];
    const get = async (path: string) => {
      const reply = await api.get(path);
      responses.push(JSON.stringify(reply.body));
      return reply;
    };
    await get('/connectors?expand=status&expand=info');
    for (const name of [source, smSink, ssmSink]) {
      for (const suffix of ['', '/config', '/status', '/tasks', '/topics', '/offsets', '/tasks/0/status']) {
        await get(`/connectors/${encodeURIComponent(name)}${suffix}`);
      }
    }
    expect((await get(`/connectors/${smSink}/config`)).body).toMatchObject({ file: smRef });
    expect((await get(`/connectors/${ssmSink}/tasks`)).body).toEqual([
      expect.objectContaining({ config: expect.objectContaining({ file: ssmRef }) }),
    ]);
    expect((await get(`/connectors/${smSink}/tasks`)).body).toEqual([
      expect.objectContaining({ config: expect.objectContaining({ file: smRef }) }),
    ]);

    const stored = allFiles(stack.stateDir); // the file store and every task log
    expect(stored.some((f) => f.path.includes(`${join('logs', '')}`))).toBe(true);
    for (const token of [smToken, ssmToken]) {
      for (const response of responses) expect(response).not.toContain(token);
      for (const file of stored) {
        if (file.text.includes(token)) throw new Error(`${file.path} holds the resolved secret ${token}`);
      }
    }
  }, 150_000);
});
