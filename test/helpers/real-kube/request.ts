import https from 'node:https';

// One request to the real API server with the admin token, as plain JSON: what the kubelet
// stand-in writes (node and pod status, Leases, bindings) needs no client library between it
// and the server. Status 0 when nothing answered.
export interface ApiAnswer {
  readonly status: number;
  readonly body: string;
  json<T = Record<string, unknown>>(): T;
}

export interface ApiAccess {
  readonly url: string;
  readonly ca: Buffer;
  readonly token: string;
}

export function apiRequest(access: ApiAccess, method: string, pathname: string, body?: unknown, contentType = 'application/json'): Promise<ApiAnswer> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = https.request(
      `${access.url}${pathname}`,
      {
        method,
        ca: access.ca,
        headers: { authorization: `Bearer ${access.token}`, accept: 'application/json', ...(payload ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}) },
        timeout: 10_000,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(answer(response.statusCode ?? 0, text)));
      },
    );
    request.on('error', () => resolve(answer(0, '')));
    request.on('timeout', () => request.destroy());
    if (payload) request.write(payload);
    request.end();
  });
}

function answer(status: number, body: string): ApiAnswer {
  return { status, body, json: <T>() => JSON.parse(body) as T };
}

// Throws with the server's words unless the status is one of `ok`.
export async function expectStatus(what: string, answered: Promise<ApiAnswer>, ok: readonly number[] = [200, 201]): Promise<ApiAnswer> {
  const a = await answered;
  if (!ok.includes(a.status)) throw new Error(`${what}: HTTP ${a.status} ${a.body.slice(0, 500)}`);
  return a;
}
