/**
 * The warm spare task process (local stack): the ProcessLauncher keeps one task-runner started ahead of need
 * (Node up, bundle loaded, stores open) and hands the next launch to it instead of spawning a fresh process, so a
 * new task skips the process start. Both sides of the hand-over live here: the launcher's messages over the
 * child's IPC channel, and `awaitAssignment()` for the task-runner.
 *
 * A spare takes exactly one assignment: once it has one it closes its IPC channel, after which it is an ordinary
 * task process (own process group, pid file, SIGTERM to stop) that outlives a crash of the local stack like any
 * other. A spare without an assignment exits when its channel closes (the stack stopped or crashed), so an idle
 * spare never outlives the stack that started it.
 */

/** Set in a spare's environment: it has no SKC_CONNECTOR / SKC_TASK_ID / SKC_GENERATION until it is assigned. */
export const SPARE_ENV = 'SKC_SPARE';

/** Child → launcher: the spare is warm and can take an assignment now. */
export interface SpareReady {
  readonly type: 'skc-spare-ready';
}

/** Launcher → child: the task this process runs from now on. */
export interface SpareAssignment {
  readonly type: 'skc-spare-assign';
  readonly connector: string;
  readonly taskId: number;
  readonly generation: number;
}

export const isSpareReady = (message: unknown): message is SpareReady =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'skc-spare-ready';

const isAssignment = (message: unknown): message is SpareAssignment =>
  typeof message === 'object' &&
  message !== null &&
  (message as { type?: unknown }).type === 'skc-spare-assign' &&
  typeof (message as { connector?: unknown }).connector === 'string' &&
  Number.isInteger((message as { taskId?: unknown }).taskId) &&
  Number.isInteger((message as { generation?: unknown }).generation);

/**
 * In the spare: report ready, then wait for the one assignment. Resolves with it, with the IPC channel closed and
 * the identity written into `env` (the task-runner's environment contract, as if launched for that task);
 * resolves undefined when the channel closes first (the launcher is gone) or this process was not started as a
 * spare (no IPC channel).
 */
export function awaitAssignment(env: NodeJS.ProcessEnv = process.env): Promise<SpareAssignment | undefined> {
  const send = process.send?.bind(process);
  if (!send || !process.connected) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (!isAssignment(message)) return;
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
      env.SKC_CONNECTOR = message.connector;
      env.SKC_TASK_ID = String(message.taskId);
      env.SKC_GENERATION = String(message.generation);
      delete env[SPARE_ENV];
      // From here on an ordinary task process: nothing ties its life to the launcher's any more.
      process.disconnect();
      resolve(message);
    };
    const onDisconnect = () => {
      process.off('message', onMessage);
      resolve(undefined);
    };
    process.on('message', onMessage);
    process.once('disconnect', onDisconnect);
    const ready: SpareReady = { type: 'skc-spare-ready' };
    send(ready);
  });
}
