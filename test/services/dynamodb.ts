/** DynamoDB Local (in memory, one shared database for every region and key) on a free port. */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePorts, javaBin, makeScratchDir, spawnService, tailOf } from '../../lib/adapters/local/kafka-broker';
import { servicePaths } from './paths';
import type { RunningService } from './service';
import { waitFor } from './wait';

export async function startDynamoDbLocal(readyTimeoutMs = 120_000): Promise<RunningService> {
  const started = Date.now();
  const paths = servicePaths();
  const classpath = readFileSync(paths.dynamodbClasspathFile, 'utf8').trim();
  const version = /DynamoDBLocal-([^/:]+?)\.jar/.exec(classpath)?.[1] ?? 'unknown';
  const [port] = await freePorts(1);
  const dir = makeScratchDir('dynamodb');
  const logFile = join(dir, 'dynamodb.log');
  const child = spawnService({
    name: 'dynamodb',
    command: javaBin(),
    args: [
      '-Xms64m',
      '-Xmx256m',
      `-Djava.library.path=${paths.dynamodbNativeDir}`,
      '-cp',
      classpath,
      'com.amazonaws.services.dynamodbv2.local.main.ServerRunner',
      '-inMemory',
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    cwd: dir,
    logFile,
    scratchDir: dir,
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await child.stop(5_000);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  });
  try {
    await waitFor(() => client.send(new ListTablesCommand({})), {
      timeoutMs: readyTimeoutMs,
      description: `DynamoDB Local at ${endpoint} answering ListTables`,
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
    name: 'dynamodb',
    endpoint,
    label: `dynamodb-local ${version}`,
    readyMs: Date.now() - started,
    env: { DYNAMODB_ENDPOINT: endpoint },
    stop,
  };
}
