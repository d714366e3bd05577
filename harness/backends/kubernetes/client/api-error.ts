import { ApiException } from '@kubernetes/client-node';
import { ErrorCode, KdrillError } from '../../../common/errors.js';

// A failed call as the API server explained it: its HTTP code and the Status object's
// reason (NotFound, AlreadyExists, Conflict, Invalid, Expired, Forbidden, TooManyRequests…).
export class KubeApiError extends KdrillError {
  override readonly name = 'KubeApiError';
  readonly status: number;
  readonly reason: string;
  // Field-level causes of a 422 (Invalid), as the server listed them.
  readonly causes: readonly { readonly field?: string; readonly message?: string }[];

  constructor(what: string, status: number, reason: string, message: string, causes: KubeApiError['causes'] = [], cause?: unknown) {
    super(status === 403 || status === 401 ? ErrorCode.TARGET_NOT_ALLOWED : ErrorCode.STEP_FAILED, `${what}: ${status} ${reason}: ${message}`, { cause });
    this.status = status;
    this.reason = reason;
    this.causes = causes;
  }
}

interface StatusBody {
  kind?: string;
  reason?: string;
  message?: string;
  code?: number;
  details?: { causes?: { field?: string; message?: string }[] };
}

function parseBody(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body.slice(0, 200) };
    }
  }
  return (body ?? {}) as StatusBody;
}

// The Status reason the API server gives each HTTP code (metav1.StatusReason).
const REASONS: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

// The client's ApiException carries the raw response (headers included) in its message:
// keep only the Status the server sent, named after the call that failed.
export function asKubeApiError(error: unknown, what: string): unknown {
  if (error instanceof KubeApiError) return error;
  if (error instanceof ApiException) {
    const status = parseBody(error.body);
    return new KubeApiError(what, Number(error.code), status.reason ?? 'Unknown', status.message ?? 'no message', status.details?.causes ?? [], error);
  }
  // The watch of client-node keeps only the HTTP status of a refused watch, not its Status body.
  const code = (error as { statusCode?: unknown })?.statusCode;
  if (typeof code === 'number') return new KubeApiError(what, code, REASONS[code] ?? 'Unknown', (error as Error).message || 'no message', [], error);
  return error;
}

export function isStatus(error: unknown, status: number): boolean {
  return error instanceof KubeApiError && error.status === status;
}
