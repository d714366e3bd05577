import { namedFileCases } from './cases/named-files.js';
import { runCatalogue } from './run-catalogue.js';

const half = Math.ceil(namedFileCases.length / 2);
runCatalogue('files a scenario names (2 of 2)', namedFileCases.slice(half));
