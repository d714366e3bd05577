import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from './api-error.js';

export interface ProxyAnswer {
  readonly status: number;
  readonly body: string;
}

// One HTTP request to a pod's port through the API server (…/pods/<pod>:<port>/proxy/<path>),
// authenticated as the kubeconfig says. client-node's generated proxy calls carry no body,
// and Patroni's POST /switchover needs one.
export async function podProxyRequest(
  config: KubeConfig,
  request: { method: 'GET' | 'POST'; namespace: string; pod: string; port: number; path: string; body?: unknown; timeoutMs?: number },
): Promise<ProxyAnswer> {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(`${cluster.server.replace(/\/$/, '')}/api/v1/namespaces/${encodeURIComponent(request.namespace)}/pods/${encodeURIComponent(`${request.pod}:${request.port}`)}/proxy/${request.path.replace(/^\//, '')}`);
  const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
  const options: https.RequestOptions = {
    method: request.method,
    headers: { accept: 'application/json, text/plain', ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
    timeout: request.timeoutMs ?? 30_000,
  };
  await config.applyToHTTPSOptions(options);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<ProxyAnswer>((resolve, reject) => {
    const req = transport.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${request.pod}:${request.port} within ${request.timeoutMs ?? 30_000}ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

// The body of a 2xx answer; otherwise the error names the call, the status and the body.
export function proxyBody(what: string, answer: ProxyAnswer): string {
  if (answer.status >= 200 && answer.status < 300) return answer.body;
  let reason = 'Unknown';
  let message = answer.body.trim().slice(0, 300);
  try {
    const status = JSON.parse(answer.body) as { kind?: string; reason?: string; message?: string };
    if (status.kind === 'Status') [reason, message] = [status.reason ?? reason, status.message ?? message];
  } catch {
    // Patroni answers in plain text.
  }
  return ((): never => {
    throw new KubeApiError(what, answer.status, reason, message || 'no body');
  })();
}
