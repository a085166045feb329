/** Standalone REST listeners and worker id, as Apache's `RestServer` parses and advertises them (no services). */
import {
  advertisedWorkerId,
  bindUrl,
  parseListeners,
  removedRestKeyNotes,
  restServerError,
  standaloneSchedulingProps,
  StandaloneError,
} from '../../lib/runtime/standalone';
import { heartbeatSettingsFor, restartPolicyFor } from '../../lib/scheduler/restart-policy';

const noAdvertised = { restAdvertisedHostName: null, restAdvertisedPort: null };

describe('standalone REST listeners', () => {
  it("parses Apache's forms: default http://:8083, upper-case protocol, IPv6, port 0", () => {
    expect(parseListeners(['http://:8083', 'HTTP://myhost:8084', 'http://[::1]:0'])).toEqual([
      { listener: 'http://:8083', host: '', port: 8083 },
      { listener: 'HTTP://myhost:8084', host: 'myhost', port: 8084 },
      { listener: 'http://[::1]:0', host: '::1', port: 0 },
    ]);
    expect(bindUrl({ listener: 'http://:8083', host: '', port: 8083 })).toBe('http://0.0.0.0:8083');
    expect(bindUrl({ listener: 'http://[::1]:0', host: '::1', port: 0 })).toBe('http://[::1]:0');
  });

  it.each([
    ['localhost:8083', "Listener doesn't have the right format (protocol://hostname:port)."],
    ['http://localhost', "Listener doesn't have the right format (protocol://hostname:port)."],
    ['ftp://localhost:21', 'Listener protocol must be either "http" or "https".'],
    ['https://localhost:8443', 'https listeners are not supported by connect-standalone'],
    ['http://localhost:70000', 'port 70000 is out of range'],
  ])('rejects %s with exit code 2', (listener, message) => {
    const error = (() => {
      try {
        parseListeners([listener]);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(StandaloneError);
    expect((error as StandaloneError).exitCode).toBe(2);
    expect((error as StandaloneError).message).toContain(`Invalid listener '${listener}' in listeners: ${message}`);
  });

  it('derives the worker id as Apache advertises it', () => {
    const [any, local, zero] = parseListeners(['http://:8083', 'http://127.0.0.1:8084', 'http://localhost:0']);
    expect(advertisedWorkerId(any!, 8083, noAdvertised, '10.0.0.5')).toBe('10.0.0.5:8083');
    expect(advertisedWorkerId(local!, 8084, noAdvertised, '10.0.0.5')).toBe('127.0.0.1:8084');
    expect(advertisedWorkerId(zero!, 41234, noAdvertised, '10.0.0.5')).toBe('localhost:41234');
    const advertised = { restAdvertisedHostName: 'connect.example.com', restAdvertisedPort: 443 };
    expect(advertisedWorkerId(any!, 8083, advertised, '10.0.0.5')).toBe('connect.example.com:443');
    expect(advertisedWorkerId(parseListeners(['http://[::1]:9'])[0]!, 9, noAdvertised, 'x')).toBe('[::1]:9');
  });

  it('explains a port in use in one message naming listeners (exit 2)', () => {
    const [listener] = parseListeners(['http://:8083']);
    const inUse = Object.assign(new Error('listen EADDRINUSE: address already in use 0.0.0.0:8083'), {
      code: 'EADDRINUSE',
    });
    const error = restServerError(listener!, 'http://:8083', inUse);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('listener http://:8083 (listeners=http://:8083) is already in use');
    expect(error.message).toContain('--override listeners=http://:<port>');
    expect(restServerError(listener!, 'http://:8083', new Error('boom')).message).toBe(
      'Unable to initialize REST server on listener http://:8083 (listeners=http://:8083): boom',
    );
  });

  it('warns about rest.port / rest.host.name, which Apache 4.0 removed', () => {
    expect(removedRestKeyNotes({ 'rest.port': '8084', listeners: 'http://:8083' })).toEqual([
      "'rest.port' was removed in Apache Kafka 4.0 and is ignored: use 'listeners' (e.g. listeners=http://:8083)",
    ]);
    expect(removedRestKeyNotes({})).toEqual([]);
  });

  it('schedules in-process tasks as Apache: no automatic restart unless asked, no heartbeat timeout', () => {
    const defaults = standaloneSchedulingProps({});
    expect(restartPolicyFor(defaults, {}).mode).toBe('never');
    expect(heartbeatSettingsFor(defaults).timeoutMs).toBe(Number.MAX_SAFE_INTEGER);
    const chosen = standaloneSchedulingProps({ 'task.restart.policy': 'always', 'task.heartbeat.timeout.ms': '5' });
    expect(restartPolicyFor(chosen, {}).mode).toBe('always');
    expect(heartbeatSettingsFor(chosen).timeoutMs).toBe(Number.MAX_SAFE_INTEGER);
  });
});
