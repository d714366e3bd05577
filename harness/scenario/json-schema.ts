import { z } from 'zod';
import { scenarioSchema } from './schema/index.js';

// JSON Schema of the scenario for editors (yaml-language-server): what authors may write.
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return {
    ...schema,
    $id: 'https://kdrill.dev/schema/scenario-v1alpha1.json',
    title: 'kdrill scenario (kdrill.dev/v1alpha1)',
  };
}
