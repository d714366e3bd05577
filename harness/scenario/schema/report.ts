import { z } from 'zod';

export const REPORT_FORMATS = ['json', 'markdown', 'html', 'junit', 'allure'] as const;

export const reportSchema = z.strictObject({
  formats: z.array(z.enum(REPORT_FORMATS)).min(1).default(['json', 'markdown', 'html']).describe('any of json, markdown, html, junit, allure'),
});
export type ReportSpec = z.infer<typeof reportSchema>;
