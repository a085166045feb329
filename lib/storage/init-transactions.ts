/**
 * Java's `initTransactions()` bound: InitProducerId for a transactional id blocks at most `max.block.ms`, then
 * fails with a TimeoutException. Both Kafka clients we adapt retry InitProducerId without end while the
 * transaction coordinator is not available (e.g. a broker whose transaction state log cannot be created), so both
 * adapters bound it here, with one message. SDK-free, so the adapters (which never import each other) share it.
 */

/**
 * `init` (the client's InitProducerId in flight), or a rejection after `timeoutMs` naming the transactional id and
 * the broker settings that usually cause it. A late failure of `init` after the timeout is swallowed.
 */
export async function awaitInitProducerId<T>(init: Promise<T>, timeoutMs: number, transactionalId: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      init,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `Timeout expired after ${timeoutMs}ms while awaiting InitProducerId for transactional.id '${transactionalId}' ` +
                  '(does the broker allow transactions? check transaction.state.log.replication.factor and ' +
                  'transaction.state.log.min.isr against the live brokers)',
              ),
            ),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    init.catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
