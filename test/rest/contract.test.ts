/**
 * Table-driven contract of every route: status codes, bodies, Apache's messages and Location headers, run in
 * order against one fresh API per transport — the Lambda handler with API Gateway v1 and v2 events, and the
 * local HTTP server. Expected values come from Apache Kafka Connect 4.3.1 (test/fixtures/apache-rest) except
 * where we deliberately answer 400/413 instead of Apache's 500 for bad input.
 */
import type { HttpServer } from '../../composition/http-server';
import { type Call, createTestApi, type TestApi, viaHttpServer, viaLambdaV1, viaLambdaV2 } from './harness';
import { converge, type Converged } from './reconciler-stub';

interface Step {
  name: string;
  /** request JSON body */
  send?: unknown;
  raw?: string;
  contentType?: string | null;
  method: string;
  path: string;
  /** reconciler work to simulate before the call */
  converge?: [string, Converged?];
  status: number;
  /** exact body */
  body?: unknown;
  /** partial body */
  like?: unknown;
  /** exact error message (also checks error_code = status) */
  message?: string;
  /** error message prefix */
  messageStarts?: string;
  /** Location path after the base URL */
  location?: string;
}

const SRC = { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: '/tmp/in.txt', topic: 'cap-test' };
const SINK = { 'connector.class': 'FileStreamSink', 'tasks.max': '2', file: '/tmp/out.txt', topics: 'cap-test' };
const WEIRD = 'cap sink/ü&?';
const WEIRD_PATH = encodeURIComponent(WEIRD);
const STOP_FIRST = (c: string): string =>
  `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${c}/stop' endpoint`;

const steps: Step[] = [
  {
    name: 'server info',
    method: 'GET',
    path: '/',
    status: 200,
    body: { version: '4.3.1', commit: 'test', kafka_cluster_id: null },
  },
  {
    name: 'health',
    method: 'GET',
    path: '/health',
    status: 200,
    body: { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' },
  },
  { name: 'empty list', method: 'GET', path: '/connectors', status: 200, body: [] },
  // ---- unknown connector ----
  { name: 'get unknown', method: 'GET', path: '/connectors/nope', status: 404, message: 'Connector nope not found' },
  {
    name: 'config unknown',
    method: 'GET',
    path: '/connectors/nope/config',
    status: 404,
    message: 'Connector nope not found',
  },
  {
    name: 'status unknown',
    method: 'GET',
    path: '/connectors/nope/status',
    status: 404,
    message: 'No status found for connector nope',
  },
  {
    name: 'tasks unknown',
    method: 'GET',
    path: '/connectors/nope/tasks',
    status: 404,
    message: 'Connector nope not found',
  },
  {
    name: 'task status unknown',
    method: 'GET',
    path: '/connectors/nope/tasks/0/status',
    status: 404,
    message: 'No status found for task nope-0',
  },
  {
    name: 'restart unknown',
    method: 'POST',
    path: '/connectors/nope/restart',
    status: 404,
    message: 'Unknown connector: nope',
  },
  {
    name: 'restart tasks unknown',
    method: 'POST',
    path: '/connectors/nope/restart?includeTasks=true&onlyFailed=false',
    status: 404,
    message: 'Unknown connector: nope',
  },
  {
    name: 'task restart unknown',
    method: 'POST',
    path: '/connectors/nope/tasks/0/restart',
    status: 404,
    message: 'Unknown connector: nope',
  },
  {
    name: 'pause unknown',
    method: 'PUT',
    path: '/connectors/nope/pause',
    status: 404,
    message: 'Unknown connector nope',
  },
  {
    name: 'resume unknown',
    method: 'PUT',
    path: '/connectors/nope/resume',
    status: 404,
    message: 'Unknown connector nope',
  },
  {
    name: 'stop unknown',
    method: 'PUT',
    path: '/connectors/nope/stop',
    status: 404,
    message: 'Unknown connector nope',
  },
  {
    name: 'delete unknown',
    method: 'DELETE',
    path: '/connectors/nope',
    status: 404,
    message: 'Connector nope not found',
  },
  {
    name: 'offsets unknown',
    method: 'GET',
    path: '/connectors/nope/offsets',
    status: 404,
    message: 'Connector nope not found',
  },
  {
    name: 'reset offsets unknown',
    method: 'DELETE',
    path: '/connectors/nope/offsets',
    status: 404,
    message: 'Connector nope not found',
  },
  {
    name: 'alter offsets unknown',
    method: 'PATCH',
    path: '/connectors/nope/offsets',
    send: { offsets: [{ partition: { filename: 'x' }, offset: { position: 1 } }] },
    status: 404,
    message: 'Connector nope not found',
  },
  {
    name: 'topics unknown (no existence check)',
    method: 'GET',
    path: '/connectors/nope/topics',
    status: 200,
    body: { nope: { topics: [] } },
  },
  { name: 'topics reset unknown', method: 'PUT', path: '/connectors/nope/topics/reset', status: 202, body: null },
  {
    name: 'patch unknown',
    method: 'PATCH',
    path: '/connectors/nope/config',
    send: { 'tasks.max': '2' },
    status: 404,
    message: 'Connector nope not found',
  },
  // ---- create ----
  {
    name: 'create source',
    method: 'POST',
    path: '/connectors',
    send: { name: 'cap-src', config: SRC },
    status: 201,
    location: '/connectors/cap-src',
    like: { name: 'cap-src', config: { ...SRC, name: 'cap-src' }, tasks: [], type: 'source' },
  },
  {
    name: 'create duplicate',
    method: 'POST',
    path: '/connectors',
    send: { name: 'cap-src', config: SRC },
    status: 409,
    message: 'Connector cap-src already exists',
  },
  {
    name: 'create with a name needing encoding',
    method: 'POST',
    path: '/connectors',
    send: { name: WEIRD, config: SINK },
    status: 201,
    location: '/connectors/cap%20sink%2F%C3%BC&%3F',
    body: { name: WEIRD, config: { ...SINK, name: WEIRD }, tasks: [], type: 'sink' },
  },
  {
    name: 'create trims the name',
    method: 'POST',
    path: '/connectors',
    send: { name: '  cap-trim  ', config: { ...SRC, file: '/tmp/in2.txt' } },
    status: 201,
    location: '/connectors/cap-trim',
    like: { name: 'cap-trim', config: { name: 'cap-trim' } },
  },
  {
    name: 'create empty name',
    method: 'POST',
    path: '/connectors',
    send: { name: '', config: SRC },
    status: 400,
    message:
      'Connector configuration is invalid and contains the following 1 error(s):\nInvalid value  for configuration name: String may not be empty\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
  },
  {
    name: 'create without name',
    method: 'POST',
    path: '/connectors',
    send: { config: SRC },
    status: 400,
    messageStarts:
      'Connector configuration is invalid and contains the following 1 error(s):\nInvalid value  for configuration name: String may not be empty',
  },
  {
    name: 'create control-char name',
    method: 'POST',
    path: '/connectors',
    send: { name: 'a\nb', config: SRC },
    status: 400,
    messageStarts:
      'Connector configuration is invalid and contains the following 1 error(s):\nInvalid value a\nb for configuration name: String may not contain control sequences but had the following ASCII chars: 10',
  },
  {
    name: 'create name mismatch',
    method: 'POST',
    path: '/connectors',
    send: { name: 'mismatch', config: { ...SRC, name: 'other' } },
    status: 400,
    message: "Connector name configuration (other) doesn't match connector name in the URL (mismatch)",
  },
  {
    name: 'create without connector.class',
    method: 'POST',
    path: '/connectors',
    send: { name: 'noclass', config: { 'tasks.max': '1' } },
    status: 400,
    message: 'Connector config {name=noclass, tasks.max=1} contains no connector type',
  },
  {
    name: 'create unknown class (400 as Apache 4.3.1)',
    method: 'POST',
    path: '/connectors',
    send: { name: 'badclass', config: { 'connector.class': 'com.example.Nope' } },
    status: 400,
    messageStarts:
      "Failed to find any class that implements Connector and which name matches com.example.Nope, available connectors are: PluginDesc{klass=class org.apache.kafka.connect.file.FileStreamSinkConnector, name='org.apache.kafka.connect.file.FileStreamSinkConnector', version='4.3.1'",
  },
  {
    name: 'create invalid config',
    method: 'POST',
    path: '/connectors',
    send: { name: 'invalid', config: { ...SRC, 'tasks.max': '0' } },
    status: 400,
    message:
      'Connector configuration is invalid and contains the following 1 error(s):\nInvalid value 0 for configuration tasks.max: Value must be at least 1\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
  },
  {
    name: 'create without config object (Apache: 500)',
    method: 'POST',
    path: '/connectors',
    send: { name: 'nocfg' },
    status: 400,
    messageStarts: 'Invalid request body: config',
  },
  {
    name: 'create malformed JSON (Apache: 500)',
    method: 'POST',
    path: '/connectors',
    raw: '{not json',
    status: 400,
    messageStarts: 'Malformed JSON in request body',
  },
  {
    name: 'create array body (Apache: 500)',
    method: 'POST',
    path: '/connectors',
    raw: '[]',
    status: 400,
    messageStarts: 'Invalid request body',
  },
  {
    name: 'create empty body',
    method: 'POST',
    path: '/connectors',
    raw: '',
    status: 400,
    messageStarts: 'Request body is empty',
  },
  {
    name: 'create with text/plain',
    method: 'POST',
    path: '/connectors',
    send: { name: 'x', config: SRC },
    contentType: 'text/plain',
    status: 415,
    message: 'HTTP 415 Unsupported Media Type',
  },
  {
    name: 'create without content type',
    method: 'POST',
    path: '/connectors',
    raw: '{}',
    contentType: null,
    status: 415,
    message: 'HTTP 415 Unsupported Media Type',
  },
  {
    name: 'create with non-string values',
    method: 'POST',
    path: '/connectors',
    send: { name: 'x', config: { 'connector.class': 'FileStreamSource', topic: 't', 'tasks.max': 1 } },
    contentType: 'application/json; charset=utf-8',
    status: 201,
    location: '/connectors/x',
    body: {
      name: 'x',
      config: { 'connector.class': 'FileStreamSource', topic: 't', 'tasks.max': '1', name: 'x' },
      tasks: [],
      type: 'source',
    },
  },
  {
    name: 'create with an object value',
    method: 'POST',
    path: '/connectors',
    send: { name: 'obj', config: { 'connector.class': 'FileStreamSource', topic: { a: 1 } } },
    status: 400,
    messageStarts: 'Invalid request body: config.topic',
  },
  {
    name: 'create PAUSED',
    method: 'POST',
    path: '/connectors',
    send: { name: 'cap-paused', config: { ...SRC, file: '/tmp/in3.txt' }, initial_state: 'PAUSED' },
    status: 201,
    location: '/connectors/cap-paused',
    like: { name: 'cap-paused', tasks: [] },
  },
  {
    name: 'create STOPPED (case-insensitive)',
    method: 'POST',
    path: '/connectors',
    send: { name: 'cap-stopped', config: { ...SRC, file: '/tmp/in4.txt' }, initial_state: 'stopped' },
    status: 201,
    location: '/connectors/cap-stopped',
  },
  {
    name: 'create bad initial_state (Apache: 500)',
    method: 'POST',
    path: '/connectors',
    send: { name: 'cap-bad-state', config: SRC, initial_state: 'FOO' },
    status: 400,
    messageStarts: 'Invalid initial_state FOO',
  },
  {
    name: 'create unknown field (Apache: 500)',
    method: 'POST',
    path: '/connectors',
    send: { name: 'cap-unknown-field', config: SRC, foo: 1 },
    status: 400,
    message: 'Invalid request body: Unrecognized field "foo" (not marked as ignorable)',
  },
  // ---- PUT / PATCH config ----
  {
    name: 'put creates',
    method: 'PUT',
    path: '/connectors/cap-put/config',
    send: SINK,
    status: 201,
    location: '/connectors/cap-put',
    body: { name: 'cap-put', config: { ...SINK, name: 'cap-put' }, tasks: [], type: 'sink' },
  },
  {
    name: 'put updates',
    method: 'PUT',
    path: '/connectors/cap-put/config',
    converge: ['cap-put', { tasks: 2 }],
    send: { ...SINK, 'tasks.max': '1' },
    status: 200,
    body: {
      name: 'cap-put',
      config: { ...SINK, 'tasks.max': '1', name: 'cap-put' },
      tasks: [
        { connector: 'cap-put', task: 0 },
        { connector: 'cap-put', task: 1 },
      ],
      type: 'sink',
    },
  },
  {
    name: 'put name mismatch',
    method: 'PUT',
    path: '/connectors/cap-put/config',
    send: { ...SINK, name: 'zzz' },
    status: 400,
    message: "Connector name configuration (zzz) doesn't match connector name in the URL (cap-put)",
  },
  {
    name: 'put invalid',
    method: 'PUT',
    path: '/connectors/cap-put2/config',
    send: { ...SINK, 'tasks.max': 'abc' },
    status: 400,
    messageStarts: 'Connector configuration is invalid and contains the following',
  },
  {
    name: 'put null value',
    method: 'PUT',
    path: '/connectors/cap-put2/config',
    send: { ...SINK, file: null },
    status: 400,
    message:
      'Connector configuration is invalid and contains the following 1 error(s):\nNull value can not be supplied as the configuration value.\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
  },
  {
    name: 'put array body',
    method: 'PUT',
    path: '/connectors/cap-put2/config',
    raw: '["a"]',
    status: 400,
    messageStarts: 'Invalid request body',
  },
  {
    name: 'patch removes a key',
    method: 'PATCH',
    path: '/connectors/cap-put/config',
    converge: ['cap-put', { tasks: 1 }],
    send: { 'tasks.max': '2', file: null },
    status: 200,
    body: {
      name: 'cap-put',
      config: { 'connector.class': 'FileStreamSink', 'tasks.max': '2', topics: 'cap-test', name: 'cap-put' },
      tasks: [{ connector: 'cap-put', task: 0 }],
      type: 'sink',
    },
  },
  {
    name: 'patch to an invalid config',
    method: 'PATCH',
    path: '/connectors/cap-put/config',
    send: { 'tasks.max': '0' },
    status: 400,
    messageStarts:
      'Connector configuration is invalid and contains the following 1 error(s):\nInvalid value 0 for configuration tasks.max',
  },
  // ---- reads with status (the reconciler has run) ----
  {
    name: 'list',
    method: 'GET',
    path: '/connectors',
    converge: ['cap-src'],
    status: 200,
    like: expect.arrayContaining(['cap-src', WEIRD, 'cap-trim', 'x', 'cap-paused', 'cap-stopped', 'cap-put']),
  },
  {
    name: 'expand=status',
    method: 'GET',
    path: '/connectors?expand=status',
    converge: ['cap-paused'],
    status: 200,
    like: {
      'cap-src': {
        status: {
          name: 'cap-src',
          connector: { state: 'RUNNING', worker_id: 'reconciler', version: '4.3.1' },
          tasks: [{ id: 0, state: 'RUNNING', worker_id: 'task-0' }],
          type: 'source',
        },
      },
      'cap-paused': { status: { connector: { state: 'PAUSED' } } },
    },
  },
  {
    name: 'expand=info',
    method: 'GET',
    path: '/connectors?expand=info',
    status: 200,
    like: {
      'cap-src': { info: { name: 'cap-src', tasks: [{ connector: 'cap-src', task: 0 }], type: 'source' } },
      'cap-trim': { info: { name: 'cap-trim' } },
    },
  },
  {
    name: 'expand=status&expand=info',
    method: 'GET',
    path: '/connectors?expand=status&expand=info',
    status: 200,
    like: { 'cap-src': { status: { name: 'cap-src' }, info: { name: 'cap-src' } } },
  },
  {
    name: 'expand=bogus',
    method: 'GET',
    path: '/connectors?expand=bogus',
    status: 200,
    like: { 'cap-src': {}, [WEIRD]: {}, x: {} },
  },
  {
    name: 'get info',
    method: 'GET',
    path: '/connectors/cap-src',
    status: 200,
    body: {
      name: 'cap-src',
      config: { ...SRC, name: 'cap-src' },
      tasks: [{ connector: 'cap-src', task: 0 }],
      type: 'source',
    },
  },
  {
    name: 'get config',
    method: 'GET',
    path: '/connectors/cap-src/config',
    status: 200,
    body: { ...SRC, name: 'cap-src' },
  },
  {
    name: 'status',
    method: 'GET',
    path: '/connectors/cap-src/status',
    status: 200,
    body: {
      name: 'cap-src',
      connector: { state: 'RUNNING', worker_id: 'reconciler', version: '4.3.1' },
      tasks: [{ id: 0, state: 'RUNNING', worker_id: 'task-0', version: '4.3.1' }],
      type: 'source',
    },
  },
  {
    name: 'status before the reconciler ran',
    method: 'GET',
    path: '/connectors/cap-trim/status',
    status: 404,
    message: 'No status found for connector cap-trim',
  },
  {
    name: 'tasks',
    method: 'GET',
    path: '/connectors/cap-src/tasks',
    status: 200,
    body: [{ id: { connector: 'cap-src', task: 0 }, config: { ...SRC, name: 'cap-src', 'task.class': 'TestTask' } }],
  },
  {
    name: 'task status',
    method: 'GET',
    path: '/connectors/cap-src/tasks/0/status',
    status: 200,
    body: { id: 0, state: 'RUNNING', worker_id: 'task-0', version: '4.3.1' },
  },
  {
    name: 'task status unknown task',
    method: 'GET',
    path: '/connectors/cap-src/tasks/5/status',
    status: 404,
    message: 'No status found for task cap-src-5',
  },
  {
    name: 'task status non-int',
    method: 'GET',
    path: '/connectors/cap-src/tasks/abc/status',
    status: 404,
    message: 'HTTP 404 Not Found',
  },
  {
    name: 'encoded name (Apache: 400 ambiguous path)',
    method: 'GET',
    path: `/connectors/${WEIRD_PATH}`,
    status: 200,
    like: { name: WEIRD, type: 'sink' },
  },
  {
    name: 'encoded name config',
    method: 'GET',
    path: `/connectors/${WEIRD_PATH}/config`,
    status: 200,
    like: { name: WEIRD },
  },
  {
    name: 'paused status',
    method: 'GET',
    path: '/connectors/cap-paused/status',
    status: 200,
    like: { connector: { state: 'PAUSED' } },
  },
  {
    name: 'stopped status',
    method: 'GET',
    path: '/connectors/cap-stopped/status',
    converge: ['cap-stopped'],
    status: 200,
    body: {
      name: 'cap-stopped',
      connector: { state: 'STOPPED', worker_id: 'reconciler', version: '4.3.1' },
      tasks: [],
      type: 'source',
    },
  },
  { name: 'stopped tasks', method: 'GET', path: '/connectors/cap-stopped/tasks', status: 200, body: [] },
  // ---- offsets while running ----
  {
    name: 'offsets of a running source',
    method: 'GET',
    path: '/connectors/cap-src/offsets',
    status: 200,
    body: { offsets: [] },
  },
  {
    name: 'reset offsets while running',
    method: 'DELETE',
    path: '/connectors/cap-src/offsets',
    status: 400,
    message: STOP_FIRST('cap-src'),
  },
  {
    name: 'alter offsets while running',
    method: 'PATCH',
    path: '/connectors/cap-src/offsets',
    send: { offsets: [{ partition: { filename: '/tmp/in.txt' }, offset: { position: 1 } }] },
    status: 400,
    message: STOP_FIRST('cap-src'),
  },
  // ---- restart ----
  { name: 'restart connector only', method: 'POST', path: '/connectors/cap-src/restart', status: 204, body: null },
  {
    name: 'restart with tasks',
    method: 'POST',
    path: '/connectors/cap-src/restart?includeTasks=true',
    status: 202,
    body: {
      name: 'cap-src',
      connector: { state: 'RESTARTING', worker_id: 'reconciler', version: '4.3.1' },
      tasks: [{ id: 0, state: 'RESTARTING', worker_id: 'task-0', version: '4.3.1' }],
      type: 'source',
    },
  },
  {
    name: 'restart only failed (none failed)',
    method: 'POST',
    path: '/connectors/cap-src/restart?includeTasks=true&onlyFailed=true',
    status: 202,
    like: { connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING' }] },
  },
  {
    name: 'restart only failed tasks',
    method: 'POST',
    path: '/connectors/cap-put/restart?includeTasks=TRUE&onlyFailed=true',
    converge: ['cap-put', { tasks: 2, taskState: 'FAILED' }],
    status: 202,
    like: {
      connector: { state: 'RUNNING' },
      tasks: [
        { id: 0, state: 'RESTARTING' },
        { id: 1, state: 'RESTARTING' },
      ],
    },
  },
  {
    name: 'restart with a bad boolean',
    method: 'POST',
    path: '/connectors/cap-src/restart?includeTasks=abc',
    status: 204,
    body: null,
  },
  {
    name: 'restart before any status',
    method: 'POST',
    path: '/connectors/cap-trim/restart?includeTasks=true',
    status: 404,
    message: 'Status for connector cap-trim not found',
  },
  { name: 'task restart', method: 'POST', path: '/connectors/cap-src/tasks/0/restart', status: 204, body: null },
  {
    name: 'task restart unknown task',
    method: 'POST',
    path: '/connectors/cap-src/tasks/9/restart',
    status: 404,
    message: 'Unknown task: cap-src-9',
  },
  // ---- pause / resume / stop ----
  { name: 'pause', method: 'PUT', path: '/connectors/cap-src/pause', status: 202, body: null },
  { name: 'pause again', method: 'PUT', path: '/connectors/cap-src/pause', status: 202, body: null },
  {
    name: 'after pause',
    method: 'GET',
    path: '/connectors/cap-src/status',
    converge: ['cap-src'],
    status: 200,
    like: { connector: { state: 'PAUSED' }, tasks: [{ state: 'PAUSED' }] },
  },
  { name: 'resume', method: 'PUT', path: '/connectors/cap-src/resume', status: 202, body: null },
  { name: 'stop', method: 'PUT', path: '/connectors/cap-src/stop', status: 204, body: null },
  { name: 'tasks after stop', method: 'GET', path: '/connectors/cap-src/tasks', status: 200, body: [] },
  {
    name: 'info after stop',
    method: 'GET',
    path: '/connectors/cap-src',
    status: 200,
    like: { name: 'cap-src', tasks: [] },
  },
  // ---- offsets while stopped ----
  {
    name: 'offsets of a stopped source',
    method: 'GET',
    path: '/connectors/cap-src/offsets',
    converge: ['cap-src'],
    status: 200,
    body: { offsets: [] },
  },
  {
    name: 'alter offsets: empty body',
    method: 'PATCH',
    path: '/connectors/cap-src/offsets',
    send: {},
    status: 400,
    message: 'Partitions / offsets need to be provided for an alter offsets request',
  },
  {
    name: 'alter offsets: empty list',
    method: 'PATCH',
    path: '/connectors/cap-src/offsets',
    send: { offsets: [] },
    status: 400,
    message: 'Partitions / offsets need to be provided for an alter offsets request',
  },
  {
    name: 'alter offsets: unknown field (Apache: 500)',
    method: 'PATCH',
    path: '/connectors/cap-src/offsets',
    send: { key: [] },
    status: 400,
    messageStarts: 'Invalid request body: Unrecognized field "key"',
  },
  {
    name: 'alter offsets: offsets not a list (Apache: 500)',
    method: 'PATCH',
    path: '/connectors/cap-src/offsets',
    send: { offsets: {} },
    status: 400,
    messageStarts: 'Invalid request body: offsets',
  },
  {
    name: 'alter offsets: connector rejects them (Apache: 500)',
    method: 'PATCH',
    path: '/connectors/cap-src/offsets',
    send: { offsets: [{ partition: { filename: '/tmp/in.txt' }, offset: { position: -1 } }] },
    status: 400,
    message: "The value for the 'position' key in the offset should be a non-negative value",
  },
  {
    name: 'alter source offsets',
    method: 'PATCH',
    path: '/connectors/cap-src/offsets',
    send: { offsets: [{ partition: { filename: '/tmp/in.txt' }, offset: { position: 5 } }] },
    status: 200,
    body: { message: 'The offsets for this connector have been altered successfully' },
  },
  {
    name: 'source offsets after alter',
    method: 'GET',
    path: '/connectors/cap-src/offsets',
    status: 200,
    body: { offsets: [{ partition: { filename: '/tmp/in.txt' }, offset: { position: 5 } }] },
  },
  {
    name: 'reset source offsets',
    method: 'DELETE',
    path: '/connectors/cap-src/offsets',
    status: 200,
    body: { message: 'The offsets for this connector have been reset successfully' },
  },
  {
    name: 'source offsets after reset',
    method: 'GET',
    path: '/connectors/cap-src/offsets',
    status: 200,
    body: { offsets: [] },
  },
  { name: 'stop sink', method: 'PUT', path: '/connectors/cap-put/stop', status: 204, body: null },
  {
    name: 'alter sink offsets',
    method: 'PATCH',
    path: '/connectors/cap-put/offsets',
    converge: ['cap-put'],
    send: { offsets: [{ partition: { kafka_topic: 'cap-test', kafka_partition: 0 }, offset: { kafka_offset: 3 } }] },
    status: 200,
    body: { message: 'The offsets for this connector have been altered successfully' },
  },
  {
    name: 'alter sink offsets: partition keys',
    method: 'PATCH',
    path: '/connectors/cap-put/offsets',
    send: { offsets: [{ partition: { kafka_topic: 'cap-test' }, offset: { kafka_offset: 3 } }] },
    status: 400,
    message: "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'",
  },
  {
    name: 'alter sink offsets: missing partition',
    method: 'PATCH',
    path: '/connectors/cap-put/offsets',
    send: { offsets: [{}] },
    status: 400,
    message: 'The partition for a sink connector offset cannot be null or missing',
  },
  {
    name: 'alter sink offsets: bad partition number',
    method: 'PATCH',
    path: '/connectors/cap-put/offsets',
    send: { offsets: [{ partition: { kafka_topic: 'test', kafka_partition: 'not a number' }, offset: null }] },
    status: 400,
    message:
      "Failed to parse the following Kafka partition value in the provided offsets: 'not a number'. Partition values for sink connectors need to be integers.",
  },
  {
    name: 'alter sink offsets: offset without kafka_offset',
    method: 'PATCH',
    path: '/connectors/cap-put/offsets',
    send: { offsets: [{ partition: { kafka_topic: 'test', kafka_partition: 1 }, offset: {} }] },
    status: 400,
    message: "The offset for a sink connector should either be null or contain the key 'kafka_offset'",
  },
  {
    name: 'alter sink offsets: bad offset number',
    method: 'PATCH',
    path: '/connectors/cap-put/offsets',
    send: {
      offsets: [{ partition: { kafka_topic: 'test', kafka_partition: 1 }, offset: { kafka_offset: 'not a number' } }],
    },
    status: 400,
    message:
      "Failed to parse the following Kafka offset value in the provided offsets: 'not a number'. Offset values for sink connectors need to be integers.",
  },
  {
    name: 'sink offsets after alter',
    method: 'GET',
    path: '/connectors/cap-put/offsets',
    status: 200,
    body: { offsets: [{ partition: { kafka_partition: 0, kafka_topic: 'cap-test' }, offset: { kafka_offset: 3 } }] },
  },
  {
    name: 'reset sink offsets',
    method: 'DELETE',
    path: '/connectors/cap-put/offsets',
    status: 200,
    body: { message: 'The offsets for this connector have been reset successfully' },
  },
  {
    name: 'sink offsets after reset',
    method: 'GET',
    path: '/connectors/cap-put/offsets',
    status: 200,
    body: { offsets: [] },
  },
  { name: 'resume from stopped', method: 'PUT', path: '/connectors/cap-src/resume', status: 202, body: null },
  // ---- topics ----
  {
    name: 'active topics',
    method: 'GET',
    path: '/connectors/cap-src/topics',
    status: 200,
    body: { 'cap-src': { topics: [] } },
  },
  { name: 'reset active topics', method: 'PUT', path: '/connectors/cap-src/topics/reset', status: 202, body: null },
  // ---- connector plugins ----
  {
    name: 'connector plugins',
    method: 'GET',
    path: '/connector-plugins',
    status: 200,
    body: [
      { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink', version: '4.3.1' },
      // the native S3 sink (docs/s3-sink.md), built in like FileStream
      { class: 'serverless.kafka.connect.s3.S3SinkConnector', type: 'sink', version: '4.3.1' },
      { class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', type: 'source', version: '4.3.1' },
    ],
  },
  {
    name: 'all plugins',
    method: 'GET',
    path: '/connector-plugins?connectorsOnly=false',
    status: 200,
    like: expect.arrayContaining([
      { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink', version: '4.3.1' },
    ]),
  },
  {
    name: 'plugin config',
    method: 'GET',
    path: '/connector-plugins/FileStreamSource/config',
    status: 200,
    like: expect.arrayContaining([
      {
        name: 'file',
        type: 'STRING',
        required: false,
        default_value: null,
        importance: 'HIGH',
        documentation: 'Source filename. If not specified, the standard input will be used',
        group: null,
        order_in_group: -1,
        width: 'NONE',
        display_name: 'file',
        dependents: [],
      },
      expect.objectContaining({ name: 'connector.class' }),
    ]),
  },
  {
    name: 'plugin config by full class name',
    method: 'GET',
    path: '/connector-plugins/FileStreamSinkConnector/config',
    status: 200,
    like: expect.arrayContaining([expect.objectContaining({ name: 'file' })]),
  },
  {
    name: 'plugin config unknown',
    method: 'GET',
    path: '/connector-plugins/Nope/config',
    status: 404,
    message: 'Unknown plugin Nope.',
  },
  {
    name: 'validate',
    method: 'PUT',
    path: '/connector-plugins/FileStreamSource/config/validate',
    send: { 'connector.class': 'FileStreamSource', 'tasks.max': '0', topic: 't' },
    status: 200,
    like: {
      name: 'FileStreamSource',
      error_count: 2,
      configs: expect.arrayContaining([
        expect.objectContaining({
          value: expect.objectContaining({
            name: 'tasks.max',
            errors: ['Invalid value 0 for configuration tasks.max: Value must be at least 1'],
          }),
        }),
      ]),
    },
  },
  {
    name: 'validate type mismatch',
    method: 'PUT',
    path: '/connector-plugins/FileStreamSource/config/validate',
    send: { 'connector.class': 'FileStreamSink' },
    status: 400,
    message: 'Included connector type FileStreamSink does not match request type FileStreamSource',
  },
  {
    name: 'validate without connector.class (Apache: 500)',
    method: 'PUT',
    path: '/connector-plugins/FileStreamSource/config/validate',
    send: { topic: 'x' },
    status: 400,
    message: 'Connector config {topic=x} contains no connector type',
  },
  // ---- admin loggers ----
  {
    name: 'loggers',
    method: 'GET',
    path: '/admin/loggers',
    status: 200,
    body: { root: { level: 'INFO', last_modified: null } },
  },
  {
    name: 'root logger',
    method: 'GET',
    path: '/admin/loggers/root',
    status: 200,
    body: { level: 'INFO', last_modified: null },
  },
  {
    name: 'unknown logger',
    method: 'GET',
    path: '/admin/loggers/org.nope.Foo',
    status: 404,
    message: 'Logger org.nope.Foo not found.',
  },
  {
    name: 'set logger',
    method: 'PUT',
    path: '/admin/loggers/org.apache.kafka.connect',
    send: { level: 'DEBUG' },
    status: 200,
    body: ['org.apache.kafka.connect'],
  },
  {
    name: 'set logger without level',
    method: 'PUT',
    path: '/admin/loggers/org.apache.kafka.connect',
    send: {},
    status: 400,
    message: "Desired 'level' parameter was not specified in request.",
  },
  {
    name: 'set logger bad level',
    method: 'PUT',
    path: '/admin/loggers/org.apache.kafka.connect',
    send: { level: 'FOO' },
    status: 404,
    message: "invalid log level 'FOO'.",
  },
  {
    name: 'set logger cluster scope',
    method: 'PUT',
    path: '/admin/loggers/org.apache.kafka.connect?scope=cluster',
    send: { level: 'INFO' },
    status: 204,
    body: null,
  },
  {
    name: 'loggers after set',
    method: 'GET',
    path: '/admin/loggers',
    status: 200,
    like: {
      'org.apache.kafka.connect': { level: 'INFO', last_modified: expect.any(Number) },
      root: { level: 'INFO', last_modified: null },
    },
  },
  // ---- routing ----
  {
    name: 'removed tasks-config endpoint',
    method: 'GET',
    path: '/connectors/cap-src/tasks-config',
    status: 404,
    message: 'HTTP 404 Not Found',
  },
  { name: 'unknown path', method: 'GET', path: '/nope', status: 404, message: 'HTTP 404 Not Found' },
  { name: 'wrong method', method: 'DELETE', path: '/connectors', status: 405, message: 'HTTP 405 Method Not Allowed' },
  { name: 'HEAD is GET without a body', method: 'HEAD', path: '/connectors', status: 200, body: null },
  {
    name: 'trailing slash',
    method: 'GET',
    path: '/connectors/',
    status: 200,
    like: expect.arrayContaining(['cap-src']),
  },
  {
    name: 'body over 1 MB (Apache: 500)',
    method: 'PUT',
    path: '/connectors/cap-put/config',
    raw: JSON.stringify({ big: 'x'.repeat(1024 * 1024) }),
    status: 413,
    message: 'Request body is larger than 1048576 bytes',
  },
  { name: 'openapi document', method: 'GET', path: '/openapi.json', status: 200, like: { openapi: '3.0.3' } },
  // ---- delete ----
  { name: 'delete', method: 'DELETE', path: '/connectors/cap-src', status: 204, body: null },
  {
    name: 'delete again',
    method: 'DELETE',
    path: '/connectors/cap-src',
    status: 404,
    message: 'Connector cap-src not found',
  },
  {
    name: 'offsets after delete',
    method: 'GET',
    path: '/connectors/cap-src/offsets',
    status: 404,
    message: 'Connector cap-src not found',
  },
  {
    name: 'status after delete',
    method: 'GET',
    path: '/connectors/cap-src/status',
    status: 404,
    message: 'No status found for connector cap-src',
  },
  { name: 'delete encoded name', method: 'DELETE', path: `/connectors/${WEIRD_PATH}`, status: 204, body: null },
];

type Transport = {
  name: string;
  base: () => string;
  start: (t: TestApi) => Promise<{ call: Call; server?: HttpServer }>;
};

const transports: Transport[] = [
  {
    name: 'Lambda handler, API Gateway REST (v1) events',
    base: () => 'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
    start: async (t) => ({ call: viaLambdaV1(t.composition) }),
  },
  {
    name: 'Lambda handler, HTTP API (v2) events',
    base: () => 'https://api.example.com',
    start: async (t) => ({ call: viaLambdaV2(t.composition) }),
  },
];
let serverUrl = '';
transports.push({
  name: 'local HTTP server',
  base: () => serverUrl,
  start: async (t) => {
    const started = await viaHttpServer(t.composition);
    serverUrl = started.server.url;
    return started;
  },
});

describe.each(transports)('REST contract via $name', (transport) => {
  let t: TestApi;
  let call: Call;
  let server: HttpServer | undefined;

  beforeAll(async () => {
    t = await createTestApi();
    ({ call, server } = await transport.start(t));
  });
  afterAll(async () => {
    await server?.close();
    await t.composition.close();
  });

  it.each(steps)('$method $path — $name', async (step) => {
    if (step.converge) await converge(t, step.converge[0], step.converge[1]);
    const reply = await call(step.method, step.path, {
      ...(step.send !== undefined ? { body: step.send } : {}),
      ...(step.raw !== undefined ? { raw: step.raw } : {}),
      ...(step.contentType !== undefined ? { contentType: step.contentType } : {}),
    });
    const shown = `${step.method} ${step.path} → ${reply.status} ${reply.text.slice(0, 400)}`;
    expect({ status: reply.status, shown }).toEqual({ status: step.status, shown });
    if ('body' in step) expect(reply.body).toEqual(step.body);
    if (step.like !== undefined) expect(reply.body).toMatchObject(step.like as object);
    if (step.message !== undefined) expect(reply.body).toEqual({ error_code: step.status, message: step.message });
    if (step.messageStarts !== undefined) {
      expect(reply.body).toMatchObject({ error_code: step.status });
      expect((reply.body as { message: string }).message.startsWith(step.messageStarts)).toBe(true);
    }
    if (step.location !== undefined) expect(reply.headers['Location']).toBe(`${transport.base()}${step.location}`);
    else expect(reply.headers['Location']).toBeUndefined();
    if (reply.text !== '') expect(reply.headers['Content-Type']).toMatch(/^application\/json/);
  });
});
