/** One log line per request: method, path, status, time, request id, tenant and key prefix; never headers, query or body. */
import { randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../service/log.js';
import type { AppEnv } from '../app-env.js';

export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const t0 = performance.now();
    const requestId = randomBytes(6).toString('hex');
    c.set('requestId', requestId);
    c.header('x-request-id', requestId);
    await next();
    const principal = c.get('principal');
    logger.log(c.res.status >= 500 ? 'error' : 'info', 'request', {
      requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - t0),
      tenant: principal?.tenantId, key: principal?.keyPrefix,
    });
  };
}
