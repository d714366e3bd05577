import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../harness/scenario/package-root.js';
import { readReferencedFile } from '../../../harness/scenario/referenced-file.js';

const root = mkdtempSync(path.join(tmpdir(), 'kdrill-ref-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const tree = path.join(root, 'drills');
const elsewhere = path.join(root, 'elsewhere');
mkdirSync(path.join(tree, 'policies'), { recursive: true });
mkdirSync(elsewhere);
writeFileSync(path.join(tree, 'policies', 'p.yaml'), 'kind: TierPolicy\n');
writeFileSync(path.join(elsewhere, 'p.yaml'), 'kind: TierPolicy\n');
symlinkSync(path.join(elsewhere, 'p.yaml'), path.join(tree, 'link.yaml'));
const scenario = path.join(tree, 'scenario.yaml');
const read = (ref: string, allowDirs: string[] = []) => readReferencedFile(scenario, ref, 'tier policy', 'tier.policy', { allowDirs });

describe('readReferencedFile', () => {
  it('reads a file of the scenario tree, relative to the scenario', () => {
    expect(read('policies/p.yaml')).toEqual({ ok: true, file: path.join(tree, 'policies', 'p.yaml'), text: 'kind: TierPolicy\n' });
  });

  it("falls back to kdrill's shipped fixtures for a relative path", () => {
    const r = read('fixtures/tier-policy.yaml');
    expect(r.ok && r.file).toBe(path.join(PACKAGE_ROOT, 'fixtures', 'tier-policy.yaml'));
  });

  it('refuses a path out of the tree, by .., absolute or through a symlink, naming where it leads', () => {
    for (const ref of ['../elsewhere/p.yaml', path.join(elsewhere, 'p.yaml'), '/etc/passwd']) {
      const r = read(ref);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.message).toContain("inside the scenario's directory");
    }
    const link = read('link.yaml');
    expect(!link.ok && link.message).toContain(`(it leads to ${path.join(elsewhere, 'p.yaml')})`);
  });

  it('reads from a directory the user allows, and never quotes what a file holds', () => {
    expect(read(path.join(elsewhere, 'p.yaml'), [elsewhere]).ok).toBe(true);
    const r = read('/etc/passwd', ['/etc']);
    expect(r.ok).toBe(true);
    const refused = read('/etc/passwd');
    expect(!refused.ok && refused.message).not.toContain('root:');
  });
});
