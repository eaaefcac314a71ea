import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { ConnectionDrain } from './connection-drain';

async function startServer(handlerMs: number): Promise<{ app: FastifyInstance; drain: ConnectionDrain; port: number }> {
  const app = Fastify({ logger: false });
  app.get('/slow', async () => {
    // Unreferenced so that a handler the test cut short does not keep jest alive.
    await new Promise((resolve) => setTimeout(resolve, handlerMs).unref());
    return 'done';
  });
  const drain = new ConnectionDrain(app.server);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, drain, port: Number(new URL(address).port) };
}

function openIdleConnection(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

function get(port: number, path: string): Promise<{ status: number; body: string } | Error> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', resolve);
    });
    req.on('error', resolve);
    req.end();
  });
}

describe('ConnectionDrain', () => {
  it('closes a server holding a connection that never sent a request (plain close would wait for it)', async () => {
    const { app, drain, port } = await startServer(0);
    const idle = await openIdleConnection(port);
    const ended = new Promise((resolve) => idle.once('close', resolve));
    await drain.close(() => app.close());
    await ended;
    expect(idle.destroyed).toBe(true);
  });

  it('lets a request in flight finish before ending the connections', async () => {
    const { app, drain, port } = await startServer(300);
    const answer = get(port, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await openIdleConnection(port);
    await drain.close(() => app.close(), 5_000);
    expect(await answer).toEqual({ status: 200, body: 'done' });
  });

  it('ends a request that outlasts the grace period', async () => {
    const { app, drain, port } = await startServer(10_000);
    const answer = get(port, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await drain.close(() => app.close(), 200);
    expect(await answer).toHaveProperty('message', 'socket hang up');
  });
});
