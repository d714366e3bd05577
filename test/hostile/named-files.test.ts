import { namedFileCases } from './cases/named-files.js';
import { runCatalogue } from './run-catalogue.js';

// Two files of about the same size: the class is the largest.
const half = Math.ceil(namedFileCases.length / 2);
runCatalogue('files a scenario names (1 of 2)', namedFileCases.slice(0, half));
