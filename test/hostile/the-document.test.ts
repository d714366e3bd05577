import { documentCases } from './cases/the-document.js';
import { runCatalogue } from './run-catalogue.js';

runCatalogue('the document itself', documentCases);
