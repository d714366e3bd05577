import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

// Debian's chromium (scripts/setup installs it for the tests), driven over the DevTools protocol.
export const CHROMIUM = '/usr/bin/chromium';

export const chromiumUnavailable = (): string | undefined => (existsSync(CHROMIUM) ? undefined : `no ${CHROMIUM} (run bash scripts/setup)`);

export interface RenderedReport {
  readonly consoleErrors: readonly string[]; // console.error, uncaught exceptions, failed requests
  readonly verdict: string; // the banner's heading
  readonly targets: readonly { readonly name: string; readonly verdict: string; readonly height: number }[];
  readonly chart: { readonly width: number; readonly height: number; readonly points: number; readonly faultWindows: number; readonly milestones: readonly string[] };
}

// Opens an HTML report as a reader would and reports what was rendered, with a screenshot.
export async function renderInChromium(file: string, screenshot: string): Promise<RenderedReport> {
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('requestfailed', (r) => consoleErrors.push(`request failed: ${r.url()}`));
    await page.setViewport({ width: 1200, height: 900 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    // Runs in the page (a string: this project compiles without the DOM's types).
    const rendered = (await page.evaluate(`(() => {
      const box = (el) => (el ? el.getBoundingClientRect() : { width: 0, height: 0 });
      const targetsHeading = [...document.querySelectorAll('h2')].find((h) => h.textContent === 'Targets');
      const table = targetsHeading ? targetsHeading.nextElementSibling : null;
      const targets = [...(table ? table.querySelectorAll('tbody tr') : [])].map((tr) => ({ name: tr.children[0].textContent, verdict: tr.children[3].textContent, height: box(tr).height }));
      const svg = document.querySelector('svg.timeline');
      const line = svg ? svg.querySelector('polyline.acked') : null;
      return {
        verdict: (document.querySelector('header.banner h1') || {}).textContent || '',
        targets,
        chart: {
          width: box(svg).width,
          height: box(svg).height,
          points: ((line && line.getAttribute('points')) || '').split(' ').filter(Boolean).length,
          faultWindows: svg ? svg.querySelectorAll('rect.fault-window').length : 0,
          milestones: svg ? [...svg.querySelectorAll('line.milestone title')].map((t) => t.textContent) : [],
        },
      };
    })()`)) as Omit<RenderedReport, 'consoleErrors'>;
    await page.screenshot({ path: screenshot as `${string}.png`, fullPage: true });
    return { consoleErrors, ...rendered };
  } finally {
    await browser.close();
  }
}
