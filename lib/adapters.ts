// Thin framework adapters over Negotiator. They use structural types only, so
// the package has no runtime or type dependency on any framework.
import type { IncomingMessage, ServerResponse } from 'http';
import { AuthInfo, NegotiateError, NegotiateOptions, NegotiateOutcome, Negotiator } from './http';
import { SspiError } from './errors';

/** The error an adapter hands to the framework's error handler: status + the typed cause. */
export class NegotiateHttpError extends Error {
  readonly status: number;
  readonly statusCode: number;
  readonly expose = true;
  readonly code: string;
  constructor(readonly outcome: Extract<NegotiateOutcome, { kind: 'respond' }>) {
    super(outcome.body);
    this.name = 'NegotiateHttpError';
    this.status = this.statusCode = outcome.status;
    this.code = outcome.error?.code ?? 'ERR_NEGOTIATE_UNAUTHENTICATED';
  }
  /** The SspiError or NegotiateError behind it, if any. */
  get cause(): SspiError | NegotiateError | null {
    return this.outcome.error;
  }
}

function negotiatorOf(options: NegotiateOptions | Negotiator): Negotiator {
  return options instanceof Negotiator ? options : new Negotiator(options);
}

interface ExpressLikeRequest extends IncomingMessage {
  auth?: AuthInfo;
}

/**
 * Express middleware: sets req.auth. A challenge (401 with WWW-Authenticate) is
 * sent directly; 403/500 go to the error handler as NegotiateHttpError.
 */
export function negotiateExpress(options: NegotiateOptions | Negotiator = {}) {
  const negotiator = negotiatorOf(options);
  return (req: ExpressLikeRequest, res: ServerResponse, next: (err?: unknown) => void): void => {
    negotiator.authenticate(req).then((outcome) => {
      if (outcome.kind === 'pass') return next();
      if (outcome.kind === 'authenticated') {
        for (const [k, v] of Object.entries(outcome.headers)) res.setHeader(k, v);
        req.auth = outcome.auth;
        return next();
      }
      for (const [k, v] of Object.entries(outcome.headers)) res.setHeader(k, v);
      if (outcome.status === 401) {
        res.statusCode = 401;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(outcome.body);
        return undefined;
      }
      return next(new NegotiateHttpError(outcome));
    }, next);
  };
}

interface KoaLikeContext {
  req: IncomingMessage;
  state: Record<string, unknown>;
  status: number;
  body: unknown;
  set(field: string, value: string | string[]): void;
}

/** Koa middleware: sets ctx.state.auth; 401 answered directly, 403/500 thrown as NegotiateHttpError. */
export function negotiateKoa(options: NegotiateOptions | Negotiator = {}) {
  const negotiator = negotiatorOf(options);
  return async (ctx: KoaLikeContext, next: () => Promise<unknown>): Promise<void> => {
    const outcome = await negotiator.authenticate(ctx.req);
    if (outcome.kind === 'pass') {
      await next();
      return;
    }
    for (const [k, v] of Object.entries(outcome.headers)) ctx.set(k, v);
    if (outcome.kind === 'authenticated') {
      ctx.state.auth = outcome.auth;
      await next();
      return;
    }
    if (outcome.status === 401) {
      ctx.status = 401;
      ctx.body = outcome.body;
      return;
    }
    throw new NegotiateHttpError(outcome);
  };
}

interface FastifyLikeRequest {
  raw: IncomingMessage;
  auth?: AuthInfo;
}
interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  header(name: string, value: string | string[]): FastifyLikeReply;
  send(payload?: unknown): FastifyLikeReply;
}

/**
 * Fastify onRequest hook: `app.addHook('onRequest', negotiateFastify(opts))`;
 * sets request.auth (declare it with app.decorateRequest('auth', null)).
 * 401 answered directly, 403/500 thrown as NegotiateHttpError for setErrorHandler.
 */
export function negotiateFastify(options: NegotiateOptions | Negotiator = {}) {
  const negotiator = negotiatorOf(options);
  return async (request: FastifyLikeRequest, reply: FastifyLikeReply): Promise<FastifyLikeReply | undefined> => {
    const outcome = await negotiator.authenticate(request.raw);
    if (outcome.kind === 'pass') return undefined;
    for (const [k, v] of Object.entries(outcome.headers)) reply.header(k, v);
    if (outcome.kind === 'authenticated') {
      request.auth = outcome.auth;
      return undefined;
    }
    if (outcome.status === 401) {
      // An async hook that replied returns the reply, so Fastify stops the chain.
      return reply.code(401).header('Content-Type', 'text/plain; charset=utf-8').send(outcome.body);
    }
    throw new NegotiateHttpError(outcome);
  };
}
