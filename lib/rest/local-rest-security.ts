/**
 * Protection of the REST API where it is served by our own HTTP server (`npm start`, `connect-standalone`):
 *
 * - Host check against DNS rebinding: a web page the user visits can make the browser send requests to a server
 *   on 127.0.0.1 under the page's own domain name; refusing every `Host` that is not a name of this worker stops
 *   it (the browser cannot forge the Host header). Apache's Jetty does no such check.
 * - Basic authentication exactly as Apache users configure it: `rest.extension.classes` naming
 *   `org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension`, and a JAAS file (named by
 *   `-Djava.security.auth.login.config=…` in `KAFKA_OPTS`) whose `KafkaConnect` section uses
 *   `PropertyFileLoginModule` with `file="…"`, a properties file of `user=password` lines. Failures get Apache's
 *   401 `User cannot access the resource.`
 *
 * In AWS the API Lambda sits behind API Gateway, whose own authorisation applies; none of this runs there.
 */
import { readFileSync } from 'node:fs';
import { networkInterfaces, hostname } from 'node:os';
import { parseProperties } from '../config/properties';

export const BASIC_AUTH_EXTENSION_CLASS =
  'org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension';
export const PROPERTY_FILE_LOGIN_MODULE = 'org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule';
const JAAS_SECTION = 'KafkaConnect';
const JAAS_PROPERTY = 'java.security.auth.login.config';
export const UNAUTHORIZED_MESSAGE = 'User cannot access the resource.';

export interface RestGuardRejection {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

/** What the local HTTP server asks before handing a request to the API. */
export interface RestGuard {
  /** null: let the request through */
  check(headers: {
    readonly host?: string | undefined;
    readonly authorization?: string | undefined;
  }): RestGuardRejection | null;
}

// ---- Host check ----

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const ANY_ADDRESS = new Set(['', '0.0.0.0', '::']);

/** The host part of a Host header (`name:port`, `[v6]:port`), lower-cased, brackets stripped. */
export function hostOfHeader(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(1, value.indexOf(']') < 0 ? undefined : value.indexOf(']'));
  const colon = value.lastIndexOf(':');
  return colon >= 0 && value.indexOf(':') === colon ? value.slice(0, colon) : value;
}

/**
 * The names a request may address this worker by: the loopback names, each listener's host, the advertised
 * host name and, when a listener binds every interface, this machine's host name and interface addresses.
 */
export function allowedHostNames(listenerHosts: readonly string[], advertisedHostName?: string | null): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  for (const host of listenerHosts) {
    const h = host.replace(/^\[|\]$/g, '').toLowerCase();
    if (!ANY_ADDRESS.has(h)) names.add(h);
    else {
      names.add(hostname().toLowerCase());
      for (const addresses of Object.values(networkInterfaces())) {
        for (const a of addresses ?? []) names.add(a.address.toLowerCase());
      }
    }
  }
  if (advertisedHostName) names.add(advertisedHostName.toLowerCase());
  return names;
}

export function hostCheck(allowed: ReadonlySet<string>): RestGuard {
  return {
    check({ host }) {
      // HTTP/1.0 clients may send no Host at all; a browser always sends one, so rebinding cannot use that.
      if (host === undefined || allowed.has(hostOfHeader(host))) return null;
      return {
        status: 421,
        contentType: 'application/json',
        body: JSON.stringify({
          error_code: 421,
          message:
            `Host '${hostOfHeader(host)}' is not a name of this Kafka Connect worker (DNS rebinding protection); ` +
            `use one of: ${[...allowed].join(', ')}`,
        }),
      };
    },
  };
}

// ---- Basic authentication (BasicAuthSecurityRestExtension) ----

interface JaasEntry {
  readonly loginModule: string;
  readonly flag: string;
  readonly options: Readonly<Record<string, string>>;
}

/** The entries of one section of a JAAS configuration file (`Name { module flag k="v" …; … };`). */
export function parseJaasFile(text: string, section: string): JaasEntry[] | null {
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
  const sections = /([A-Za-z0-9_.-]+)\s*\{([\s\S]*?)\}\s*;/g;
  for (const match of withoutComments.matchAll(sections)) {
    if (match[1] !== section) continue;
    const entries: JaasEntry[] = [];
    for (const raw of (match[2] ?? '').split(/;(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
      const entry = raw.trim();
      if (entry === '') continue;
      const head = /^(\S+)\s+(\S+)([\s\S]*)$/.exec(entry);
      if (!head) throw new Error(`JAAS section ${section}: cannot parse entry '${entry}'`);
      const options: Record<string, string> = {};
      for (const option of (head[3] ?? '').matchAll(/([^\s=]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)) {
        options[option[1]!] = option[2] !== undefined ? option[2].replace(/\\(.)/g, '$1') : (option[3] ?? '');
      }
      entries.push({ loginModule: head[1]!, flag: head[2]!.toLowerCase(), options });
    }
    return entries;
  }
  return null;
}

/** `-Djava.security.auth.login.config=…` in a JVM options string such as `KAFKA_OPTS`. */
export function jaasFileFromJvmOptions(options: string | undefined): string | null {
  if (!options) return null;
  const match = new RegExp(`-D${JAAS_PROPERTY.replace(/\./g, '\\.')}=(?:"([^"]*)"|'([^']*)'|(\\S+))`).exec(options);
  return match ? (match[1] ?? match[2] ?? match[3] ?? null) : null;
}

const decodeBasic = (header: string | undefined): { user: string; password: string } | null => {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space <= 0 || header.slice(0, space).toLowerCase() !== 'basic') return null;
  const decoded = Buffer.from(header.slice(space + 1), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
};

/**
 * Apache's `JaasBasicAuthFilter` + `PropertyFileLoginModule`: the credentials file is read once; an empty file
 * lets every request through (Apache logs a warning and does the same).
 */
export function basicAuth(credentials: Readonly<Record<string, string>>): RestGuard {
  const open = Object.keys(credentials).length === 0;
  return {
    check({ authorization }) {
      if (open) return null;
      const given = decodeBasic(authorization);
      if (given && Object.hasOwn(credentials, given.user) && credentials[given.user] === given.password) return null;
      return { status: 401, contentType: 'text/plain', body: UNAUTHORIZED_MESSAGE };
    },
  };
}

/**
 * The basic-auth guard the worker's `rest.extension.classes` asks for, or null when it names none. Throws with a
 * clear message for what cannot be honoured (another extension class, a JAAS file that is missing or uses another
 * login module): an authentication setting must never be accepted and ignored.
 */
export function restExtensionGuard(
  workerProps: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): RestGuard | null {
  const classes = (workerProps['rest.extension.classes'] ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  if (classes.length === 0) return null;
  const unknown = classes.filter((c) => c !== BASIC_AUTH_EXTENSION_CLASS);
  if (unknown.length > 0) {
    throw new Error(
      `rest.extension.classes: ${unknown.join(', ')} cannot be loaded; only ${BASIC_AUTH_EXTENSION_CLASS} is supported`,
    );
  }
  const jaasFile = jaasFileFromJvmOptions(env['KAFKA_OPTS']);
  if (!jaasFile) {
    throw new Error(
      `${BASIC_AUTH_EXTENSION_CLASS} needs a JAAS file: set KAFKA_OPTS="-D${JAAS_PROPERTY}=/path/to/connect_jaas.conf"`,
    );
  }
  const entries = parseJaasFile(readFileSync(jaasFile, 'utf8'), JAAS_SECTION);
  if (!entries || entries.length === 0) throw new Error(`${jaasFile}: no '${JAAS_SECTION}' section`);
  if (
    entries.length !== 1 ||
    entries[0]!.loginModule !== PROPERTY_FILE_LOGIN_MODULE ||
    entries[0]!.flag !== 'required'
  ) {
    throw new Error(
      `${jaasFile}: the '${JAAS_SECTION}' section must hold exactly one '${PROPERTY_FILE_LOGIN_MODULE} required' entry`,
    );
  }
  const file = entries[0]!.options['file'];
  if (!file || file.trim() === '') throw new Error('Property Credentials file must be specified');
  return basicAuth(parseProperties(readFileSync(file), file));
}

/** Guards applied in order; the first rejection wins. */
export const guards = (...list: (RestGuard | null)[]): RestGuard => ({
  check: (headers) => {
    for (const guard of list) {
      const rejection = guard?.check(headers) ?? null;
      if (rejection) return rejection;
    }
    return null;
  },
});
