import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DOCTOR_CHECKS, doctor, formatDoctor, type DoctorReport } from '../../../harness/cli/commands/doctor.js';

const exec = promisify(execFile);

// Runs the real checks on this machine: only versions are read, plus one short-lived netns.
describe('doctor', () => {
  let report: DoctorReport;

  it('runs every check and finds a supported node', async () => {
    report = await doctor({});
    expect(report.checks.map((c) => c.name)).toEqual([...DOCTOR_CHECKS]);
    expect(report.checks.find((c) => c.name === 'node')).toMatchObject({ status: 'ok', required: true });
    for (const c of report.checks) {
      expect(['ok', 'missing', 'warn']).toContain(c.status);
      expect(c.detail).not.toBe('');
      expect(c.neededFor).not.toBe('');
    }
    expect(['root', 'rootless', 'loopback']).toContain(report.privilegeMode);
    expect(report.ok).toBe(!report.checks.some((c) => c.required && c.status === 'missing'));
  });

  it('leaves no kdrill-doctor network namespace behind', async () => {
    report ??= await doctor({});
    const list = await exec('ip', ['netns', 'list']).then(
      (r) => r.stdout,
      () => '', // no `ip`: the doctor could not have created one either
    );
    expect(list).not.toMatch(/kdrill-doctor/);
  });

  it('formats one line per check', async () => {
    report ??= await doctor({});
    const text = formatDoctor(report);
    for (const name of DOCTOR_CHECKS) expect(text).toMatch(new RegExp(`^ +\\S+ +${name} `, 'm'));
    expect(text.split('\n')[0]).toContain(`privilege mode ${report.privilegeMode}`);
  });
});
