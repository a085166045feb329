/**
 * The Jest projects of jest.config.js: `unit` needs no service, so every test file that calls `requireServices`
 * must be in `integration` (else `npm run test:unit` would fail on it), and every entry of the integration list
 * must still name a test file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.config.js is CommonJS
const config = require('../../jest.config.js') as { projects: { displayName: string; testRegex?: string }[] };

const root = join(__dirname, '..', '..');
const testFiles = (readdirSync(join(root, 'test'), { recursive: true }) as string[])
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => join(root, 'test', file));
const integration = new RegExp(config.projects.find((p) => p.displayName === 'integration')?.testRegex ?? '^$');

it('puts every test file that needs a service in the integration project', () => {
  const needServices = testFiles.filter((file) => /^requireServices\(/m.test(readFileSync(file, 'utf8')));
  expect(needServices.length).toBeGreaterThan(0);
  expect(needServices.filter((file) => !integration.test(file)).map((file) => relative(root, file))).toEqual([]);
});

it('has integration entries that all name test files', () => {
  const source = readFileSync(join(root, 'jest.config.js'), 'utf8');
  const list = /const INTEGRATION = \[([\s\S]*?)\];/.exec(source)?.[1] ?? '';
  const entries = [...list.matchAll(/^\s*'([^']+)',/gm)].map((m) => m[1]!.replace(/\\\\/g, '\\'));
  expect(entries.length).toBeGreaterThan(5);
  const unmatched = entries.filter(
    (entry) => !testFiles.some((file) => new RegExp(`/test/(${entry})\\.test\\.ts$`).test(file)),
  );
  expect(unmatched).toEqual([]);
});
