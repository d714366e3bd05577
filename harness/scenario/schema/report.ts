import { z } from 'zod';

export const REPORT_FORMATS = ['json', 'markdown', 'html', 'junit', 'allure', 'allure-html'] as const;

export const reportSchema = z.strictObject({
  formats: z.array(z.enum(REPORT_FORMATS)).min(1).default(['json', 'markdown', 'html']).describe('any of json, markdown, html, junit, allure (results), allure-html (the Allure site, needs Java)'),
});
export type ReportSpec = z.infer<typeof reportSchema>;
