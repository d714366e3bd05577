import { describe, expect, it } from 'vitest';
import { REDACTED, redactText, redactValue } from '../../../harness/common/redact.js';

describe('redactText', () => {
  it('masks the password of a connection URL and keeps the rest', () => {
    expect(redactText('postgresql://postgres:s3cret@198.18.0.11:5432/kdrill')).toBe(`postgresql://postgres:${REDACTED}@198.18.0.11:5432/kdrill`);
  });

  it('masks key=value secrets and keeps the punctuation around them', () => {
    expect(redactText('(password=hunter2) token: abc, other=1')).toBe(`(password=${REDACTED}) token: ${REDACTED}, other=1`);
    expect(redactText('PGPASSWORD="a b" psql')).toBe(`PGPASSWORD=${REDACTED} psql`);
    expect(redactText('password="a b" next')).toBe(`password=${REDACTED} next`);
  });

  it('leaves text without secrets untouched', () => {
    expect(redactText('zone a isolated at T+30s')).toBe('zone a isolated at T+30s');
  });
});

describe('redactValue', () => {
  it('masks values under secret-looking keys at any depth, without changing the input', () => {
    const input = { auth: { superuser: { username: 'postgres', password: 'pgpass' } }, list: [{ apiKey: 'k' }], dsn: 'postgres://u:p@h/db' };
    const out = redactValue(input);
    expect(out).toEqual({ auth: { superuser: { username: 'postgres', password: REDACTED } }, list: [{ apiKey: REDACTED }], dsn: `postgres://u:${REDACTED}@h/db` });
    expect(input.auth.superuser.password).toBe('pgpass');
  });
});
