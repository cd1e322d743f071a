// Serves the built web apps (web/dist, made by `npm run web:build`): the public portal at `/` and the
// console at `/admin`. Hashed assets are static files under /assets/; every other GET that asks for
// HTML and is not an API or ledger path gets the app's index.html (client-side routes), answered from
// the app's not-found handler so /api, /ledger, /docs, /openapi.json, /healthz, /readyz and /metrics
// keep their own answers. Without a build the server still runs (tests need no browser or bundle).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const DEFAULT_WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

/** Paths that belong to the server, never to a web app. */
const SERVER_PATHS = /^\/(api|ledger|docs|openapi\.json|healthz|readyz|metrics|assets)(\/|$|\?)/;

// The apps load only their own scripts and styles; antd writes its styles at run time (style-src
// 'unsafe-inline'); photos picked on the phone are previewed from blob: URLs.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export interface WebOptions {
  distDir?: string;
}

/** Which app's page a path gets: the console under /admin, the portal elsewhere. */
export function appForPath(urlPath: string): 'admin' | 'portal' | null {
  if (SERVER_PATHS.test(urlPath)) return null;
  return urlPath === '/admin' || urlPath.startsWith('/admin/') ? 'admin' : 'portal';
}

const pageFile = (app: 'admin' | 'portal') => (app === 'admin' ? 'admin/index.html' : 'index.html');

/**
 * Mounts the assets on the app itself (not in a child context, so the not-found handler can send the
 * pages); returns the build folder, or null when there is no build.
 */
export async function mountWeb(app: FastifyInstance, opts: WebOptions = {}): Promise<string | null> {
  const distDir = opts.distDir ?? DEFAULT_WEB_DIST;
  if (!fs.existsSync(path.join(distDir, 'index.html'))) {
    app.log.warn({ distDir }, 'web apps not built (npm run web:build): / and /admin answer 404');
    return null;
  }
  await app.register(fastifyStatic, {
    root: path.join(distDir, 'assets'),
    prefix: '/assets/',
    decorateReply: true,
    index: false,
    immutable: true,
    maxAge: '365d',
  });
  return distDir;
}

/**
 * Answers a GET for a page of a web app with its index.html; returns false when the request is not
 * one (an API path, a non-GET, no build), so the caller sends its ordinary 404 problem.
 */
export function sendWebPage(distDir: string | null, request: FastifyRequest, reply: FastifyReply): boolean {
  if (!distDir || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
  const urlPath = request.url.split('?')[0] ?? '/';
  const which = appForPath(urlPath);
  if (!which) return false;
  // A path with a file extension (favicon.ico, robots.txt) is a file that is not there, not a page.
  if (/\.[a-z0-9]+$/i.test(urlPath) && !urlPath.endsWith('.html')) return false;
  reply
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache')
    .status(200);
  reply.sendFile(pageFile(which), distDir, { cacheControl: false, immutable: false });
  return true;
}
