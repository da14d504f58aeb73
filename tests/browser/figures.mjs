// Figure checks of the browser test: what a reader sees in each SVG of REPORT/figures, rendered
// by Chromium inside a page with the report's own style sheet, in light and in dark mode.
//
//   overlap   two text labels that collide
//   clipped   a label sticking out of the figure
//   number    a label with an unrounded number (7 or more significant digits)
//   legend    a legend box with plotted data under it
//   twins     two legend entries whose samples are drawn identically
//   contrast  text under 4.5:1 or a data line under 3:1 against the page background (WCAG)
//   invisible a mark with a fill or stroke drawn at zero size (a legend lists what is not there)
//
// Exported: checkFigures(browserContext, reportDir) → { perFigure: {name: {kind: [..]}}, total }.
// Run alone (node figures.mjs DIR) it prints the defects and exits 1 if there are any.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// Runs in the page. Everything is measured in CSS pixels of the rendered SVG.
function inspect() {
  const svg = document.querySelector('svg');
  const frame = svg.getBoundingClientRect();
  const found = { overlap: [], clipped: [], number: [], legend: [], twins: [], contrast: [], invisible: [] };
  const labels = [...svg.querySelectorAll('text')]
    .filter((t) => t.textContent.trim())
    .map((t) => ({ el: t, text: t.textContent.trim(), box: t.getBoundingClientRect() }));
  const overlapArea = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
    Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  // Text boxes include the line gap above and below the glyphs: shrink them before comparing.
  const glyphs = (b) => ({ left: b.left, right: b.right, top: b.top + 0.2 * b.height, bottom: b.bottom - 0.15 * b.height });
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      if (overlapArea(glyphs(labels[i].box), glyphs(labels[j].box)) > 2) {
        found.overlap.push(`"${labels[i].text}" and "${labels[j].text}"`);
      }
    }
  }
  for (const l of labels) {
    const out = Math.max(frame.left - l.box.left, l.box.right - frame.right, frame.top - l.box.top, l.box.bottom - frame.bottom);
    if (out > 1) found.clipped.push(`"${l.text}" by ${out.toFixed(1)} px`);
    for (const m of l.text.matchAll(/\d[\d.]*/g)) {
      const significant = m[0].replace('.', '').replace(/^0+/, '');
      if (significant.length >= 7) found.number.push(`"${l.text}"`);
    }
  }
  // Data marks: line vertices and marker centres.
  const marks = [...svg.querySelectorAll('polyline, polygon, circle, path')].map((el) => {
    const box = el.getBoundingClientRect();
    let points = [[(box.left + box.right) / 2, (box.top + box.bottom) / 2]];
    if (el.tagName === 'polyline') {
      const m = el.getScreenCTM();
      points = [...Array(el.points.length).keys()].map((k) => {
        const p = el.points[k].matrixTransform(m);
        return [p.x, p.y];
      });
    }
    return { el, box, points };
  });
  const inside = (outer, l, t, r, b) => l >= outer.left - 0.5 && r <= outer.right + 0.5 && t >= outer.top - 0.5 && b <= outer.bottom + 0.5;
  for (const rect of svg.querySelectorAll('rect')) {
    const box = rect.getBoundingClientRect();
    if (box.width < 20 || box.height < 10 || box.width * box.height > 0.25 * frame.width * frame.height) continue;
    const entries = labels.filter((l) => inside(box, l.box.left, l.box.top, l.box.right, l.box.bottom));
    if (!entries.length) continue;
    // A sample sits level with an entry's text, just left of it.
    const samples = new Map();
    for (const mk of marks) {
      if (!inside(box, mk.box.left, mk.box.top, mk.box.right, mk.box.bottom)) continue;
      const mid = (mk.box.top + mk.box.bottom) / 2;
      const entry = entries.find((e) => Math.abs((e.box.top + e.box.bottom) / 2 - mid) < 6 &&
        mk.box.right <= e.box.left + 1 && e.box.left - mk.box.right < 40);
      if (entry) samples.set(mk, entry.text);
    }
    let covered = 0;
    for (const mk of marks) {
      if (samples.has(mk)) continue;
      for (const [x, y] of mk.points) if (inside(box, x, y, x, y)) covered++;
    }
    if (covered) found.legend.push(`legend "${entries.map((e) => e.text).join(' / ').slice(0, 50)}" over ${covered} data points`);
    const looks = new Map();
    for (const [mk, text] of samples) {
      const cs = getComputedStyle(mk.el);
      looks.set(text, [mk.el.tagName, cs.stroke, cs.fill, cs.strokeWidth, cs.strokeDasharray].join(' '));
    }
    const seen = new Map();
    for (const [text, look] of looks) {
      if (seen.has(look)) found.twins.push(`"${seen.get(look)}" and "${text}"`);
      else seen.set(look, text);
    }
  }
  // Contrast (WCAG 2 relative luminance) against the page background.
  const luminance = (color) => {
    const m = color.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const v = m[1].split(',').map(Number);
    if (v.length === 4 && v[3] === 0) return null;
    const lin = (u) => { const c = u / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * lin(v[0]) + 0.7152 * lin(v[1]) + 0.0722 * lin(v[2]);
  };
  const background = luminance(getComputedStyle(document.body).backgroundColor) ??
    luminance(getComputedStyle(document.documentElement).backgroundColor) ?? 1;
  const ratio = (l) => (Math.max(l, background) + 0.05) / (Math.min(l, background) + 0.05);
  const reported = new Set();
  for (const l of labels) {
    const lum = luminance(getComputedStyle(l.el).fill);
    if (lum !== null && ratio(lum) < 4.5 && !reported.has(l.text)) {
      reported.add(l.text);
      found.contrast.push(`text "${l.text}" at ${ratio(lum).toFixed(1)}:1`);
    }
  }
  for (const line of svg.querySelectorAll('polyline')) {
    if (line.points.length < 3) continue;
    const cs = getComputedStyle(line);
    const lum = luminance(cs.stroke);
    if (lum !== null && parseFloat(cs.opacity) > 0.5 && ratio(lum) < 3 && !reported.has(cs.stroke)) {
      reported.add(cs.stroke);
      found.contrast.push(`line ${cs.stroke} at ${ratio(lum).toFixed(1)}:1`);
    }
  }
  // Marks drawn at zero size: a rectangle, circle or ellipse with no area, or any other shape
  // with neither width nor height, that has a fill or a stroke to show.
  for (const el of svg.querySelectorAll('rect, circle, ellipse, path, polyline, polygon, line')) {
    const cs = getComputedStyle(el);
    const paints = (cs.fill !== 'none' && cs.fill !== 'rgba(0, 0, 0, 0)') || (cs.stroke !== 'none' && cs.stroke !== 'rgba(0, 0, 0, 0)');
    if (!paints) continue;
    const b = el.getBBox();
    const area = ['rect', 'circle', 'ellipse'].includes(el.tagName);
    const empty = area ? b.width <= 0 || b.height <= 0 : b.width <= 0 && b.height <= 0;
    if (empty) found.invisible.push(`<${el.tagName}> at (${b.x.toFixed(1)}, ${b.y.toFixed(1)})`);
  }
  return found;
}

export const KINDS = ['overlap', 'clipped', 'number', 'legend', 'twins', 'contrast', 'invisible'];

// Checks every SVG of `figuresDir`, with the style sheet of `pageHtml` (if it exists).
export async function checkFigures(context, figuresDir, pageHtml) {
  const files = fs.readdirSync(figuresDir).filter((f) => f.endsWith('.svg')).sort();
  let css = '';
  if (pageHtml && fs.existsSync(pageHtml)) {
    css = [...fs.readFileSync(pageHtml, 'utf8').matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]).join('\n');
  }
  const perFigure = {};
  let total = 0;
  const page = await context.newPage();
  try {
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const f of files) {
        const svg = fs.readFileSync(path.join(figuresDir, f), 'utf8');
        await page.setContent(`<!doctype html><html><head><style>${css}</style></head><body style="margin:0">${svg}</body></html>`);
        const found = await page.evaluate(inspect);
        // Geometry does not change with the scheme: count it once, contrast in both.
        for (const kind of KINDS) {
          if (scheme === 'dark' && kind !== 'contrast') continue;
          for (const d of found[kind]) {
            ((perFigure[f] ??= {})[kind] ??= []).push(scheme === 'dark' ? `${d} (dark)` : d);
            total++;
          }
        }
      }
    }
  } finally {
    await page.close();
  }
  return { files: files.length, perFigure, total };
}

// Prints the defects of a result, one line each.
export function describe(result) {
  const lines = [];
  for (const [figure, kinds] of Object.entries(result.perFigure)) {
    for (const [kind, list] of Object.entries(kinds)) {
      for (const d of list) lines.push(`     ${figure}: ${kind}: ${d}`);
    }
  }
  return lines;
}

// Standalone: node figures.mjs REPORT_DIR
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const require = createRequire(import.meta.url);
  const { chromium } = require('playwright-core');
  const dir = path.resolve(process.argv[2] || 'report');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const r = await checkFigures(context, path.join(dir, 'figures'), path.join(dir, 'index.html'));
    for (const l of describe(r)) console.log(l);
    console.log(`figures: ${r.total} defects in ${r.files} figures`);
    process.exitCode = r.total ? 1 : 0;
  } finally {
    await browser.close();
  }
}
