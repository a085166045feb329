/** moto's server mode (AWS emulator; the tests use its ECS API) from the project's .venv, on a free port. */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { freePorts, makeScratchDir, spawnService, tailOf } from '../../lib/adapters/local/kafka-broker';
import { servicePaths } from './paths';
import type { RunningService } from './service';
import { waitFor } from './wait';

function motoVersion(venvDir: string): string {
  try {
    const lib = join(venvDir, 'lib');
    for (const python of readdirSync(lib)) {
      const dist = readdirSync(join(lib, python, 'site-packages')).find((d) => /^moto-.*\.dist-info$/.test(d));
      if (dist) return dist.slice('moto-'.length, -'.dist-info'.length);
    }
  } catch {
    // unknown layout
  }
  return 'unknown';
}

export async function startMoto(readyTimeoutMs = 120_000): Promise<RunningService> {
  const started = Date.now();
  const paths = servicePaths();
  const [port] = await freePorts(1);
  const dir = makeScratchDir('moto');
  const logFile = join(dir, 'moto.log');
  const child = spawnService({
    name: 'moto',
    command: paths.motoServer,
    args: ['-H', '127.0.0.1', '-p', String(port)],
    cwd: dir,
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    logFile,
    scratchDir: dir,
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await child.stop(5_000);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  const client = new ECSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  });
  try {
    await waitFor(() => client.send(new ListClustersCommand({})), {
      timeoutMs: readyTimeoutMs,
      description: `moto at ${endpoint} answering ECS ListClusters`,
      abortReason: () => {
        const exit = child.exitStatus();
        return exit && `the process exited (code ${exit.code}, signal ${exit.signal})`;
      },
    });
  } catch (error) {
    const detail = `${(error as Error).message}\n--- ${logFile}\n${tailOf(logFile)}`;
    await stop();
    throw new Error(detail, { cause: error });
  } finally {
    client.destroy();
  }
  return {
    name: 'moto',
    endpoint,
    label: `moto ${motoVersion(paths.venvDir)}`,
    readyMs: Date.now() - started,
    env: { MOTO_ENDPOINT: endpoint },
    stop,
  };
}
