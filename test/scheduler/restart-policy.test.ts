import {
  backoffDelay,
  decideRelaunch,
  heartbeatSettingsFor,
  intentionalStopReason,
  restartPolicyFor,
} from '../../lib/scheduler/restart-policy';
import type { TaskInstance } from '../../lib/storage/ports';

const stopped = (startedAt: number, stoppedAt: number, stoppedReason = 'Exited with code 1'): TaskInstance => ({
  instanceId: `i-${startedAt}`,
  connector: 'c',
  taskId: 0,
  generation: 1,
  state: 'STOPPED',
  startedAt,
  stoppedAt,
  exitCode: 1,
  stoppedReason,
});

describe('restart policy', () => {
  it('takes connector config over worker config over defaults, ignoring invalid values', () => {
    expect(restartPolicyFor(undefined, undefined)).toEqual({
      mode: 'always',
      backoffInitialMs: 1000,
      backoffMaxMs: 60000,
    });
    expect(
      restartPolicyFor(
        { 'task.restart.policy': 'never', 'task.restart.backoff.initial.ms': '200' },
        { 'task.restart.policy': 'ALWAYS', 'task.restart.backoff.initial.ms': 'soon' },
      ),
    ).toEqual({ mode: 'always', backoffInitialMs: 200, backoffMaxMs: 60000 });
    expect(restartPolicyFor({ 'task.restart.backoff.max.ms': '10' }, {}).backoffMaxMs).toBe(1000); // never below initial
    expect(heartbeatSettingsFor({ 'task.heartbeat.interval.ms': '5000', 'task.heartbeat.timeout.ms': '6000' })).toEqual(
      {
        intervalMs: 5000,
        timeoutMs: 10000,
      },
    );
  });

  it('doubles the delay per consecutive failure up to the cap', () => {
    const policy = { mode: 'always' as const, backoffInitialMs: 100, backoffMaxMs: 1000 };
    expect([0, 1, 2, 3, 4, 5, 50].map((n) => backoffDelay(policy, n))).toEqual([0, 100, 200, 400, 800, 1000, 1000]);
  });

  it('counts consecutive short-lived failures since the last planned stop', () => {
    const policy = { mode: 'always' as const, backoffInitialMs: 100, backoffMaxMs: 1000 };
    const history = [stopped(0, 10, intentionalStopReason('restart requested')), stopped(20, 30), stopped(40, 50)];
    expect(decideRelaunch(history, false, policy, 60)).toMatchObject({ action: 'wait', attempt: 2, dueAt: 250 });
    expect(decideRelaunch(history, false, policy, 250)).toMatchObject({ action: 'launch', attempt: 2 });
    expect(decideRelaunch([stopped(0, 10, intentionalStopReason('x'))], false, policy, 11)).toEqual({
      action: 'launch',
      attempt: 0,
    });
  });

  it('never relaunches under task.restart.policy=never, even without history when the task reported FAILED', () => {
    const never = { mode: 'never' as const, backoffInitialMs: 100, backoffMaxMs: 1000 };
    expect(decideRelaunch([stopped(0, 10)], false, never, 1e9).action).toBe('give-up');
    expect(decideRelaunch([], true, never, 0).action).toBe('give-up');
    expect(decideRelaunch([], false, never, 0).action).toBe('launch');
  });
});
