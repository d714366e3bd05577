// Whether a write that raised `error` certainly did not commit ('failed') or may have
// ('in-doubt'). Only a server error whose SQLSTATE proves the statement never ran to a
// commit is 'failed'; a timeout, a lost connection or a termination (57P01 can arrive after
// the local commit, while waiting for a synchronous standby) is 'in-doubt'.
const NOT_COMMITTED_CLASSES = ['22', '23', '25', '28', '3D', '42', '53'] as const;

export function classifyWriteError(error: unknown): { outcome: 'failed' | 'in-doubt'; reason: string } {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    const reason = `SQLSTATE ${code}`;
    return { outcome: NOT_COMMITTED_CLASSES.some((c) => code.startsWith(c)) ? 'failed' : 'in-doubt', reason };
  }
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (/timeout/i.test(message)) return { outcome: 'in-doubt', reason: 'timeout' };
  if (code) return { outcome: 'in-doubt', reason: code };
  return { outcome: 'in-doubt', reason: message.split('\n')[0]!.slice(0, 60) };
}
