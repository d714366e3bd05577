import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './cli.js';

// The common JUnit schema (Windy Road's JUnit.xsd for Apache Ant's JUnit task, Apache-2.0),
// as the junit-xml package (a devDependency) ships it: inside its own test source, as a
// string. Validated with xmllint (Debian's libxml2-utils; scripts/setup --for-tests).
const SOURCE = path.join(REPO_ROOT, 'node_modules/junit-xml/src/index.test.ts');
const XMLLINT = '/usr/bin/xmllint';

export const junitSchemaUnavailable = (): string | undefined =>
  !existsSync(XMLLINT) ? `no ${XMLLINT} (run bash scripts/setup --for-tests as root)` : !existsSync(SOURCE) ? `no ${SOURCE} (npm ci)` : undefined;

async function schemaFile(): Promise<string> {
  const text = await readFile(SOURCE, 'utf8');
  const literal = /const antJunitSchema = '((?:[^'\\]|\\.)*)'/.exec(text)?.[1];
  if (!literal) throw new Error(`${SOURCE} no longer holds the schema as antJunitSchema`);
  const file = path.join(tmpdir(), `kdrill-junit-${process.pid}.xsd`);
  await writeFile(file, literal.replace(/\\(.)/g, '$1'));
  return file;
}

// xmllint's complaints about `file` against the schema; empty when it validates.
export async function junitSchemaErrors(file: string): Promise<string[]> {
  const xsd = await schemaFile();
  try {
    await promisify(execFile)(XMLLINT, ['--noout', '--schema', xsd, file]);
    return [];
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error).split('\n').filter((line) => line && !line.endsWith(' fails to validate'));
  } finally {
    await rm(xsd, { force: true });
  }
}
