import { ReconcileLoop } from '../../lib/scheduler/reconcile-loop';
import type { ReconcileReport } from '../../lib/scheduler/reconciler';
import { waitFor } from '../services/env';

const report = (connectors: string[], nextWakeAt?: number): ReconcileReport => ({
  connectors,
  launched: [],
  stopped: [],
  nextWakeAt,
});

describe('ReconcileLoop', () => {
  it('serializes runs and coalesces triggers that arrive meanwhile', async () => {
    const calls: (string | undefined)[] = [];
    let active = 0;
    let maxActive = 0;
    const loop = new ReconcileLoop(
      async (name) => {
        calls.push(name);
        maxActive = Math.max(maxActive, ++active);
        await new Promise((resolve) => setImmediate(resolve));
        active--;
        return report(name ? [name] : []);
      },
      { intervalMs: 60_000 },
    );
    loop.trigger('a');
    loop.trigger('a');
    loop.trigger('b');
    await loop.idle();
    expect(calls).toEqual(['a', 'b']);
    loop.trigger('c');
    loop.trigger(); // everything: one full run covers c too
    await loop.idle();
    expect(calls.slice(2)).toEqual([undefined]);
    expect(maxActive).toBe(1);
    await loop.stop();
  });

  it('wakes itself when a delayed relaunch is due, and reports errors without stopping', async () => {
    const calls: (string | undefined)[] = [];
    const errors: unknown[] = [];
    let first = true;
    const loop = new ReconcileLoop(
      async (name) => {
        calls.push(name);
        if (first) {
          first = false;
          return report(['x'], Date.now() + 50);
        }
        throw new Error('store down');
      },
      { intervalMs: 60_000, onError: (e) => errors.push(e) },
    );
    loop.trigger('x');
    await waitFor(() => calls.length === 2, { timeoutMs: 5000, description: 'woken for x' });
    expect(calls).toEqual(['x', 'x']);
    await waitFor(() => errors.length === 1, { timeoutMs: 5000, description: 'error reported' });
    await loop.stop();
    loop.trigger('y');
    await loop.idle();
    expect(calls).toEqual(['x', 'x']); // no runs after stop
  });
});
