import type { Server } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/** What the manager needs of a started HTTP(S) server. */
export interface Listener {
  listen(options: { host: string; port: number }): Promise<string>;
  close(): PromiseLike<undefined> | Promise<void>;
  server: Server;
}

/** A named check; throwing or resolving false means unhealthy. */
export type Check = () => boolean | Promise<boolean>;

async function passes(check: Check): Promise<boolean> {
  try {
    return await check();
  } catch {
    return false;
  }
}

/** Answers like controller-runtime's healthz handler: 200 "ok" or 500 listing the failed checks. */
async function checkReport(checks: ReadonlyMap<string, Check>): Promise<{ code: number; body: string }> {
  const failed: string[] = [];
  for (const [name, check] of checks) if (!(await passes(check))) failed.push(name);
  return failed.length === 0 ? { code: 200, body: 'ok' } : { code: 500, body: failed.map((name) => `[-]${name} failed`).join('\n') };
}

/** `/healthz` and `/readyz` (liveness and readiness) on one plain-HTTP listener. */
export function probeServer(liveness: ReadonlyMap<string, Check>, readiness: ReadonlyMap<string, Check>): FastifyInstance {
  const app = Fastify({ logger: false });
  for (const [path, checks] of [
    ['/healthz', liveness],
    ['/readyz', readiness],
  ] as const) {
    app.get(path, async (_request, reply) => {
      const report = await checkReport(checks);
      return reply.code(report.code).type('text/plain').send(report.body);
    });
  }
  return app;
}

/** `/metrics` in the Prometheus text format. */
export function metricsServer(registry: Registry): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  return app;
}
