/** A TCP server that only records what it receives: a "broker" of a hostile caller's choosing (issue 13). */
import { createServer, type Server, type Socket } from 'node:net';

export interface FakeBroker {
  readonly port: number;
  bytes(): number;
  close(): Promise<void>;
}

export async function fakeBroker(): Promise<FakeBroker> {
  let received = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the fake broker has no port');
  return {
    port: address.port,
    bytes: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
