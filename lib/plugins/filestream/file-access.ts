/**
 * Where the FileStream connectors may read and write: the worker's `skc.filestream.allowed.paths`
 * (docs/security.md). Apache's FileStream connectors have no such limit (Apache keeps them off the default
 * classpath instead); here they are built in, so a REST caller must not be able to read `/etc/…` into a topic or
 * append through `../` to any file the process can write.
 *
 * A path is checked physically: `..` segments are refused outright (the OS applies them after following a
 * symlink, which a lexical normalisation would not), and the longest existing prefix is resolved with realpath,
 * so a symlink inside an allowed root that points outside it is refused too.
 */
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FILE_CONFIG } from './config';

export const FILESTREAM_CONNECTOR_CLASSES: ReadonlySet<string> = new Set([
  'org.apache.kafka.connect.file.FileStreamSourceConnector',
  'org.apache.kafka.connect.file.FileStreamSinkConnector',
]);
export const FILESTREAM_TASK_CLASSES: ReadonlySet<string> = new Set([
  'org.apache.kafka.connect.file.FileStreamSourceTask',
  'org.apache.kafka.connect.file.FileStreamSinkTask',
]);

const ALLOWED_PATHS_KEY = 'skc.filestream.allowed.paths';

/** realpath of the longest existing prefix of an absolute, `..`-free path, plus the rest as written. */
function physicalPath(path: string): string {
  let existing = path;
  const rest: string[] = [];
  while (!existsSync(existing)) {
    const parent = resolve(existing, '..');
    if (parent === existing) break;
    rest.unshift(existing.slice(parent.length).replace(/^[\\/]+/, ''));
    existing = parent;
  }
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    real = existing;
  }
  return rest.length === 0 ? real : join(real, ...rest);
}

const inside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

/**
 * The validation error of a FileStream `file` value under `allowedPaths`, or null when it is allowed. Unset or
 * empty `file` (standard input / output) is always allowed; `allowedPaths` null allows everything (Apache).
 * Relative paths are taken from `cwd`, as the task opens them.
 */
export function fileStreamPathError(
  file: string | null | undefined,
  allowedPaths: readonly string[] | null,
  cwd: string = process.cwd(),
): string | null {
  if (allowedPaths === null || file === null || file === undefined || file === '') return null;
  const invalid = (why: string) => `Invalid value ${file} for configuration ${FILE_CONFIG}: ${why}`;
  if (file.split(/[\\/]/).includes('..')) return invalid("'..' is not allowed in FileStream paths");
  const target = physicalPath(resolve(cwd, file));
  const roots = allowedPaths.map((root) => physicalPath(resolve(root)));
  if (roots.some((root) => inside(root, target))) return null;
  return invalid(
    `the path (resolved to ${target}) is outside the directories allowed by the worker's '${ALLOWED_PATHS_KEY}'` +
      ` (${allowedPaths.join(', ')})`,
  );
}
