/**
 * Crash-safe file primitives for the embedded stores.
 *
 * - `writeFileAtomic`: write a temp file in the same directory, fsync it, rename it over the target, fsync the
 *   directory. A reader (or a restart after a crash at any point) sees the old content or the new, never a torn
 *   file; an orphaned temp file is harmless and ignored by readers.
 * - `withFileLock`: mutual exclusion for read-check-write sequences (conditional updates, generation fencing)
 *   between async callers in this process (a promise chain per path) and between processes (an advisory
 *   `<path>.lock` file created with O_EXCL holding the owner's pid; a lock whose owner is dead, or older than
 *   `staleMs`, is broken — the holder of a lock never does more than one small atomic write). Breaking a stale
 *   lock re-reads it first; two processes breaking the same stale lock in the same microseconds could still
 *   both enter, which needs a crash of the holder plus that race — accepted for the local stack.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ServiceUnavailableError } from '../../errors';

const isErrno = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'w', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await fsyncDir(dir);
}

/** The file's text, or undefined if it does not exist. */
export async function readFileIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/** Removes a file and fsyncs its directory; false if it did not exist. */
export async function removeFile(file: string): Promise<boolean> {
  try {
    await fs.unlink(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
  await fsyncDir(path.dirname(file));
  return true;
}

const inProcessLocks = new Map<string, Promise<unknown>>();

export interface FileLockOptions {
  /** give up (retriable ServiceUnavailableError) after this long */
  readonly timeoutMs?: number;
  /** a lock file older than this is considered abandoned */
  readonly staleMs?: number;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return !isErrno(error, 'ESRCH');
  }
}

async function acquireLockFile(lockFile: string, timeoutMs: number, staleMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.open(lockFile, 'wx');
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if (isErrno(error, 'ENOENT')) {
        // Directory removed meanwhile (e.g. a connector's status deleted): recreate and retry.
        await fs.mkdir(path.dirname(lockFile), { recursive: true });
        continue;
      }
      if (!isErrno(error, 'EEXIST')) throw error;
    }
    // Held by someone: break it if its owner is gone, else back off and retry.
    try {
      const [content, stat] = await Promise.all([fs.readFile(lockFile, 'utf8'), fs.stat(lockFile)]);
      const pid = Number.parseInt(content, 10);
      const ownerDead = Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid);
      // An empty lock older than a moment means its creator died between creating it and writing its pid.
      const abandoned = content.trim() === '' && Date.now() - stat.mtimeMs > 1_000;
      if (ownerDead || abandoned || Date.now() - stat.mtimeMs > staleMs) {
        // Re-check just before breaking, so a contender that broke it first and now holds it keeps it.
        if ((await fs.readFile(lockFile, 'utf8')) === content) await fs.rm(lockFile, { force: true });
        continue;
      }
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
      continue; // released meanwhile
    }
    if (Date.now() > deadline) throw new ServiceUnavailableError(`Timed out waiting for lock ${lockFile}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(50, 1 + attempt) * (0.5 + Math.random())));
  }
}

/** Runs `fn` holding the lock of `file` (see the module comment). */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const previous = inProcessLocks.get(file) ?? Promise.resolve();
  let release!: () => void;
  const current = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => current);
  inProcessLocks.set(file, tail);
  await previous;
  const lockFile = `${file}.lock`;
  try {
    await acquireLockFile(lockFile, options.timeoutMs ?? 10_000, options.staleMs ?? 30_000);
    try {
      return await fn();
    } finally {
      await fs.rm(lockFile, { force: true });
    }
  } finally {
    release();
    if (inProcessLocks.get(file) === tail) inProcessLocks.delete(file);
  }
}

/**
 * A file-name-safe, reversible encoding of a connector name (any string Apache accepts): percent-encoding,
 * dots too (so `.`/`..` stay names). Names whose encoding would exceed file-name limits get a `~<sha256>` name;
 * their stores keep the real name inside the file.
 */
export function encodeFileName(name: string): string {
  const encoded = encodeURIComponent(name).replace(
    /[.*!'()~]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return encoded.length <= 200 ? encoded : `~${createHash('sha256').update(name).digest('hex')}`;
}

/** The name of an `encodeFileName` result, or undefined for a hashed one (read the name from the file). */
export const decodeFileName = (fileName: string): string | undefined =>
  fileName.startsWith('~') ? undefined : decodeURIComponent(fileName);
