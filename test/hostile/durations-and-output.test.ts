import { durationCases } from './cases/durations.js';
import { outputCases } from './cases/output.js';
import { runCatalogue } from './run-catalogue.js';

runCatalogue('durations', durationCases);
runCatalogue('output', outputCases);
