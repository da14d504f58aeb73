// Browser test of the generated report (run by tests/browser/run.sh).
//
// Loads REPORT/index.html in headless Chromium with every non-file request blocked, and checks:
// no request fails and none leaves the machine; every internal link and anchor resolves (and
// every linked data file and figure exists); axe-core finds no violations in light and in dark
// mode, at desktop and at phone width; every figure is rendered with a visible, non-empty SVG and a caption; no
// figure has a measurable defect (tests/browser/figures.mjs), and a deliberately broken figure
// (tests/browser/fixtures/broken) is caught by every one of those checks. Prints one line
// per check and a closing line "browser: N passed, M failed"; exits 1 if any check failed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { checkFigures, describe, KINDS } from './figures.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const reportDir = path.resolve(process.argv[2] || 'report');
const html = path.join(reportDir, 'index.html');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const results = [];
const check = (name, ok, detail = '') => {
  results.push(ok);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
};

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'neuroreport-browser-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND'],
  viewport: { width: 1280, height: 900 },
  offline: true,
  serviceWorkers: 'block',
  colorScheme: 'light',
});
try {
  const external = [];
  const failed = [];
  let counting = true;
  await ctx.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith('file:') || u.startsWith('data:') || u.startsWith('about:')) return route.continue();
    if (counting) external.push(u);
    return route.abort('blockedbyclient');
  });
  const page = ctx.pages()[0] || (await ctx.newPage());
  const errors = [];
  page.on('requestfailed', (r) => { if (r.url().startsWith('file:')) failed.push(r.url()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });

  check('no request leaves the machine', external.length === 0, external.slice(0, 3).join(', '));
  check('no local resource fails to load', failed.length === 0, failed.slice(0, 3).join(', '));
  check('no script errors', errors.length === 0, errors.slice(0, 3).join('; '));

  const links = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => ({
    raw: a.getAttribute('href'),
    abs: a.href,
    hash: a.hash ? decodeURIComponent(a.hash.slice(1)) : '',
    same: a.href.split('#')[0] === location.href.split('#')[0],
    target: a.hash ? !!document.getElementById(decodeURIComponent(a.hash.slice(1))) : true,
  })));
  const badAnchors = links.filter((l) => l.same && !l.target).map((l) => l.raw);
  check(`all ${links.filter((l) => l.same).length} in-page links resolve`, badAnchors.length === 0, badAnchors.slice(0, 5).join(', '));
  const fileLinks = links.filter((l) => !l.same && l.abs.startsWith('file:'));
  const missing = fileLinks.filter((l) => !fs.existsSync(fileURLToPath(l.abs.split('#')[0]))).map((l) => l.raw);
  check(`all ${fileLinks.length} links to data files and figures resolve`, missing.length === 0, missing.slice(0, 5).join(', '));
  const offsite = links.filter((l) => !l.abs.startsWith('file:') && !l.same).map((l) => l.raw);
  check('no links leave the report', offsite.length === 0, offsite.slice(0, 3).join(', '));

  const figures = await page.evaluate(() => [...document.querySelectorAll('figure')].map((f) => {
    const svg = f.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    const style = svg ? getComputedStyle(svg) : null;
    return {
      id: f.id,
      visible: !!svg && box.width > 100 && box.height > 100 && style.display !== 'none' && style.visibility !== 'hidden',
      drawn: !!svg && svg.querySelectorAll('path, polyline, line, rect, circle, polygon').length > 10,
      caption: !!f.querySelector('figcaption') && f.querySelector('figcaption').textContent.trim().length > 20,
      label: !!svg && (svg.getAttribute('aria-label') || '').length > 20,
    };
  }));
  const badFigures = figures.filter((f) => !(f.visible && f.drawn && f.caption && f.label)).map((f) => f.id);
  check(`all ${figures.length} figures visible, drawn, captioned and labelled`, figures.length > 0 && badFigures.length === 0, badFigures.join(', '));

  // Nothing wider than the text column at 1280 px, outside a scrolling wrapper; and the check
  // must catch a deliberately too wide element (tests/browser/fixtures/broken/index.html).
  const overflowing = () => {
    const column = document.querySelector('main') || document.body;
    const c = column.getBoundingClientRect();
    const scrolls = (el) => {
      for (let e = el.parentElement; e && e !== column; e = e.parentElement) {
        if (['auto', 'scroll'].includes(getComputedStyle(e).overflowX)) return true;
      }
      return false;
    };
    return [...column.querySelectorAll('*')]
      .filter((el) => {
        const b = el.getBoundingClientRect();
        return b.width > 0 && (b.right > c.right + 1 || b.left < c.left - 1) && !scrolls(el);
      })
      .map((el) => `<${el.tagName.toLowerCase()}${el.id ? ` id="${el.id}"` : ''}> ${Math.round(el.getBoundingClientRect().width)} px`);
  };
  await page.setViewportSize({ width: 1280, height: 900 });
  const wide = await page.evaluate(overflowing);
  check('nothing is wider than the text column at 1280 px', wide.length === 0, wide.slice(0, 5).join('; '));
  const fixture = await ctx.newPage();
  await fixture.goto(pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'broken', 'index.html')).href);
  await fixture.setViewportSize({ width: 1280, height: 900 });
  const caught = await fixture.evaluate(overflowing);
  await fixture.close();
  check('the layout check catches the deliberately too wide element', caught.length > 0);

  counting = false;
  await page.addScriptTag({ content: axeSource });
  for (const [width, device] of [[1280, 'desktop'], [390, 'phone']]) {
    await page.setViewportSize({ width, height: 900 });
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      const r = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const out = await axe.run(document, { resultTypes: ['violations'] });
        return out.violations.map((v) => `${v.id} (${v.nodes.length}×): ${v.help}`);
      });
      check(`axe-core finds no violations in ${scheme} mode at ${device} width (${width} px)`, r.length === 0, r.slice(0, 5).join('; '));
    }
  }

  // Figures as a reader sees them, in light and dark mode with the page's style sheet.
  const figs = await checkFigures(ctx, path.join(reportDir, 'figures'), html);
  for (const kind of KINDS) {
    const list = Object.entries(figs.perFigure).flatMap(([f, k]) => (k[kind] || []).map((d) => `${f}: ${d}`));
    check(`figures: no ${kind} defects in ${figs.files} figures`, list.length === 0, list.slice(0, 4).join('; '));
  }
  // The checks must catch what they look for: a deliberately broken figure fails every one.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const broken = await checkFigures(ctx, path.join(here, 'fixtures', 'broken', 'figures'), null);
  const missed = KINDS.filter((k) => !(broken.perFigure['broken.svg']?.[k]?.length));
  check('figure checks catch every defect of the deliberately broken figure', missed.length === 0,
    missed.length ? `missed: ${missed.join(', ')}` : '');
  if (missed.length) for (const l of describe(broken)) console.log(l);
} finally {
  await ctx.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
const failedCount = results.filter((r) => !r).length;
console.log(`browser: ${results.length - failedCount} passed, ${failedCount} failed`);
process.exitCode = failedCount ? 1 : 0;
