import { scenarioJsonSchema } from '../../scenario/index.js';
import { ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';

// Prints the JSON Schema of scenarios, for editors (yaml-language-server) and other tools.
export async function schemaCommand(output: Output): Promise<number> {
  output.out(JSON.stringify(scenarioJsonSchema(), null, 2));
  return ExitCode.passed;
}
