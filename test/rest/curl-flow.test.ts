/**
 * The seed's curl flow, verbatim (real curl, the Apache example file), against the local HTTP server:
 *   curl -X POST -H "Content-Type: application/json" --data @sink-connector.json http://localhost:8083/connectors
 *   curl http://localhost:8083/connectors
 *   curl -X DELETE http://localhost:8083/connectors/my-connector
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import type { HttpServer } from '../../composition/http-server';
import { createTestApi, type TestApi, viaHttpServer } from './harness';

const FIXTURE = '/work/shared/fixtures/apache-config/sink-connector.json';
const run = promisify(execFile);

interface CurlReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** curl with `-i`, run in the fixture's folder so `@sink-connector.json` resolves as in the docs. */
async function curl(...args: string[]): Promise<CurlReply> {
  const { stdout } = await run('curl', ['-s', '-i', ...args], { cwd: dirname(FIXTURE) });
  const [head = '', ...rest] = stdout.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
}

describe('curl flow with Apache sink-connector.json', () => {
  let t: TestApi;
  let server: HttpServer;
  let url: string;

  beforeAll(async () => {
    t = await createTestApi();
    server = (await viaHttpServer(t.composition)).server;
    url = server.url.replace('127.0.0.1', 'localhost');
  });
  afterAll(async () => {
    await server.close();
  });

  it('creates, lists and deletes the connector', async () => {
    const request = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { name: string; config: Record<string, string> };
    expect(request.name).toBe('my-connector');

    const created = await curl(
      '-X',
      'POST',
      '-H',
      'Content-Type: application/json',
      '--data',
      '@sink-connector.json',
      `${url}/connectors`,
    );
    expect(created.status).toBe(201);
    expect(created.headers['location']).toBe(`${url}/connectors/my-connector`);
    expect(created.headers['content-type']).toBe('application/json');
    expect(JSON.parse(created.body)).toEqual({
      name: 'my-connector',
      config: { ...request.config, name: 'my-connector' },
      tasks: [],
      type: 'sink',
    });

    const list = await curl(`${url}/connectors`);
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body)).toEqual(['my-connector']);

    const deleted = await curl('-X', 'DELETE', `${url}/connectors/my-connector`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');

    expect(JSON.parse((await curl(`${url}/connectors`)).body)).toEqual([]);
  });

  it('answers curl --data without a JSON content type with 415, as Apache', async () => {
    const reply = await curl('-X', 'POST', '--data', '@sink-connector.json', `${url}/connectors`);
    expect(reply.status).toBe(415);
    expect(JSON.parse(reply.body)).toEqual({ error_code: 415, message: 'HTTP 415 Unsupported Media Type' });
  });
});
