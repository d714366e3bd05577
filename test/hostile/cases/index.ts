import { credentialCases } from './credentials-and-code.js';
import { documentCases } from './the-document.js';
import { durationCases } from './durations.js';
import { namedFileCases } from './named-files.js';
import { outputCases } from './output.js';
import type { HostileCase } from './types.js';

// Every hostile input, by class. Each file's header says what its class must hold.
export const HOSTILE_CASES: readonly HostileCase[] = [...credentialCases, ...namedFileCases, ...documentCases, ...durationCases, ...outputCases];
