import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pluginDirectory } from '../../infra/plugin-paths';
import { projectRoot } from './synth';

/** A throwaway project root with the repository's .dockerignore. */
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'skc-plugin-paths-'));
  copyFileSync(join(projectRoot, '.dockerignore'), join(root, '.dockerignore'));
  const write = (path: string): void => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), '');
  };
  write('plugins/bundled/index.js');
  write('plugins/with-deps/index.js');
  write('plugins/with-deps/node_modules/dep/index.js');
  write('test/my-plugin/index.js');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('pluginPaths', () => {
  it('accepts a directory of the build context, relative or absolute, as a POSIX path', () => {
    expect(pluginDirectory(root, 'plugins/bundled')).toEqual({
      absolute: join(root, 'plugins/bundled'),
      relative: 'plugins/bundled',
    });
    expect(pluginDirectory(root, join(root, 'plugins/bundled')).relative).toBe('plugins/bundled');
  });

  it('refuses a plug-in whose files .dockerignore keeps out of the image (node_modules)', () => {
    expect(() => pluginDirectory(root, 'plugins/with-deps')).toThrow(
      /plugins\/with-deps\/node_modules is excluded from the Docker build context/,
    );
  });

  it('refuses an excluded directory, one outside the project, a missing one and one with spaces', () => {
    expect(() => pluginDirectory(root, 'test/my-plugin')).toThrow(/excluded from the Docker build context/);
    expect(() => pluginDirectory(root, tmpdir())).toThrow(/inside/);
    expect(() => pluginDirectory(root, 'plugins/missing')).toThrow(/is not a directory/);
    expect(() => pluginDirectory(root, 'plugins/with space')).toThrow(/without spaces/);
  });
});
