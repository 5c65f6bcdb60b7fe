/**
 * `GET /metrics`: Prometheus text exposition (format 0.0.4). The admin API's own request counter,
 * followed by whatever the runtime's metrics source returns (already in exposition format).
 */
import { Hono } from 'hono';
import type { AdminEnv, RouteDeps } from '../app.ts';

/** Counts admin requests by method and status; rendered as `klb_admin_requests_total`. */
export class RequestCounter {
  readonly #counts = new Map<string, number>();

  record(method: string, status: number): void {
    const key = `${method
      .toUpperCase()
      .replace(/[^A-Z]/g, '')
      .slice(0, 10)} ${status}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  render(): string {
    const lines = [
      '# HELP klb_admin_requests_total Admin API requests by method and HTTP status.',
      '# TYPE klb_admin_requests_total counter',
    ];
    for (const [key, count] of [...this.#counts].sort()) {
      const [method, status] = key.split(' ');
      lines.push(`klb_admin_requests_total{method="${method}",status="${status}"} ${count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

export function metricsRoutes(deps: RouteDeps, counter: RequestCounter): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  app.get('/', async (c) => {
    let text = counter.render();
    if (deps.metrics !== undefined) {
      const extra = await deps.metrics();
      text += extra.endsWith('\n') || extra === '' ? extra : `${extra}\n`;
    }
    return c.body(text, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });
  return app;
}
