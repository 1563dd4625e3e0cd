// No-egress guard (issue #12): a `--require` preload (or NODE_OPTIONS="--require …") that records
// every outbound network attempt of a Node process — TCP and TLS connects (net, http, https, tls,
// fetch all end in net.Socket#connect), DNS queries and UDP sends — one JSON line per attempt in
// the file named by CXR_EGRESS_LOG, from the main thread and every worker thread (workers inherit
// execArgv and NODE_OPTIONS, so child Node processes are covered too).
//
//   CXR_EGRESS_LOG=/tmp/egress.jsonl node --require ./scripts/noEgress.cjs dist/harness/server.js
//
// A line: {"pid","thread","kind":"start"|"connect"|"dns"|"udp","host","port","path","allowed"}
// ("start": the guard is active in that process or thread). Allowed:
// loopback (127.0.0.0/8, ::1, localhost), local sockets and pipes, and the hosts or host:port
// pairs in CXR_EGRESS_ALLOW (comma-separated; a configured PACS). CXR_EGRESS_BLOCK=1 also refuses
// every attempt that is not allowed (the error's code is EGRESS_BLOCKED), so a tool that would
// go online fails fast instead (scripts/securityScan.mjs). Used by tests/unit/release/noEgress.test.ts.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload for `node --require`, which cannot be an ES module */

const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');
const dgram = require('node:dgram');
const { threadId } = require('node:worker_threads');

const INSTALLED = Symbol.for('cxr.noEgress.installed');

/** True for loopback names and addresses: 127.0.0.0/8, ::1, ::ffff:127.x, localhost, 0.0.0.0, ::. */
function isLoopback(host) {
  if (host === undefined || host === null || host === '') return true; // Node's default host is localhost
  const h = String(host).toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  // Connecting to the unspecified address reaches this host (Linux, macOS).
  if (h === '0.0.0.0' || h === '::') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return net.isIPv4(v4) && v4.startsWith('127.');
}

function allowList(env) {
  return (env.CXR_EGRESS_ALLOW || '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/** Whether an attempt to host[:port] is allowed: loopback, a local socket, or listed. */
function isAllowed(host, port, path, allow) {
  if (path) return true;
  if (isLoopback(host)) return true;
  const h = String(host).toLowerCase();
  return allow.includes(h) || (port !== undefined && allow.includes(`${h}:${port}`));
}

/** Host, port and path of a net.Socket#connect call, whatever form its arguments take. */
function connectTarget(args) {
  let first = args[0];
  // net.connect() passes its already-normalised arguments: [options, callback].
  if (Array.isArray(first)) first = first[0];
  if (first && typeof first === 'object') return { host: first.host, port: first.port, path: first.path };
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first };
  return { host: typeof args[1] === 'string' ? args[1] : undefined, port: first };
}

function install(options = {}) {
  if (globalThis[INSTALLED]) return;
  globalThis[INSTALLED] = true;
  const env = options.env || process.env;
  const logFile = options.logFile !== undefined ? options.logFile : env.CXR_EGRESS_LOG;
  const block = options.block !== undefined ? options.block : env.CXR_EGRESS_BLOCK === '1';
  const allow = allowList(env);

  const record = (entry) => {
    const line = { pid: process.pid, thread: threadId, ...entry };
    if (logFile) {
      try {
        fs.appendFileSync(logFile, JSON.stringify(line) + '\n');
      } catch {
        // The log folder is gone (a test cleaned up before the process ended): nothing to record into.
      }
    }
    return line;
  };
  // One line per process and thread that runs guarded, so a test can tell they all were.
  record({ kind: 'start', host: null, port: null, path: process.argv[1] || null, allowed: true });
  const blockedError = (what) => Object.assign(new Error(`network access blocked by the no-egress guard: ${what}`), { code: 'EGRESS_BLOCKED' });

  const originalConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function connect(...args) {
    const { host, port, path } = connectTarget(args);
    const allowed = isAllowed(host, port, path, allow);
    record({ kind: 'connect', host: host === undefined ? null : String(host), port: port === undefined ? null : Number(port), path: path || null, allowed });
    if (!allowed && block) {
      process.nextTick(() => this.destroy(blockedError(`${host}:${port}`)));
      return this;
    }
    return originalConnect.apply(this, args);
  };

  const guardDns = (target, name, promise) => {
    const original = target[name];
    if (typeof original !== 'function') return;
    target[name] = function guarded(hostname, ...rest) {
      // An IP literal is "resolved" without a query; where it connects to is checked at the connect.
      const allowed = net.isIP(String(hostname)) !== 0 || isAllowed(hostname, undefined, undefined, allow);
      record({ kind: 'dns', host: String(hostname), port: null, path: null, allowed });
      if (!allowed && block) {
        const err = blockedError(`DNS ${hostname}`);
        if (promise) return Promise.reject(err);
        const callback = rest[rest.length - 1];
        if (typeof callback === 'function') process.nextTick(() => callback(err));
        return undefined;
      }
      return original.call(this, hostname, ...rest);
    };
  };
  const resolvers = ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveTxt', 'resolveSrv', 'resolvePtr', 'resolveNaptr', 'resolveSoa', 'resolveCaa', 'reverse'];
  for (const name of resolvers) {
    guardDns(dns, name, false);
    guardDns(dns.promises, name, true);
    guardDns(dns.Resolver.prototype, name, false);
    guardDns(dns.promises.Resolver.prototype, name, true);
  }

  const originalSend = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function send(msg, ...rest) {
    // send(msg[, offset, length], port[, address][, callback]) or, once connected, send(msg[, callback]).
    const numbers = rest.filter((a) => typeof a === 'number');
    const port = numbers.length ? numbers[numbers.length - 1] : undefined;
    const address = rest.find((a) => typeof a === 'string');
    if (port !== undefined) {
      const allowed = isAllowed(address, port, undefined, allow);
      record({ kind: 'udp', host: address || null, port, path: null, allowed });
      if (!allowed && block) throw blockedError(`UDP ${address}:${port}`);
    }
    return originalSend.call(this, msg, ...rest);
  };
  const originalUdpConnect = dgram.Socket.prototype.connect;
  dgram.Socket.prototype.connect = function connect(port, address, ...rest) {
    const host = typeof address === 'string' ? address : undefined;
    const allowed = isAllowed(host, port, undefined, allow);
    record({ kind: 'udp', host: host || null, port, path: null, allowed });
    if (!allowed && block) throw blockedError(`UDP ${host}:${port}`);
    return originalUdpConnect.call(this, port, address, ...rest);
  };
}

/** Reads a log written by the guard: every recorded attempt, in order. */
function readEgressLog(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

module.exports = { install, isLoopback, isAllowed, connectTarget, readEgressLog };

// As a preload (`--require`), the guard installs itself when a log or blocking is asked for.
if (process.env.CXR_EGRESS_LOG || process.env.CXR_EGRESS_BLOCK === '1') install();
