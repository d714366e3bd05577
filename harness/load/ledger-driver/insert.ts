// One ledger write on the wire, as a pg "submittable" (the extension point pg-cursor uses):
// a pre-encoded Bind, Execute and Sync of a statement parsed once per connection. pg still
// connects, authenticates (SCRAM, TLS) and parses the replies; what this skips is its
// per-query Describe round of the portal, its value mapping and its result objects, which
// cost a Node client about a third of its CPU per write and on a small machine take that
// CPU from the server under test.

const STATEMENT = 'kdrill_ledger_insert';

export class LedgerInsert {
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (error: unknown) => void;
  private message: Buffer;

  constructor(sql: string, id: number, payload: Buffer, parse: boolean) {
    const bind = bindExecuteSync(id, payload);
    this.message = parse ? Buffer.concat([parseMessage(sql), bind]) : bind;
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: { stream: { write(data: Uint8Array): unknown } }): null {
    connection.stream.write(this.message);
    return null;
  }

  // Settles at once, like pg's own queries: pg forgets the active query on an error, so the
  // ReadyForQuery that follows a server error (or none, after a FATAL) never reaches it.
  handleError(error: unknown): void {
    this.reject(error);
  }

  handleReadyForQuery(): void {
    this.resolve();
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {}
  handleCopyData(): void {}
}

// Frontend messages (protocol 3.0): a type byte, then an int32 length that counts itself.
function frame(type: string, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + body.length);
  out.write(type, 0, 'latin1');
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return out;
}

const cString = (s: string): Buffer => Buffer.from(`${s}\0`, 'utf8');

export function parseMessage(sql: string): Buffer {
  return frame('P', Buffer.concat([cString(STATEMENT), cString(sql), Buffer.from([0, 0])]));
}

const EXECUTE_SYNC = Buffer.concat([frame('E', Buffer.concat([cString(''), Buffer.alloc(4)])), frame('S', Buffer.alloc(0))]);
const STATEMENT_NAME = cString(STATEMENT);

// Bind the unnamed portal to the statement with two text parameters (id, payload) and text
// results, then execute it and end the implicit transaction.
export function bindExecuteSync(id: number, payload: Buffer): Buffer {
  const idText = String(id);
  const bodyLength = 1 + STATEMENT_NAME.length + 2 + 2 + 4 + idText.length + 4 + payload.length + 2;
  const out = Buffer.allocUnsafe(1 + 4 + bodyLength + EXECUTE_SYNC.length);
  let at = out.write('B', 0, 'latin1');
  at = out.writeInt32BE(4 + bodyLength, at);
  at += out.write('\0', at, 'latin1'); // unnamed portal
  at += STATEMENT_NAME.copy(out, at);
  at = out.writeInt16BE(0, at); // all parameters in text format
  at = out.writeInt16BE(2, at);
  at = out.writeInt32BE(idText.length, at);
  at += out.write(idText, at, 'latin1');
  at = out.writeInt32BE(payload.length, at);
  at += payload.copy(out, at);
  at = out.writeInt16BE(0, at); // all results in text format
  EXECUTE_SYNC.copy(out, at);
  return out;
}
