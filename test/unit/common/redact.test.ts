import { describe, expect, it } from 'vitest';
import { REDACTED, redactText, redactValue } from '../../../harness/common/redact.js';

const R = REDACTED;

// [input, expected]: every line here holds a secret.
const CHANGED: readonly [string, string][] = [
  // key: value and key=value
  ['(password=hunter2) token: abc, other=1', `(password=${R}) token: ${R}, other=1`],
  ['password: hunter2', `password: ${R}`],
  ['client_secret=s3cr3t&grant_type=x', `client_secret=${R}&grant_type=x`],
  ['x-api-key: k-123', `x-api-key: ${R}`],
  ['apiKey=abc; next', `apiKey=${R}; next`],
  ['AWS_SECRET_ACCESS_KEY=wJalr/K7MDENG', `AWS_SECRET_ACCESS_KEY=${R}`],
  ['spring.datasource.password=pw', `spring.datasource.password=${R}`],
  ['db_pwd=z', `db_pwd=${R}`],
  ['https://h/reset?token=abc&y=1', `https://h/reset?token=${R}&y=1`],
  // quoted values keep their quotes
  ['password = "quoted value" next', `password = "${R}" next`],
  ['password="a b" next', `password="${R}" next`],
  ["token: 'a b'", `token: '${R}'`],
  ['secret="unterminated to the end', `secret="${R}`],
  // environment and command lines
  ['PGPASSWORD=abc psql -h db', `PGPASSWORD=${R} psql -h db`],
  ['PGPASSWORD="a b" psql', `PGPASSWORD="${R}" psql`],
  ['pgbackrest --password=abc --stanza=kdrill', `pgbackrest --password=${R} --stanza=kdrill`],
  // JSON
  ['{"password":"hunter2"}', `{"password":"${R}"}`],
  ['{"password": "a\\"b"}', `{"password": "${R}"}`],
  ['{"api_key":"k","token":"t","other":"o"}', `{"api_key":"${R}","token":"${R}","other":"o"}`],
  ['{"token":12345,"secret":null,"passwordSecret":{"name":"pg"}}', `{"token":"${R}","secret":null,"passwordSecret":{"name":"pg"}}`],
  ['{"note":"password=abc"}', `{"note":"password=${R}"}`],
  ["{'password': 'hunter2'}", `{'password': '${R}'}`],
  // JSON in a JSON string (`validate --json` quoting a value)
  ['{"message":"got `{\\"password\\":\\"x\\"}` (object)"}', `{"message":"got \`{\\"password\\":\\"${R}\\"}\` (object)"}`],
  // URLs with credentials, any scheme
  ['postgres://user:secret@host/db', `postgres://user:${R}@host/db`],
  ['postgresql://postgres:s3cret@198.18.0.11:5432/kdrill', `postgresql://postgres:${R}@198.18.0.11:5432/kdrill`],
  ['mysql://u:p@ss@h:3306/x', `mysql://u:${R}@h:3306/x`],
  ['redis://:pw@cache:6379', `redis://:${R}@cache:6379`],
  ['s3+https://key:sec@bucket.example/x', `s3+https://key:${R}@bucket.example/x`],
  ['dsn "postgres://u:p@[::1]:5432/db"', `dsn "postgres://u:${R}@[::1]:5432/db"`],
  ['password=postgres://u:p@h/db rest', `password=${R} rest`],
];

// Lines that hold no secret and must come out as they went in.
const UNCHANGED: readonly string[] = [
  'zone a isolated at T+30s',
  '/tmp/token-dir/scenario.yaml:3:5: Expected `steps[0].fault` to be one of "zone-outage"',
  'tokens.yaml:12:3: warning: unused key',
  '/srv/secrets/password:3:5: bad',
  'my-token:3:5: Unknown key `x`',
  'the password is read from the Secret',
  'passwordSecret.key',
  'target.passwordSecret.name: expected a string, got `1` (number)',
  'Expected `target.password` to be a string, got nothing',
  'password:',
  'password: ',
  'token=',
  'password=&next=1',
  'secret:\n  name: pg',
  '{"password":""}',
  '{"a":"token: ","b":"x"}',
  'at 12:30:05 the leader changed',
  'fe80::1%eth0 and 2001:db8::8a2e:370:7334',
  'https://user@host:8080/path',
  'http://[::1]:8080/',
  'PWD=/home/kdrill OLDPWD=/tmp',
  'if password == expected',
  'max_tokens: 100, tokenizer: x',
  R,
  `password=${R} token: "${R}" {"api_key":"${R}"} postgres://u:${R}@h/db`,
];

describe('redactText', () => {
  it.each(CHANGED)('masks the secret in %j', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each(UNCHANGED.map((line) => [line]))('leaves %j as it is', (line) => {
    expect(redactText(line)).toBe(line);
  });

  it('is idempotent: redacting its own output changes nothing', () => {
    for (const [input] of CHANGED) expect(redactText(redactText(input))).toBe(redactText(input));
    const random = pieces(1);
    for (let n = 0; n < 20_000; n++) {
      const once = redactText(random(12));
      expect(redactText(once)).toBe(once);
    }
  });

  it('keeps JSON valid, at one and two levels of quoting, and masks every secret key', () => {
    const random = pieces(2);
    for (let n = 0; n < 3_000; n++) {
      const value = (): unknown => (n % 7 === 0 ? n : n % 11 === 0 ? null : random(8));
      const obj = { password: value(), api_key: value(), token: value(), note: random(10), nested: { secret: value(), list: [random(4), 'é😀\u202e'] } };
      for (const json of [JSON.stringify(obj), JSON.stringify(obj, null, 2)]) {
        const parsed = JSON.parse(redactText(json)) as typeof obj;
        for (const v of [parsed.password, parsed.api_key, parsed.token, parsed.nested.secret]) expect([R, null, '']).toContain(v);
        const inner = JSON.parse(JSON.parse(redactText(JSON.stringify(json))) as string) as typeof obj;
        for (const v of [inner.password, inner.api_key, inner.token, inner.nested.secret]) expect([R, null, '']).toContain(v);
      }
    }
  });

  it('keeps values with escaped quotes, backslashes and unicode whole', () => {
    const obj = { password: 'a"b\\c\u00e9\u{1F600}', note: 'token: "x\\"y" and token=\\', dsn: 'postgres://u:p"w@h/db' };
    const out = JSON.parse(redactText(JSON.stringify(obj))) as typeof obj;
    expect(out).toEqual({ password: R, note: `token: "${R}" and token=${R}`, dsn: expect.not.stringContaining('p"w') as unknown as string });
  });

  // A guard against quadratic time, not a benchmark (bench/redact.ts is): the regular
  // expressions this replaced took 31 s on a 160 KB line of letters.
  it.each([
    ['letters', 'a'.repeat(2_000_000)],
    ['"password" repeated', 'password'.repeat(200_000)],
    ['"=:" repeated', '=:'.repeat(1_000_000)],
    ['"x://" repeated', 'x://'.repeat(500_000)],
    ['a URL with a long authority', `x://${'a:b@'.repeat(500_000)}`],
    ['"password=" repeated', 'password='.repeat(200_000)],
    ['"password: " repeated', 'password: '.repeat(200_000)],
    ['JSON keys repeated', '"password":"'.repeat(200_000)],
    ['escaped JSON keys repeated', '\\"password\\":\\"'.repeat(150_000)],
    ['single quotes repeated', "password='".repeat(200_000)],
    ['backslashes', '\\'.repeat(2_000_000)],
    ['a key, then 2 MB of blanks', `password${' '.repeat(2_000_000)}=`],
    ['locations repeated', 'token:1:'.repeat(250_000)],
  ])('takes linear time on %s', (_name, text) => {
    const start = performance.now();
    redactText(text);
    expect(performance.now() - start).toBeLessThan(1_000);
  });
});

describe('redactValue', () => {
  it('masks values under secret-looking keys at any depth, without changing the input', () => {
    const input = { auth: { superuser: { username: 'postgres', password: 'pgpass' } }, list: [{ apiKey: 'k' }], dsn: 'postgres://u:p@h/db' };
    const out = redactValue(input);
    expect(out).toEqual({ auth: { superuser: { username: 'postgres', password: REDACTED } }, list: [{ apiKey: REDACTED }], dsn: `postgres://u:${REDACTED}@h/db` });
    expect(input.auth.superuser.password).toBe('pgpass');
  });

  it('scrubs JSON held in a string', () => {
    expect(redactValue({ detail: '{"token":"t"}' })).toEqual({ detail: `{"token":"${R}"}` });
  });
});

// Random text from the pieces redaction looks at, from a fixed seed.
function pieces(seed: number): (count: number) => string {
  const parts = ['password', 'token', 'secret', 'PGPASSWORD', 'api_key', '=', ':', ' ', '"', "'", '\\', '\\"', '\\\\', '@', '://', 'x', '/', '\n', R, ',', '}', '{', '12', ':3', 'null', '-', '&', '`', '\t', 'é', '\u{1F600}'];
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state;
  };
  return (count) => {
    let s = '';
    for (let i = 1 + (next() % count); i > 0; i--) s += parts[next() % parts.length];
    return s;
  };
}

describe('redactValue keeps the type of what is not a string', () => {
  it('a count under a key that looks secret stays a count (the journal schema reads it as one)', () => {
    const summary = { errors: { 'FATAL: password authentication failed for user "postgres"': 3, token: 'abc', passed: true } };
    expect(redactValue(summary)).toEqual({ errors: { 'FATAL: password authentication failed for user "postgres"': 3, token: '[redacted]', passed: true } });
  });
});
