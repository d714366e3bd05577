import { edit, LOCAL, type HostileCase } from './types.js';

// Durations become timers: none may overflow Node's 24.8-day limit, and the budget of the
// drill must leave room for its steps.
const FAKE = edit(LOCAL, ['  backend: local\n', '  backend: fake\n']);
const faultDuration = (d: string) => edit(FAKE, ['    duration: 30s\n', `    duration: ${d}\n`]);
const withAbort = (text: string) => `${FAKE}abort:\n${text}`;

export const durationCases: HostileCase[] = [
  { name: 'maxDuration of 31 days', files: { 'scenario.yaml': withAbort('  maxDuration: 31d\n') }, expect: { code: 2, at: 'scenario.yaml:23:16', message: /at most 30d/ } },
  { name: 'maxDuration of 30 days (the maximum)', files: { 'scenario.yaml': withAbort('  maxDuration: 30d\n') }, expect: { code: 0 } },
  { name: 'a fault of 25 days (longer than a Node timer)', files: { 'scenario.yaml': edit(faultDuration('25d'), ['  - wait: service-restored\n', '  - wait: service-restored\n']) + 'abort:\n  maxDuration: 30d\n' }, expect: { code: 0 } },
  { name: 'a fault of ten years', files: { 'scenario.yaml': faultDuration('3650d') }, expect: { code: 2, at: 'scenario.yaml:17:15' } },
  { name: 'a wait timeout of 100,000 days', files: { 'scenario.yaml': edit(FAKE, ['    timeout: 5m\n', '    timeout: 100000d\n']) }, expect: { code: 2, at: 'scenario.yaml:19:14' } },
  { name: 'maxDuration of 1s after a 2-minute warm-up', files: { 'scenario.yaml': edit(withAbort('  maxDuration: 1s\n'), ['  rate: 50\n', '  rate: 50\n  warmUp: 2m\n']) }, expect: { code: 2, at: 'scenario.yaml:24:16', message: /warm-up \(2m\)/ } },
  { name: 'maxDuration shorter than the time of a step', files: { 'scenario.yaml': edit(withAbort('  maxDuration: 10m\n'), ['  - wait: service-restored\n', '  - at: 20m\n    wait: service-restored\n']) }, expect: { code: 2, at: 'scenario.yaml:24:16', message: /steps\[1\]\.at/ } },
  { name: 'a step at 40 days', files: { 'scenario.yaml': edit(FAKE, ['  - wait: service-restored\n', '  - at: 40d\n    wait: service-restored\n']) }, expect: { code: 2, at: 'scenario.yaml:18:9' } },
  { name: 'a duration of 1e309 seconds', files: { 'scenario.yaml': faultDuration('1e309s') }, expect: { code: 2, at: 'scenario.yaml:17:15' } },
  { name: 'a negative duration', files: { 'scenario.yaml': faultDuration('-5s') }, expect: { code: 2, at: 'scenario.yaml:17:15' } },
  { name: 'a duration in years', files: { 'scenario.yaml': faultDuration('P1Y') }, expect: { code: 2, at: 'scenario.yaml:17:15' } },
  { name: 'a duration past 2^53 milliseconds', files: { 'scenario.yaml': faultDuration('9007199254740993ms') }, expect: { code: 2, at: 'scenario.yaml:17:15' } },
  { name: 'a duration as a bare number', files: { 'scenario.yaml': faultDuration('30') }, expect: { code: 2, at: 'scenario.yaml:17:15' } },
  { name: 'a duration of 500 digits', files: { 'scenario.yaml': faultDuration(`${'9'.repeat(500)}s`) }, expect: { code: 2, at: 'scenario.yaml:17:15' } },
];
