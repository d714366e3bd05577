import { describe, expect, it } from 'vitest';
import { ABSENT, CommandFailed, removeIgnoringAbsent, run, saysAbsent } from '../../../../harness/backends/local/exec.js';

// A failure as `run` reports it: the tool's whole stderr, its exit code.
const failed = (stderr: string, exitCode: number | string = 1) => new CommandFailed(`\`ip …\` exited ${exitCode}: ${stderr}`, stderr, exitCode, undefined);

// What each tool printed here (Debian bookworm: iproute2 6.1.0) for an object that is not there.
const GONE: [keyof typeof ABSENT, string, number][] = [
  ['link', 'Cannot find device "kdrnonexistent"', 1], // ip link del kdrnonexistent
  ['link', 'RTNETLINK answers: No such device', 2], // the kernel's ENODEV: the device went between ip's name lookup and its request
  ['namespace', 'Cannot remove namespace file "/run/netns/kdrnonexistent": No such file or directory', 1], // ip netns del kdrnonexistent
  ['enclosingNamespace', 'Cannot open network namespace "kdrnonexistent": No such file or directory', 255], // ip -n kdrnonexistent link del v-a-1
  ['route', 'RTNETLINK answers: No such process', 2], // ip route del 198.19.254.0/24
  ['rule', 'RTNETLINK answers: No such file or directory', 2], // ip rule del from … to … blackhole priority 31000
];

// Failures that leave the object in place, also captured here: never "already gone".
const STILL_THERE = [
  'Cannot remove namespace file "/run/netns/kdrtestperm": Permission denied', // ip netns del, as nobody
  'RTNETLINK answers: Operation not permitted', // ip link del eth0, as nobody
  'RTNETLINK answers: Operation not supported', // ip link del lo
  'RTNETLINK answers: Device or resource busy',
  'Cannot open network namespace "kdrill-1a2b-router": Permission denied',
  'Cannot find device "kdrnonexistent" in a sentence that goes on', // a whole line or nothing
];

describe('saysAbsent', () => {
  it.each(GONE)('takes %s: `%s` (exit %d) for already gone', (kind, stderr, code) => {
    expect(saysAbsent(failed(stderr, code), ABSENT[kind])).toBe(true);
  });

  it.each(STILL_THERE)('keeps `%s` a failure for every kind of object', (stderr) => {
    for (const patterns of Object.values(ABSENT)) expect(saysAbsent(failed(stderr), patterns)).toBe(false);
  });

  it("takes one kind's absence for no other kind's", () => {
    // A route's ESRCH and a rule's ENOENT are different words; a missing link is not a missing namespace.
    expect(saysAbsent(failed('RTNETLINK answers: No such process', 2), ABSENT.rule)).toBe(false);
    expect(saysAbsent(failed('RTNETLINK answers: No such file or directory', 2), ABSENT.route)).toBe(false);
    expect(saysAbsent(failed('Cannot find device "kdr1a2b"'), ABSENT.namespace)).toBe(false);
    expect(saysAbsent(failed('Cannot remove namespace file "/run/netns/x": No such file or directory'), ABSENT.enclosingNamespace)).toBe(false);
  });

  it('finds the line among others (nft and ip -batch print more than one)', () => {
    expect(saysAbsent(failed('Warning: something\nCannot find device "kdr1a2b"\n'), ABSENT.link)).toBe(true);
  });

  it('never takes a tool that did not run, or an error of another shape, for already gone', () => {
    expect(saysAbsent(failed('Cannot find device "x"', 'ENOENT'), ABSENT.link)).toBe(false);
    expect(saysAbsent(new Error('Cannot find device "x"'), ABSENT.link)).toBe(false);
    expect(saysAbsent(undefined, ABSENT.link)).toBe(false);
  });
});

describe('run', () => {
  it('keeps the whole stderr and the exit code of a failed command', async () => {
    const error = await run('sh', ['-c', 'echo one >&2; echo two >&2; echo three >&2; echo four >&2; exit 3']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandFailed);
    expect(error).toMatchObject({ stderr: 'one\ntwo\nthree\nfour', exitCode: 3 });
    expect((error as CommandFailed).shortMessage).toBe('`sh -c echo one >&2; echo two >&2; echo three >&2; echo four >&2; exit 3` exited 3: two | three | four');
  });

  it('says so when the program is not installed', async () => {
    const error = await run('kdrill-no-such-program', []).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 'ENOENT', shortMessage: '`kdrill-no-such-program` is not installed' });
  });
});

// The same words from the real tools, against objects that do not exist (and one that does).
const root = process.getuid?.() === 0;
const ipInstalled = await run('ip', ['-V']).then(
  () => true,
  () => false,
);

describe.skipIf(!root || !ipInstalled)('removeIgnoringAbsent with the real ip (root)', () => {
  const tag = `kdxu${process.pid % 100_000}`;

  it('removes a link, then finds it already gone', async () => {
    await run('ip', ['link', 'add', tag, 'type', 'veth', 'peer', 'name', `${tag}p`]);
    expect(await removeIgnoringAbsent('ip', ['link', 'del', tag], ABSENT.link)).toBe('removed');
    // Deleting one end took its peer.
    expect(await removeIgnoringAbsent('ip', ['link', 'del', `${tag}p`], ABSENT.link)).toBe('absent');
    expect(await removeIgnoringAbsent('ip', ['link', 'del', tag], ABSENT.link)).toBe('absent');
  });

  it('removes a namespace, then finds it already gone; and so is a link in it', async () => {
    await run('ip', ['netns', 'add', tag]);
    expect(await removeIgnoringAbsent('ip', ['netns', 'del', tag], ABSENT.namespace)).toBe('removed');
    expect(await removeIgnoringAbsent('ip', ['netns', 'del', tag], ABSENT.namespace)).toBe('absent');
    expect(await removeIgnoringAbsent('ip', ['-n', tag, 'link', 'del', 'eth0'], [...ABSENT.link, ...ABSENT.enclosingNamespace])).toBe('absent');
  });

  it('finds an absent route and an absent rule already gone', async () => {
    expect(await removeIgnoringAbsent('ip', ['route', 'del', '198.19.254.0/24'], ABSENT.route)).toBe('absent');
    expect(await removeIgnoringAbsent('ip', ['rule', 'del', 'from', '198.19.254.0/24', 'to', '198.19.253.0/24', 'blackhole', 'priority', '31999'], ABSENT.rule)).toBe('absent');
  });

  it('takes the kernel removing a veth after its peer namespace went for already gone (the CI failure)', async () => {
    // `ip link del` right after `ip netns del` of the peer's namespace races the kernel, which
    // removes the pair in the background: here about 1 time in 10 it found the link gone.
    const outcomes = new Set<string>();
    for (let i = 0; i < 20; i++) {
      await run('ip', ['netns', 'add', tag]);
      await run('ip', ['link', 'add', tag, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', tag]);
      await run('ip', ['netns', 'del', tag]);
      outcomes.add(await removeIgnoringAbsent('ip', ['link', 'del', tag], ABSENT.link));
      await removeIgnoringAbsent('ip', ['link', 'del', tag], ABSENT.link);
    }
    expect([...outcomes].every((o) => o === 'removed' || o === 'absent')).toBe(true);
  });

  it('throws a failure that is not "already gone"', async () => {
    // lo cannot be deleted: "RTNETLINK answers: Operation not supported".
    await expect(removeIgnoringAbsent('ip', ['link', 'del', 'lo'], ABSENT.link)).rejects.toThrow(/Operation not supported/);
  });
});
