import type { DriverTransport } from '../../harness/load/ledger-remote/client.js';

// The remote ledger driver reached over plain HTTP on 127.0.0.1 (a Job's pod is reached
// through the API server's pod proxy instead).
export function localDriverTransport(port: number): DriverTransport {
  return {
    request: async (method, p) => {
      const res = await fetch(`http://127.0.0.1:${port}${p}`, { method });
      return { status: res.status, body: await res.text() };
    },
  };
}
