// A PostgreSQL server that speaks just enough of protocol 3.0 for a client to connect (no
// password), ask one simple query, and send extended-protocol writes, which it answers as
// the test says: commit them, go silent, or terminate the session with a FATAL error.
import net from 'node:net';

export type WriteAnswer = 'commit' | 'silent' | 'terminate';

export interface FakePostgres extends AsyncDisposable {
  readonly port: number;
  writesSeen(): number;
}

function frame(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}
const int16 = (n: number) => Buffer.from([n >> 8, n & 255]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const cString = (s: string) => Buffer.from(`${s}\0`);
const READY = frame('Z', Buffer.from('I'));

function oneTextRow(column: string, value: string): Buffer {
  const field = Buffer.concat([cString(column), int32(0), int16(0), int32(25), int16(-1 & 0xffff), int32(-1), int16(0)]);
  return Buffer.concat([frame('T', Buffer.concat([int16(1), field])), frame('D', Buffer.concat([int16(1), int32(value.length), Buffer.from(value)])), frame('C', cString('SELECT 1')), READY]);
}

function fatal(code: string, message: string): Buffer {
  return frame('E', Buffer.concat([cString('SFATAL'), cString('VFATAL'), cString(`C${code}`), cString(`M${message}`), Buffer.from([0])]));
}

export async function startFakePostgres(answer: WriteAnswer): Promise<FakePostgres> {
  let writes = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    let started = false;
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (!started) {
          if (pending.length < 4 || pending.length < pending.readInt32BE(0)) return;
          pending = pending.subarray(pending.readInt32BE(0));
          started = true;
          socket.write(Buffer.concat([frame('R', int32(0)), frame('K', Buffer.concat([int32(1), int32(2)])), READY]));
          continue;
        }
        if (pending.length < 5 || pending.length < 1 + pending.readInt32BE(1)) return;
        const type = String.fromCharCode(pending[0]!);
        pending = pending.subarray(1 + pending.readInt32BE(1));
        if (type === 'Q') socket.write(oneTextRow('server', '198.18.0.10'));
        else if (type === 'X') socket.end();
        else if (type === 'S') {
          writes++;
          if (answer === 'commit') socket.write(Buffer.concat([frame('2'), frame('C', cString('INSERT 0 1')), READY]));
          else if (answer === 'terminate') socket.end(fatal('57P01', 'terminating connection due to administrator command'));
        } else if (type === 'P' && answer === 'commit') socket.write(frame('1'));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    writesSeen: () => writes,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
