import type { BrokerManagement } from '../management/broker-management.js';
import type { MBean, OperationInfo } from '../management/mbean.js';
import { MBeanRegistry } from '../management/mbean-registry.js';
import { ObjectName } from '../management/object-name.js';
import { BrokerError, type ErrorCode, ErrorCodes } from '../util/errors.js';
import { HttpError, sendJson, type WebRequest, type WebRoute } from './http-support.js';

/** The Jolokia agent version ActiveMQ 5.17 bundles, and its protocol version, as `version` reports them. */
const AGENT_VERSION = '1.7.1';
const PROTOCOL_VERSION = '7.2';
/** Most requests one bulk POST may carry. */
const MAX_BULK = 100;

export interface JolokiaRequest {
  type: string;
  mbean?: string;
  attribute?: string | string[];
  operation?: string;
  arguments?: unknown[];
  path?: string;
}

class JolokiaError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

function notFound(message: string, code: ErrorCode = 'ERR_MANAGEMENT_INSTANCE_NOT_FOUND'): JolokiaError {
  return new JolokiaError(404, ErrorCodes[code], message);
}

function badRequest(message: string): JolokiaError {
  return new JolokiaError(400, ErrorCodes.ERR_MANAGEMENT_BAD_REQUEST, message);
}

/**
 * A Jolokia-compatible agent at /api/jolokia (the subset monitoring tools and hawtio use): read (one, several or
 * all attributes; ObjectName patterns), exec, search, list and version, as GET URLs (`/read/<mbean>/<attr>`, with
 * `!/` escaping a slash) and as POSTed JSON, one request or a bulk array. Answers use Jolokia's envelope
 * `{request, value, timestamp, status}`, errors `{request, error_type, error, status}`; as the Jolokia agent does,
 * the HTTP status stays 200 and the envelope's status says 404 (no such MBean/attribute) or 400 (bad request).
 *
 * Reads need the user role; exec needs admin unless the operation only reads (browse, getMessage).
 */
export class JolokiaRoute implements WebRoute {
  readonly prefix = '/api/jolokia';
  private readonly registry: MBeanRegistry;

  constructor(private readonly mgmt: BrokerManagement) {
    this.registry = new MBeanRegistry(mgmt);
  }

  changesState(_r: WebRequest, rest: string): boolean {
    return rest.startsWith('/exec');
  }

  async handle(r: WebRequest, rest: string): Promise<void> {
    const method = r.req.method ?? 'GET';
    if (method === 'GET') {
      let request: JolokiaRequest;
      try {
        request = parseGetPath(rest);
      } catch (e) {
        sendJson(r.res, 200, this.envelope({ type: 'unknown' }, e));
        return;
      }
      sendJson(r.res, 200, await this.answer(r, request));
      return;
    }
    if (method !== 'POST') throw new HttpError(405, `Method ${method} not allowed`);
    const text = (await r.body()).toString('utf8');
    if (text.trim() === '' && rest.length > 1) {
      // `curl -XPOST …/exec/<mbean>/<op>`: a POST without a body is read as the GET form of its URL.
      sendJson(r.res, 200, await this.answer(r, parseGetPath(rest)));
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'The request body is not JSON');
    }
    if (Array.isArray(parsed)) {
      if (parsed.length > MAX_BULK) throw new HttpError(400, `At most ${MAX_BULK} requests in one bulk request`);
      const out: unknown[] = [];
      for (const one of parsed) out.push(await this.answer(r, one as JolokiaRequest));
      sendJson(r.res, 200, out);
      return;
    }
    sendJson(r.res, 200, await this.answer(r, parsed as JolokiaRequest));
  }

  private async answer(r: WebRequest, request: JolokiaRequest): Promise<Record<string, unknown>> {
    try {
      if (typeof request !== 'object' || request === null || typeof request.type !== 'string') {
        throw badRequest('Invalid request: no type given');
      }
      const value = await this.execute(r, request);
      return { request, value, timestamp: Math.floor(Date.now() / 1000), status: 200 };
    } catch (e) {
      return this.envelope(request, e);
    }
  }

  private envelope(request: unknown, e: unknown): Record<string, unknown> {
    let err: JolokiaError;
    if (e instanceof JolokiaError) err = e;
    else if (e instanceof HttpError) err = new JolokiaError(e.status, 'java.lang.SecurityException', e.message);
    else if (e instanceof BrokerError) {
      const status =
        e.code === 'ERR_MANAGEMENT_INSTANCE_NOT_FOUND' || e.code === 'ERR_MANAGEMENT_ATTRIBUTE_NOT_FOUND'
          ? 404
          : e.isBrokerFault
            ? 500
            : 400;
      err = new JolokiaError(status, e.javaClassName, e.message);
    } else err = new JolokiaError(500, 'java.lang.Exception', e instanceof Error ? e.message : String(e));
    return { request, error_type: err.errorType, error: `${err.errorType} : ${err.message}`, status: err.status };
  }

  private async execute(r: WebRequest, q: JolokiaRequest): Promise<unknown> {
    switch (q.type.toLowerCase()) {
      case 'version':
        return {
          agent: AGENT_VERSION,
          protocol: PROTOCOL_VERSION,
          config: { agentId: `tidemq-${this.mgmt.brokerName}`, agentType: 'servlet' },
          info: { product: 'tidemq', vendor: 'TideMQ', version: this.mgmt.host.version },
        };
      case 'read':
        return this.read(q);
      case 'exec':
        return this.exec(r, q);
      case 'search': {
        const pattern = this.name(q.mbean);
        return this.registry.names(pattern).map((n) => n.canonical);
      }
      case 'list':
        return this.list(q.path);
      case 'write':
        throw badRequest('write is not supported: TideMQ attributes are read-only (use exec)');
      default:
        throw badRequest(`Unknown request type ${q.type}`);
    }
  }

  private name(text: unknown): ObjectName {
    if (typeof text !== 'string' || text === '') throw badRequest('No MBean name given');
    try {
      return ObjectName.parse(text);
    } catch (e) {
      throw new JolokiaError(400, 'javax.management.MalformedObjectNameException', (e as Error).message);
    }
  }

  private one(text: unknown): MBean {
    const name = this.name(text);
    const [m] = this.registry.query(name);
    if (m === undefined || name.isPattern) throw notFound(name.canonical);
    return m;
  }

  private read(q: JolokiaRequest): unknown {
    const name = this.name(q.mbean);
    const attrs =
      q.attribute === undefined || q.attribute === null
        ? null
        : Array.isArray(q.attribute)
          ? q.attribute
          : [q.attribute];
    if (name.isPattern) {
      const matches = this.registry.query(name);
      if (matches.length === 0) {
        throw notFound(`No MBean with pattern ${name.canonical} found for reading attributes`);
      }
      const out: Record<string, unknown> = {};
      for (const m of matches) {
        const values: Record<string, unknown> = {};
        // For a pattern, attributes an MBean lacks are skipped, as Jolokia does.
        for (const a of attrs ?? Object.keys(m.attributes)) {
          const info = m.attributes[a];
          if (info !== undefined) values[a] = info.get();
        }
        if (Object.keys(values).length > 0) out[m.name.canonical] = values;
      }
      return out;
    }
    const m = this.one(q.mbean);
    const get = (a: string): unknown => {
      const info = m.attributes[a];
      if (info === undefined)
        throw notFound(`No attribute ${a} on MBean ${m.name.canonical}`, 'ERR_MANAGEMENT_ATTRIBUTE_NOT_FOUND');
      return info.get();
    };
    if (attrs === null) return Object.fromEntries(Object.entries(m.attributes).map(([k, a]) => [k, a.get()]));
    if (attrs.length === 1 && !Array.isArray(q.attribute)) return get(attrs[0]!);
    return Object.fromEntries(attrs.map((a) => [a, get(a)]));
  }

  private async exec(r: WebRequest, q: JolokiaRequest): Promise<unknown> {
    const m = this.one(q.mbean);
    if (typeof q.operation !== 'string' || q.operation === '') throw badRequest('No operation given');
    const args = q.arguments ?? [];
    if (!Array.isArray(args)) throw badRequest('arguments must be an array');
    const sig = /^([^(]+)\((.*)\)$/.exec(q.operation);
    const opName = sig ? sig[1]! : q.operation;
    const overloads = m.operations[opName];
    if (overloads === undefined) throw badRequest(`No operation ${q.operation} found on MBean ${m.name.canonical}`);
    let chosen: OperationInfo | undefined;
    if (sig) {
      const types = sig[2]!
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      chosen = overloads.find((o) => o.args.length === types.length && o.args.every((a, i) => a.type === types[i]));
    } else {
      const fitting = overloads.filter((o) => o.args.length === args.length);
      if (overloads.length > 1 && fitting.length !== 1) {
        throw badRequest(
          `Operation ${opName} on MBean ${m.name.canonical} is overloaded. Signatures found: ${overloads.map((o) => o.args.map((a) => a.type).join(',')).join('; ')}. Please use a signature in brackets.`,
        );
      }
      chosen = overloads.length === 1 ? overloads[0] : fitting[0];
    }
    if (chosen === undefined) throw badRequest(`No operation ${q.operation} found on MBean ${m.name.canonical}`);
    if (chosen.args.length !== args.length) {
      throw badRequest(
        `Invalid number of operation arguments. Operation ${opName} on ${m.name.canonical} requires ${chosen.args.length} parameters, not ${args.length} as given`,
      );
    }
    if (!chosen.readOnly && !r.isAdmin)
      throw new HttpError(403, `User ${r.user.name} may not run ${opName} (admin role required)`);
    const result = await chosen.invoke(args.map((a, i) => coerce(a, chosen.args[i]!.type)));
    return result === undefined ? null : result;
  }

  private list(path: string | undefined): unknown {
    const tree: Record<string, Record<string, unknown>> = {};
    for (const m of this.registry.all()) {
      const domain = (tree[m.name.domain] ??= {});
      const props = m.name.canonical.slice(m.name.domain.length + 1);
      domain[props] = {
        class: m.className,
        desc: m.description,
        attr: Object.fromEntries(
          Object.entries(m.attributes).map(([k, a]) => [k, { type: a.type, desc: a.desc, rw: false }]),
        ),
        op: Object.fromEntries(
          Object.entries(m.operations).map(([k, ops]) => {
            const shape = (o: OperationInfo): unknown => ({
              args: o.args.map((a) => ({ name: a.name, type: a.type, desc: a.name })),
              ret: o.ret,
              desc: o.desc,
            });
            return [k, ops.length === 1 ? shape(ops[0]!) : ops.map(shape)];
          }),
        ),
      };
    }
    if (path === undefined || path === '') return tree;
    let node: unknown = tree;
    for (const part of splitEscaped(path)) {
      if (typeof node !== 'object' || node === null || !(part in node))
        throw notFound(`No MBean or path ${path} to list`);
      node = (node as Record<string, unknown>)[part];
    }
    return node;
  }
}

/** A GET argument is text; numbers and booleans are read as the operation's parameter type asks. */
function coerce(v: unknown, type: string): unknown {
  if (typeof v !== 'string') return v;
  if (type === 'int' || type === 'long') {
    const n = Number(v);
    if (!Number.isFinite(n)) throw badRequest(`'${v.slice(0, 40)}' is not a number`);
    return n;
  }
  if (type === 'boolean') return v === 'true';
  if (v === '[null]') return null;
  return v;
}

/** Jolokia's GET path escaping: `!/` is a slash inside a part, `!!` an exclamation mark. */
export function splitEscaped(path: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '!' && i + 1 < path.length) {
      cur += path[++i];
    } else if (c === '/') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts.filter((p, i) => !(p === '' && (i === 0 || i === parts.length - 1)));
}

/** `/read/<mbean>/<attribute>`, `/exec/<mbean>/<op>/<args…>`, `/search/<pattern>`, `/list/<path>`, `/version`. */
export function parseGetPath(rest: string): JolokiaRequest {
  const parts = splitEscaped(rest).map((p) => decodeURIComponent(p));
  const [type, ...args] = parts;
  switch (type) {
    case undefined:
    case 'version':
      return { type: 'version' };
    case 'read': {
      const req: JolokiaRequest = { type: 'read', mbean: args[0] ?? '' };
      if (args[1] !== undefined && args[1] !== '') req.attribute = args[1].includes(',') ? args[1].split(',') : args[1];
      return req;
    }
    case 'exec':
      return { type: 'exec', mbean: args[0] ?? '', operation: args[1] ?? '', arguments: args.slice(2) };
    case 'search':
      return { type: 'search', mbean: args[0] ?? '' };
    case 'list':
      return { type: 'list', path: args.join('/') };
    default:
      throw badRequest(`Unknown request type ${type}`);
  }
}
