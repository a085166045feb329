/**
 * TaskLauncher on ECS Fargate: one ECS task per connector task instance, all from one task-runner task
 * definition. The instance's identity travels in the container environment (SKC_CONNECTOR, SKC_TASK_ID,
 * SKC_GENERATION: the same contract as the local child process) and, for people browsing the console, in tags.
 * Our tasks are found again by `startedBy`, so list() needs no bookkeeping of its own.
 *
 * Every RunTask carries a `clientToken` derived from the request and the instance it replaces (see
 * {@link runTaskClientToken}): ECS starts one task per token for 24 hours, so a retried call or a reconcile that
 * does not see a just-launched task yet (ListTasks is eventually consistent) gets that task back instead of a
 * second instance of the same task id.
 */
import { createHash } from 'node:crypto';
import type {
  DescribeTasksCommandOutput,
  ECSClient,
  RunTaskCommandInput,
  RunTaskCommandOutput,
  Task,
} from '@aws-sdk/client-ecs';
import { DescribeTasksCommand, ListTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { ServiceUnavailableError } from '../../errors';
import { retry, type RetryOptions } from '../../retry';
import type { InstanceState, LaunchSpec, TaskInstance, TaskLauncher } from '../../storage/ports';

export type CapacityProvider = 'FARGATE' | 'FARGATE_SPOT';

export interface EcsTaskLauncherOptions {
  readonly client: ECSClient;
  readonly cluster: string;
  readonly taskDefinition: string;
  /** container of the task definition that runs the task-runner */
  readonly containerName?: string;
  readonly subnets: readonly string[];
  readonly securityGroups?: readonly string[];
  readonly assignPublicIp?: 'ENABLED' | 'DISABLED';
  readonly capacityProvider?: CapacityProvider;
  /** marks our tasks; two deployments sharing a cluster must use different values */
  readonly startedBy?: string;
  /** extra environment for every task (on top of the task definition's) */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Per-connector task roles (AWS: lib/adapters/iam, composed in composition/ecs.ts): every RunTask of a
   * connector's task carries `overrides.taskRoleArn` = its connector's role, and `release` deletes that role.
   * None: tasks run with the task definition's role.
   */
  readonly taskRoles?: TaskRoles;
}

/** Where a connector's task role comes from (structurally the IAM adapter's IamConnectorTaskRoles). */
export interface TaskRoles {
  /** The connector's role, created first if missing; `createdAt` set when this process just created it. */
  roleFor(connector: string): Promise<{ readonly arn: string; readonly createdAt?: number | undefined }>;
  /** Delete the connector's role; a missing role is success. */
  remove(connector: string): Promise<void>;
}

export const ENV_CONNECTOR = 'SKC_CONNECTOR';
export const ENV_TASK_ID = 'SKC_TASK_ID';
export const ENV_GENERATION = 'SKC_GENERATION';
export const TAG_CONNECTOR = 'skc:connector';
export const TAG_TASK_ID = 'skc:task';
export const TAG_GENERATION = 'skc:generation';
export const DEFAULT_STARTED_BY = 'serverless-kafka-connect';
export const DEFAULT_CONTAINER_NAME = 'task-runner';

/** ECS limits: DescribeTasks takes 100 tasks, a stop reason 255 characters, a tag value 256. */
/** Launches of one spec whose token ECS answered with an already stopped task, before giving up. */
const STALE_TOKEN_RETRIES = 3;
const DESCRIBE_BATCH = 100;
/**
 * A role IAM created moments ago may not be assumable by ECS yet (IAM is eventually consistent: seconds, rarely
 * tens of seconds). RunTask refusals that name the role are retried for this long after its creation.
 */
const NEW_ROLE_PROPAGATION_MS = 60_000;
const NEW_ROLE_RETRY: RetryOptions = { initialDelayMs: 1_000, maxDelayMs: 8_000, jitter: 'full', timeoutMs: 45_000 };
const MAX_REASON = 255;
const MAX_TAG_VALUE = 256;

export class EcsTaskLauncher implements TaskLauncher {
  private readonly containerName: string;
  private readonly startedBy: string;

  constructor(private readonly options: EcsTaskLauncherOptions) {
    this.containerName = options.containerName ?? DEFAULT_CONTAINER_NAME;
    this.startedBy = options.startedBy ?? DEFAULT_STARTED_BY;
  }

  async list(): Promise<TaskInstance[]> {
    // ECS lists running tasks, and stopped ones for about an hour: that history drives the restart backoff.
    const arns = [...(await this.listArns('RUNNING')), ...(await this.listArns('STOPPED'))];
    const instances: TaskInstance[] = [];
    for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
      const out: DescribeTasksCommandOutput = await this.options.client.send(
        new DescribeTasksCommand({
          cluster: this.options.cluster,
          tasks: arns.slice(i, i + DESCRIBE_BATCH),
          include: ['TAGS'],
        }),
      );
      for (const task of out.tasks ?? []) {
        const instance = this.toInstance(task);
        if (instance) instances.push(instance);
      }
    }
    return instances;
  }

  async launch(spec: LaunchSpec): Promise<TaskInstance> {
    const role = await this.options.taskRoles?.roleFor(spec.connector);
    const taskRoleArn = role?.arn;
    const fresh = role?.createdAt !== undefined && Date.now() - role.createdAt < NEW_ROLE_PROPAGATION_MS;
    const runTask = (input: RunTaskCommandInput) =>
      fresh
        ? retry(() => this.sendRunTask(input, taskRoleArn), NEW_ROLE_RETRY)
        : this.options.client.send(new RunTaskCommand(input));
    let input = this.runTaskInput(spec, taskRoleArn);
    let out = await runTask(input);
    // The token's launch happened long ago and its task has stopped since (ECS forgets stopped tasks after about
    // an hour, the token after 24): this is a relaunch the caller could not name. Replace that stopped task.
    for (let retry = 0; retry < STALE_TOKEN_RETRIES && isStoppedTask(out.tasks?.[0]); retry++) {
      input = this.runTaskInput({ ...spec, replaces: out.tasks?.[0]?.taskArn }, taskRoleArn);
      out = await runTask(input);
    }
    const task = out.tasks?.[0];
    if (!task) {
      const why = (out.failures ?? [])
        .map((f) => `${f.reason ?? 'unknown'}${f.detail ? ` (${f.detail})` : ''}`)
        .join('; ');
      // Capacity shortages are transient: the next reconcile tries again.
      throw new ServiceUnavailableError(
        `ECS RunTask placed no task for ${spec.connector}-${spec.taskId}: ${why || 'no reason given'}`,
      );
    }
    return (
      this.toInstance(task) ?? { ...spec, instanceId: task.taskArn ?? '', state: 'PENDING', startedAt: Date.now() }
    );
  }

  async stop(instanceId: string, reason: string): Promise<void> {
    try {
      await this.options.client.send(
        new StopTaskCommand({ cluster: this.options.cluster, task: instanceId, reason: reason.slice(0, MAX_REASON) }),
      );
    } catch (error) {
      // Stopping a task that is gone (or already stopped) is success: stop is idempotent.
      const name = (error as { name?: string }).name;
      if (name !== 'InvalidParameterException' && name !== 'ResourceNotFoundException') throw error;
    }
  }

  /** The connector is gone and so are its tasks: delete its task role (no-op without per-connector roles). */
  async release(connector: string): Promise<void> {
    await this.options.taskRoles?.remove(connector);
  }

  /**
   * RunTask with a role IAM may not have propagated yet: ECS's refusal to assume it (an error, or a failure of
   * the call, naming the role) is marked retriable for the shared retry policy; anything else is not.
   */
  private async sendRunTask(input: RunTaskCommandInput, roleArn: string | undefined): Promise<RunTaskCommandOutput> {
    const aboutRole = (text: string | undefined): boolean =>
      roleArn !== undefined && text !== undefined && (text.includes(roleArn) || /assume the role/i.test(text));
    let out: RunTaskCommandOutput;
    try {
      out = await this.options.client.send(new RunTaskCommand(input));
    } catch (error) {
      if (aboutRole((error as Error).message)) Object.assign(error as object, { retriable: true });
      throw error;
    }
    const failure = (out.failures ?? []).find((f) => aboutRole(`${f.reason ?? ''} ${f.detail ?? ''}`));
    if (!out.tasks?.[0] && failure) {
      throw Object.assign(new Error(`ECS RunTask: ${failure.reason ?? ''} ${failure.detail ?? ''}`), {
        retriable: true,
      });
    }
    return out;
  }

  /** The RunTask request for one instance (exposed for tests of the request shape). */
  runTaskInput(spec: LaunchSpec, taskRoleArn?: string): RunTaskCommandInput {
    const request = this.runTaskRequest(spec, taskRoleArn);
    return { ...request, clientToken: runTaskClientToken(request, spec.replaces) };
  }

  private runTaskRequest(spec: LaunchSpec, taskRoleArn: string | undefined): RunTaskCommandInput {
    const o = this.options;
    const environment = [
      ...Object.entries(o.environment ?? {}).map(([name, value]) => ({ name, value })),
      { name: ENV_CONNECTOR, value: spec.connector },
      { name: ENV_TASK_ID, value: String(spec.taskId) },
      { name: ENV_GENERATION, value: String(spec.generation) },
    ];
    const placement: Partial<RunTaskCommandInput> =
      (o.capacityProvider ?? 'FARGATE') === 'FARGATE'
        ? { launchType: 'FARGATE' }
        : // Spot needs the strategy form (and FARGATE_SPOT associated with the cluster).
          { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] };
    return {
      cluster: o.cluster,
      taskDefinition: o.taskDefinition,
      count: 1,
      ...placement,
      startedBy: this.startedBy,
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: [...o.subnets],
          securityGroups: [...(o.securityGroups ?? [])],
          assignPublicIp: o.assignPublicIp ?? 'DISABLED',
        },
      },
      overrides: {
        // The connector's own role (least privilege per connector); the clientToken covers it.
        ...(taskRoleArn ? { taskRoleArn } : {}),
        containerOverrides: [{ name: this.containerName, environment }],
      },
      tags: [
        { key: TAG_CONNECTOR, value: tagValue(spec.connector) },
        { key: TAG_TASK_ID, value: String(spec.taskId) },
        { key: TAG_GENERATION, value: String(spec.generation) },
      ],
    };
  }

  private async listArns(desiredStatus: 'RUNNING' | 'STOPPED'): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.options.client.send(
        new ListTasksCommand({ cluster: this.options.cluster, startedBy: this.startedBy, desiredStatus, nextToken }),
      );
      arns.push(...(out.taskArns ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
    return arns;
  }

  /** undefined for tasks that are not ours (no identity in the environment). */
  private toInstance(task: Task): TaskInstance | undefined {
    if (!task.taskArn || (task.startedBy !== undefined && task.startedBy !== this.startedBy)) return undefined;
    const startedAt = (task.startedAt ?? task.createdAt ?? new Date()).getTime();
    return taskInstanceOf(
      {
        taskArn: task.taskArn,
        lastStatus: task.lastStatus,
        desiredStatus: task.desiredStatus,
        stoppedReason: task.stoppedReason,
        startedAt,
        stoppedAt: (task.stoppedAt ?? task.stoppingAt ?? new Date(startedAt)).getTime(),
        containers: task.containers ?? [],
        containerOverrides: task.overrides?.containerOverrides ?? [],
      },
      this.containerName,
    );
  }
}

/** What identifies one of our instances in an ECS task, as DescribeTasks and EventBridge events both carry it. */
export interface EcsTaskView {
  readonly taskArn: string;
  readonly lastStatus?: string | undefined;
  readonly desiredStatus?: string | undefined;
  readonly stoppedReason?: string | undefined;
  readonly startedAt: number;
  /** when it stopped (used only once STOPPED) */
  readonly stoppedAt: number;
  readonly containers: readonly {
    name?: string | undefined;
    exitCode?: number | undefined;
    reason?: string | undefined;
  }[];
  readonly containerOverrides: readonly {
    name?: string | undefined;
    environment?: readonly { name?: string | undefined; value?: string | undefined }[] | undefined;
  }[];
}

/** The ECS task as one of our TaskInstances; undefined when its container carries no identity of ours. */
export function taskInstanceOf(task: EcsTaskView, containerName: string): TaskInstance | undefined {
  const env = new Map(
    task.containerOverrides
      .filter((c) => c.name === containerName)
      .flatMap((c) => c.environment ?? [])
      .map((e) => [e.name ?? '', e.value ?? '']),
  );
  const connector = env.get(ENV_CONNECTOR);
  const taskId = Number(env.get(ENV_TASK_ID));
  const generation = Number(env.get(ENV_GENERATION));
  if (connector === undefined || !Number.isInteger(taskId) || !Number.isInteger(generation)) return undefined;
  const state = instanceState(task);
  const container = task.containers.find((c) => c.name === containerName) ?? task.containers[0];
  const reason = [task.stoppedReason, container?.reason].filter((r) => r && r.length > 0).join('; ');
  return {
    instanceId: task.taskArn,
    connector,
    taskId,
    generation,
    state,
    startedAt: task.startedAt,
    ...(state === 'STOPPED' ? { stoppedAt: task.stoppedAt, exitCode: container?.exitCode ?? null } : {}),
    ...(reason ? { stoppedReason: reason } : {}),
  };
}

/**
 * The RunTask idempotency token of one launch: a SHA-256 (64 hex characters, ECS's maximum) of the request, which
 * carries the connector, task id and generation (environment and tags), the cluster, task definition and network,
 * and of the instance the launch replaces. The same launch asked twice gets the same token; a relaunch after that
 * instance stopped replaces another one, so it gets a new token; a changed request (a stack update of subnets or
 * the task definition) gets a new one too, where a reused token would fail with a parameter mismatch.
 */
export function runTaskClientToken(request: Omit<RunTaskCommandInput, 'clientToken'>, replaces?: string): string {
  return createHash('sha256')
    .update(JSON.stringify(request))
    .update('\n')
    .update(replaces ?? '')
    .digest('hex');
}

const isStoppedTask = (task: Task | undefined): boolean =>
  task !== undefined && (task.lastStatus === 'STOPPED' || task.desiredStatus === 'STOPPED');

/** ECS lifecycle states after RUNNING: the container is on its way out, whatever the desired status says. */
const STOPPING_STATUSES: ReadonlySet<string> = new Set(['DEACTIVATING', 'STOPPING', 'DEPROVISIONING']);

/** ECS lastStatus/desiredStatus → our four states. */
export function instanceState(task: Pick<Task, 'lastStatus' | 'desiredStatus'>): InstanceState {
  if (task.lastStatus === 'STOPPED' || task.lastStatus === 'DELETED') return 'STOPPED';
  if (task.desiredStatus === 'STOPPED' || STOPPING_STATUSES.has(task.lastStatus ?? '')) return 'STOPPING';
  if (task.lastStatus === 'RUNNING') return 'RUNNING';
  return 'PENDING';
}

/** Tag values allow letters, digits, spaces and `+ - = . _ : / @`; anything else becomes `_`. */
export const tagValue = (value: string): string =>
  value.replace(/[^\p{L}\p{N}\s+\-=._:/@]/gu, '_').slice(0, MAX_TAG_VALUE);
