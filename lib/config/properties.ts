import { readFileSync } from 'node:fs';
import { Properties } from 'properties-file';
import { z } from 'zod';

/**
 * Java `.properties` loading (`java.util.Properties.load`) and the three connector-file forms that Apache's
 * `connect-standalone` accepts (`ConnectStandalone.parseConnectorConfigurationFile`).
 */

export class PropertiesFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PropertiesFileError';
  }
}

/**
 * Parse `.properties` content with Java's rules: `#`/`!` comments, `=`/`:`/whitespace separators, `\` line
 * continuations, `\t\n\r\f` and `\uXXXX` escapes, a later duplicate key wins. Keys keep file order.
 * `source` names the file in errors. Deviation: content is decoded as UTF-8, where Java reads ISO-8859-1.
 */
export function parseProperties(content: string | Buffer, source = '<properties>'): Record<string, string> {
  // Java also ends a line at a lone CR; the parser only knows LF and CRLF.
  const text = (typeof content === 'string' ? content : content.toString('utf8')).replace(/\r(?!\n)/g, '\n');
  let properties: Properties;
  try {
    properties = new Properties(text);
  } catch (e) {
    // e.g. "malformed escaped unicode characters '\u12' in property starting at line 3"
    const message = e instanceof Error ? e.message : String(e);
    const line = /at line (\d+)/.exec(message)?.[1];
    const detail = message.replace(/ in property starting at line \d+$/, '');
    throw new PropertiesFileError(
      `Could not load properties from ${source}${line ? ` (line ${line})` : ''}: Malformed \\uxxxx encoding (${detail}).`,
      { cause: e },
    );
  }
  const result: Record<string, string> = {};
  for (const property of properties.collection) result[property.key] = property.value;
  return result;
}

/** Read and parse a `.properties` file; a missing/unreadable file gives an error naming the path. */
export function loadPropertiesFile(path: string): Record<string, string> {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file' : (e as Error).message;
    throw new PropertiesFileError(`Could not read properties file '${path}': ${reason}`, { cause: e });
  }
  return parseProperties(content, `'${path}'`);
}

// ---------------------------------------------------------------------------------------------------------
// Connector configuration files (standalone mode)
// ---------------------------------------------------------------------------------------------------------

export type InitialState = 'RUNNING' | 'PAUSED' | 'STOPPED';

export interface ConnectorFile {
  name: string;
  config: Record<string, string>;
  /** `initial_state` of a CreateConnectorRequest file (KIP-980), when given. */
  initialState?: InitialState;
}

/** Jackson maps JSON scalars to String (numbers and booleans included); objects and arrays fail. */
const jacksonString = z.union([z.string(), z.number().transform(String), z.boolean().transform(String), z.null()]);
const flatMap = z.record(z.string(), jacksonString);
const createConnectorRequest = z.object({
  name: jacksonString.optional(),
  config: flatMap.nullable().optional(),
  initial_state: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(['RUNNING', 'PAUSED', 'STOPPED']))
    .nullable()
    .optional(),
});

const missingName = (path: string) =>
  new PropertiesFileError(`Connector configuration at '${path}' is missing the mandatory 'name' configuration`);

/** Drop JSON nulls (Apache would carry them and fail later, on validation). */
function stringsOnly(map: Record<string, string | null>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) if (v !== null) out[k] = v;
  return out;
}

/**
 * Parse a connector file as Apache's standalone does: (1) a flat JSON object of strings, (2) a JSON
 * CreateConnectorRequest `{"name", "config", "initial_state"}` (unknown fields ignored; `config.name`, if given,
 * must equal `name`), (3) Java properties. `name` is mandatory in every form.
 */
export function parseConnectorFile(content: string | Buffer, path: string): ConnectorFile {
  const text = typeof content === 'string' ? content : content.toString('utf8');
  let json: unknown;
  let isJson = false;
  try {
    json = JSON.parse(text);
    isJson = true;
  } catch {
    // not JSON: fall through to Java properties
  }
  if (isJson) {
    const flat = flatMap.safeParse(json);
    if (flat.success) {
      const config = stringsOnly(flat.data);
      if (config.name === undefined) throw missingName(path);
      return { name: config.name, config };
    }
    const request = createConnectorRequest.safeParse(json);
    if (request.success && request.data.config) {
      const config = stringsOnly(request.data.config);
      const name = request.data.name ?? null;
      if (config.name !== undefined) {
        if (config.name !== name) {
          throw new PropertiesFileError(
            `Connector name configuration in 'config' doesn't match the one specified in 'name' at '${path}'`,
          );
        }
      } else {
        if (name === null) throw missingName(path);
        config.name = name;
      }
      const result: ConnectorFile = { name: config.name, config };
      if (request.data.initial_state) result.initialState = request.data.initial_state;
      return result;
    }
    if (request.success || (typeof json === 'object' && json !== null && !Array.isArray(json))) {
      throw new PropertiesFileError(
        `Connector configuration at '${path}' is JSON but neither a flat object of string values nor a ` +
          `{"name": ..., "config": {...}} request: expected 'config' to be an object of string values.`,
      );
    }
  }
  const config = parseProperties(text, `'${path}'`);
  if (config.name === undefined) throw missingName(path);
  return { name: config.name, config };
}

/** Read and parse a connector file (see `parseConnectorFile`). */
export function loadConnectorFile(path: string): ConnectorFile {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file' : (e as Error).message;
    throw new PropertiesFileError(`Could not read connector configuration file '${path}': ${reason}`, { cause: e });
  }
  return parseConnectorFile(content, path);
}
