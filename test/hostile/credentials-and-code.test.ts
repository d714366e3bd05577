import { credentialCases } from './cases/credentials-and-code.js';
import { runCatalogue } from './run-catalogue.js';

runCatalogue('credentials and code', credentialCases);
