import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { IgnoreStrategy } from 'aws-cdk-lib';
import type * as lambdaNodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/** Walks up from `start` to the directory that holds `task-runner/Dockerfile`. */
export function findProjectRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'task-runner', 'Dockerfile'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no task-runner/Dockerfile above ${start}: set projectRoot`);
  }
}

export interface PluginDirectory {
  readonly absolute: string;
  /** Relative to the project root (the Docker build context), POSIX separators. */
  readonly relative: string;
}

export function pluginDirectory(projectRoot: string, path: string): PluginDirectory {
  const absolute = isAbsolute(path) ? path : resolve(projectRoot, path);
  const rel = relative(projectRoot, absolute);
  // The image build can only COPY from its context, and the build arg is a space-separated list.
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || /\s/.test(rel)) {
    throw new Error(`pluginPaths entry must be a directory inside ${projectRoot} without spaces: ${path}`);
  }
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
    throw new Error(`pluginPaths entry is not a directory: ${absolute}`);
  }
  const ignored = firstDockerIgnored(projectRoot, absolute);
  if (ignored !== undefined) {
    throw new Error(
      `pluginPaths entry ${rel}: ${relative(projectRoot, ignored)} is excluded from the Docker build context by ` +
        `.dockerignore (bundle a plug-in's dependencies into it rather than shipping node_modules, or re-include ` +
        `the directory with a line !${rel})`,
    );
  }
  return { absolute, relative: rel.split(sep).join('/') };
}

/** Copies plug-in directories next to the Lambda bundle: `/var/task/plugins/<i>`. */
export function copyPluginsHooks(dirs: PluginDirectory[]): lambdaNodejs.ICommandHooks {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir: string, outputDir: string) => [
      `mkdir -p ${quote(`${outputDir}/plugins`)}`,
      ...dirs.map((d, i) => `cp -R ${quote(d.absolute)} ${quote(`${outputDir}/plugins/${i}`)}`),
    ],
  };
}

/** The plug-in directory itself or its first file that the repository's .dockerignore keeps out of the image. */
function firstDockerIgnored(projectRoot: string, dir: string): string | undefined {
  const file = join(projectRoot, '.dockerignore');
  if (!existsSync(file)) return undefined;
  const patterns = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
  const ignore = IgnoreStrategy.docker(projectRoot, patterns);
  if (ignore.ignores(dir)) return dir;
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f));
  return files.find((f) => ignore.ignores(f));
}
