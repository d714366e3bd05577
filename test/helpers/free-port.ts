import net from 'node:net';

// A TCP port on 127.0.0.1 nobody listens on right now, for a process that wants its port
// given (the bundled ledger driver).
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
