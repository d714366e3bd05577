// A Status object, the body of every error the API server returns.
export interface StatusCause {
  readonly reason?: string;
  readonly message: string;
  readonly field?: string;
}

export class ApiStatus extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details: { name?: string; group?: string; kind?: string; causes?: readonly StatusCause[] } = {},
  ) {
    super(message);
  }

  toJSON(): object {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, details: this.details, code: this.code };
  }
}

export const notFound = (plural: string, name: string, group = ''): ApiStatus =>
  new ApiStatus(404, 'NotFound', `${plural}${group ? `.${group}` : ''} "${name}" not found`, { name, group, kind: plural });
export const alreadyExists = (plural: string, name: string, group = ''): ApiStatus =>
  new ApiStatus(409, 'AlreadyExists', `${plural}${group ? `.${group}` : ''} "${name}" already exists`, { name, group, kind: plural });
export const conflict = (plural: string, name: string, group = ''): ApiStatus =>
  new ApiStatus(409, 'Conflict', `Operation cannot be fulfilled on ${plural}${group ? `.${group}` : ''} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group, kind: plural });
export const invalid = (kind: string, name: string, causes: readonly StatusCause[], group = ''): ApiStatus =>
  new ApiStatus(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${causes.map((c) => `${c.field ?? ''}: ${c.message}`).join(', ')}`, {
    name,
    group,
    kind,
    causes: causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', ...c })),
  });
export const badRequest = (message: string): ApiStatus => new ApiStatus(400, 'BadRequest', message);
export const gone = (message: string): ApiStatus => new ApiStatus(410, 'Expired', message);
