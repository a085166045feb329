/**
 * Issue 13: the REST server of `npm start` / `connect-standalone` refuses DNS-rebinding requests (a foreign Host)
 * before anything reaches the API, binds loopback unless `listeners` says otherwise, and supports Apache's basic
 * auth extension with a JAAS file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../composition/local-stack';
import {
  allowedHostNames,
  BASIC_AUTH_EXTENSION_CLASS,
  hostOfHeader,
  jaasFileFromJvmOptions,
  parseJaasFile,
  restExtensionGuard,
} from '../../lib/rest/local-rest-security';
import { DEFAULT_LISTENER, listenersOf } from '../../lib/runtime/standalone';

interface RawReply {
  status: number;
  body: string;
}

/** node:http, because fetch does not let a caller choose the Host header (a browser under rebinding does). */
const send = (
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawReply> =>
  new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });

const connector = JSON.stringify({
  name: 'rebound',
  config: { 'connector.class': 'FileStreamSink', topics: 'rebound', file: '/dev/null' },
});

describe('local REST security (npm start stack)', () => {
  let dir: string;
  const stacks: LocalStack[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skc-rest-sec-'));
  });
  afterEach(async () => {
    for (const stack of stacks.splice(0)) await stack.close({ stopTasks: true });
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (workerProperties: Record<string, string> = {}, listeners = 'http://127.0.0.1:0') => {
    const stack = await startLocalStack({
      stateDir: join(dir, 'state'),
      bootstrapServers: '127.0.0.1:1',
      listeners,
      workerProperties,
      // No connector is ever created in these tests, so no task process starts.
      taskRunnerScript: join(dir, 'no-task-runner.js'),
    });
    stacks.push(stack);
    return stack;
  };

  it('a DNS-rebinding request (Host: attacker.example) gets a 4xx and creates nothing', async () => {
    const stack = await start();
    const port = new URL(stack.url).port;
    const rebound = await send(
      stack.url,
      'POST',
      '/connectors',
      { Host: `attacker.example:${port}`, 'Content-Type': 'application/json' },
      connector,
    );
    expect(rebound.status).toBe(421);
    expect(JSON.parse(rebound.body)).toEqual({
      error_code: 421,
      message: expect.stringContaining("Host 'attacker.example' is not a name of this Kafka Connect worker"),
    });
    const list = await send(stack.url, 'GET', '/connectors', { Host: `localhost:${port}` });
    expect(list).toEqual({ status: 200, body: '[]' });
    // the listener's own names work
    expect((await send(stack.url, 'GET', '/connector-plugins', { Host: `127.0.0.1:${port}` })).status).toBe(200);
  });

  it('basic auth through rest.extension.classes and a KafkaConnect JAAS section, as Apache configures it', async () => {
    const credentials = join(dir, 'credentials.properties');
    writeFileSync(credentials, 'admin=s3cret\n');
    const jaas = join(dir, 'connect_jaas.conf');
    writeFileSync(
      jaas,
      `KafkaConnect {\n  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n  file="${credentials}";\n};\n`,
    );
    const previous = process.env.KAFKA_OPTS;
    process.env.KAFKA_OPTS = `-Xmx1g -Djava.security.auth.login.config=${jaas}`;
    try {
      const stack = await start({ 'rest.extension.classes': BASIC_AUTH_EXTENSION_CLASS });
      const basic = (user: string, password: string) =>
        `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      const anonymous = await send(stack.url, 'POST', '/connectors', { 'Content-Type': 'application/json' }, connector);
      expect(anonymous).toEqual({ status: 401, body: 'User cannot access the resource.' });
      const wrong = await send(stack.url, 'GET', '/connectors', { Authorization: basic('admin', 'nope') });
      expect(wrong.status).toBe(401);
      const right = await send(stack.url, 'GET', '/connectors', { Authorization: basic('admin', 's3cret') });
      expect(right).toEqual({ status: 200, body: '[]' });
    } finally {
      if (previous === undefined) delete process.env.KAFKA_OPTS;
      else process.env.KAFKA_OPTS = previous;
    }
  });
});

describe('local REST security pieces', () => {
  it('Host headers are compared by host name, without port or brackets', () => {
    expect(hostOfHeader('LocalHost:8083')).toBe('localhost');
    expect(hostOfHeader('[::1]:8083')).toBe('::1');
    expect(hostOfHeader('example.com')).toBe('example.com');
    const loopback = allowedHostNames(['127.0.0.1']);
    expect([...loopback].sort()).toEqual(['127.0.0.1', '::1', 'localhost']);
    expect(allowedHostNames(['connect.internal'], 'connect.example.com').has('connect.example.com')).toBe(true);
    // every interface: this machine's names and addresses are its names too
    expect(allowedHostNames(['0.0.0.0']).size).toBeGreaterThan(3);
  });

  it('standalone binds loopback unless listeners says otherwise', () => {
    expect(listenersOf({})).toEqual([DEFAULT_LISTENER]);
    expect(DEFAULT_LISTENER).toBe('http://127.0.0.1:8083');
    expect(listenersOf({ listeners: 'http://:8083, http://10.0.0.5:8084' })).toEqual([
      'http://:8083',
      'http://10.0.0.5:8084',
    ]);
  });

  it('parses JAAS files and KAFKA_OPTS as the JVM does for this use', () => {
    const text = `/* comment */\nOther { x.Y required; };\nKafkaConnect {\n  a.B required file="/p/q r.properties" debug=true;\n};`;
    expect(parseJaasFile(text, 'KafkaConnect')).toEqual([
      { loginModule: 'a.B', flag: 'required', options: { file: '/p/q r.properties', debug: 'true' } },
    ]);
    expect(parseJaasFile(text, 'Missing')).toBeNull();
    expect(jaasFileFromJvmOptions('-Dx=1 -Djava.security.auth.login.config=/etc/jaas.conf -Xmx1g')).toBe(
      '/etc/jaas.conf',
    );
    expect(jaasFileFromJvmOptions(undefined)).toBeNull();
  });

  it('an extension or JAAS setup that cannot be honoured fails at startup, never silently open', () => {
    expect(restExtensionGuard({})).toBeNull();
    expect(() => restExtensionGuard({ 'rest.extension.classes': 'com.example.Auth' }, {})).toThrow(
      'rest.extension.classes: com.example.Auth cannot be loaded',
    );
    expect(() => restExtensionGuard({ 'rest.extension.classes': BASIC_AUTH_EXTENSION_CLASS }, {})).toThrow(
      'needs a JAAS file',
    );
  });
});
