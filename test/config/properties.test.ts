import { mkdtempSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PropertiesFileError,
  loadConnectorFile,
  loadPropertiesFile,
  parseConnectorFile,
  parseProperties,
} from '../../lib/config/properties';

const FIXTURES = '/work/shared/fixtures/apache-config';
const tmp = mkdtempSync(join(tmpdir(), 'skc-properties-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, content: string): string => {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
};

describe('parseProperties (java.util.Properties.load semantics)', () => {
  it('separators, comments, whitespace, continuations and escapes', () => {
    const text = [
      '# comment',
      '! also a comment',
      'a=1',
      'b = 2',
      'c:3',
      'd 4',
      '   e\t=\t5   ',
      'f',
      'g=multi \\',
      '    line \\',
      '  value',
      'h=tab\\there\\nnewline\\u0041\\\\',
      'key\\ with\\ spaces=v',
      'key\\=eq=w',
      'i=trailing space ',
      'a=override',
      '',
    ].join('\n');
    expect(parseProperties(text)).toEqual({
      a: 'override',
      b: '2',
      c: '3',
      d: '4',
      e: '5   ',
      f: '',
      g: 'multi line value',
      h: 'tab\there\nnewlineA\\',
      'key with spaces': 'v',
      'key=eq': 'w',
      i: 'trailing space ',
    });
  });

  it('CRLF and lone CR line endings', () => {
    expect(parseProperties('a=1\r\nb=2\rc=3')).toEqual({ a: '1', b: '2', c: '3' });
  });

  it('keeps key order (a repeated key moves to its last position)', () => {
    expect(Object.keys(parseProperties('z=1\na=2\nm=3'))).toEqual(['z', 'a', 'm']);
  });

  it('a malformed \\u escape names the source and line', () => {
    expect(() => parseProperties('a=1\nb=\\u12x4\n', "'worker.properties'")).toThrow(
      /^Could not load properties from 'worker.properties' \(line 2\): Malformed \\uxxxx encoding/,
    );
  });

  it('loads every Apache example config unchanged', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.properties'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const f of files) expect(Object.keys(loadPropertiesFile(join(FIXTURES, f))).length).toBeGreaterThan(0);
    expect(loadPropertiesFile(join(FIXTURES, 'connect-file-source.properties'))).toEqual({
      name: 'local-file-source',
      'connector.class': 'FileStreamSource',
      'tasks.max': '1',
      file: 'test.txt',
      topic: 'connect-test',
    });
  });

  it('a missing file is an error naming the path', () => {
    expect(() => loadPropertiesFile(join(tmp, 'nope.properties'))).toThrow(
      `Could not read properties file '${join(tmp, 'nope.properties')}': No such file`,
    );
  });
});

describe('parseConnectorFile (the three forms connect-standalone accepts)', () => {
  it('Java properties (Apache’s connect-file-sink.properties)', () => {
    expect(loadConnectorFile(join(FIXTURES, 'connect-file-sink.properties'))).toEqual({
      name: 'local-file-sink',
      config: {
        name: 'local-file-sink',
        'connector.class': 'FileStreamSink',
        'tasks.max': '1',
        file: 'test.sink.txt',
        topics: 'connect-test',
      },
    });
  });

  it('JSON CreateConnectorRequest (Apache’s sink-connector.json): name injected into config', () => {
    expect(loadConnectorFile(join(FIXTURES, 'sink-connector.json'))).toEqual({
      name: 'my-connector',
      config: {
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
        'tasks.max': '1',
        topics: 'my-topic-1,my-topic-2',
        file: '/tmp/output-file.txt',
        name: 'my-connector',
      },
    });
  });

  it('flat JSON map; numbers and booleans become strings as with Jackson', () => {
    const path = write('flat.json', '{"name":"c","connector.class":"X","tasks.max":2,"flag":true}');
    expect(loadConnectorFile(path)).toEqual({
      name: 'c',
      config: { name: 'c', 'connector.class': 'X', 'tasks.max': '2', flag: 'true' },
    });
  });

  it('CreateConnectorRequest: unknown fields ignored, initial_state kept', () => {
    const content = '{"name":"c","config":{"connector.class":"X"},"initial_state":"PAUSED","extra":{"x":1}}';
    expect(parseConnectorFile(content, 'c.json')).toEqual({
      name: 'c',
      config: { 'connector.class': 'X', name: 'c' },
      initialState: 'PAUSED',
    });
  });

  it('CreateConnectorRequest: config.name must equal name', () => {
    expect(() => parseConnectorFile('{"name":"a","config":{"name":"b","connector.class":"X"}}', 'c.json')).toThrow(
      "Connector name configuration in 'config' doesn't match the one specified in 'name' at 'c.json'",
    );
  });

  it.each([
    ['properties', 'connector.class=X\n'],
    ['flat JSON', '{"connector.class":"X"}'],
    ['request JSON', '{"config":{"connector.class":"X"}}'],
  ])('name is mandatory (%s)', (_form, content) => {
    expect(() => parseConnectorFile(content, 'conn.file')).toThrow(
      "Connector configuration at 'conn.file' is missing the mandatory 'name' configuration",
    );
  });

  it('JSON of the wrong shape names the file and what was expected', () => {
    const run = () => parseConnectorFile('{"name":"a","config":["x"]}', 'bad.json');
    expect(run).toThrow(PropertiesFileError);
    expect(run).toThrow(
      /^Connector configuration at 'bad.json' is JSON but .*'config' to be an object of string values/,
    );
  });

  it('a missing connector file names the path', () => {
    expect(() => loadConnectorFile(join(tmp, 'missing.properties'))).toThrow(
      `Could not read connector configuration file '${join(tmp, 'missing.properties')}': No such file`,
    );
  });
});
