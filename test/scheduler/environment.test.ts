import { commonEnvSchema, ecsEnvSchema, parseEnv } from '../../composition/env';
import { distributedWorkerConfig } from '../../composition/worker-config';
import { taskRunnerEnv, workerIdOf } from '../../task-runner/environment';

const base = { SKC_STORE: 'local', SKC_STATE_DIR: '/tmp/x', SKC_BOOTSTRAP_SERVERS: 'k:9092' };

describe('environment contract', () => {
  it('parses the task-runner identity and names every bad variable', () => {
    const env = taskRunnerEnv({ ...base, SKC_CONNECTOR: 'my conn', SKC_TASK_ID: '2', SKC_GENERATION: '7' });
    expect(env).toMatchObject({ SKC_CONNECTOR: 'my conn', SKC_TASK_ID: 2, SKC_GENERATION: 7, SKC_PLUGIN_PATH: [] });
    expect(() => taskRunnerEnv({ ...base, SKC_TASK_ID: 'x' })).toThrow(/SKC_CONNECTOR.*SKC_TASK_ID.*SKC_GENERATION/);
    expect(() =>
      taskRunnerEnv({ ...base, SKC_STORE: 'memory', SKC_CONNECTOR: 'c', SKC_TASK_ID: '0', SKC_GENERATION: '1' }),
    ).toThrow(/shared store/);
    expect(() => parseEnv(commonEnvSchema, { SKC_STORE: 'dynamodb' })).toThrow(
      'SKC_TABLE_NAME: required with SKC_STORE=dynamodb',
    );
    expect(() => parseEnv(commonEnvSchema, { SKC_WORKER_CONFIG: '[1' })).toThrow(
      'SKC_WORKER_CONFIG: must be a JSON object of strings',
    );
  });

  it('derives worker_id from SKC_WORKER_ID, the ECS task id, or hostname:pid', () => {
    const env = taskRunnerEnv({ ...base, SKC_CONNECTOR: 'c', SKC_TASK_ID: '0', SKC_GENERATION: '1' });
    expect(workerIdOf({ ...env, SKC_WORKER_ID: 'w1' })).toBe('w1');
    expect(
      workerIdOf({
        ...env,
        ECS_CONTAINER_METADATA_URI_V4: 'http://169.254.170.2/v4/a1b2c3d4e5f64a7b8c9d0e1f2a3b4c5d-3157297425',
      }),
    ).toBe('a1b2c3d4e5f64a7b8c9d0e1f2a3b4c5d');
    expect(workerIdOf(env, 42)).toMatch(/^.+:42$/);
  });

  it('parses the reconciler ECS settings with their defaults', () => {
    const ecs = parseEnv(ecsEnvSchema, { SKC_ECS_CLUSTER: 'c', SKC_TASK_DEFINITION: 'td', SKC_SUBNETS: 's-1, s-2' });
    expect(ecs).toMatchObject({
      SKC_CONTAINER_NAME: 'task-runner',
      SKC_SUBNETS: ['s-1', 's-2'],
      SKC_SECURITY_GROUPS: [],
      SKC_ASSIGN_PUBLIC_IP: 'DISABLED',
      SKC_CAPACITY_PROVIDER: 'FARGATE',
    });
    expect(() => parseEnv(ecsEnvSchema, { SKC_ECS_CLUSTER: 'c', SKC_TASK_DEFINITION: 'td' })).toThrow(/SKC_SUBNETS/);
  });

  it('builds a distributed worker config from SKC_WORKER_CONFIG with Apache example defaults for unused keys', () => {
    const env = parseEnv(commonEnvSchema, {
      ...base,
      SKC_WORKER_CONFIG: JSON.stringify({ 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' }),
    });
    const worker = distributedWorkerConfig(env);
    expect(worker.bootstrapServers).toEqual(['k:9092']);
    expect(worker.keyConverter).toBe('org.apache.kafka.connect.json.JsonConverter');
    expect(worker.valueConverter).toBe('org.apache.kafka.connect.storage.StringConverter');
    expect(worker.offsetStorageTopic).toBe('connect-offsets');
  });
});
