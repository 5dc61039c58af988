// Numbers as traders read them, times in the browser's zone with UTC on hover.
import { lang } from './i18n.js';

const loc = () => (lang === 'ko' ? 'ko-KR' : 'en-US');

// Number#toLocaleString with options builds a new Intl.NumberFormat on every call (the board formats ~2,400 numbers a
// second); the same formatter, built once per locale and digits, gives the same text.
const formats = new Map();
function num(n, min, max) {
  const key = loc() + min + ':' + max;
  let f = formats.get(key);
  if (!f) formats.set(key, f = new Intl.NumberFormat(loc(), { minimumFractionDigits: min, maximumFractionDigits: max }));
  return f.format(n);
}

export function krw(v) {
  if (v === null || v === undefined || v === '' || isNaN(Number(v))) return '–';
  const n = Number(v);
  const digits = n === 0 || Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 1 ? 2 : 4;
  return (n < 0 ? '-' : '') + '₩' + num(Math.abs(n), digits, digits);
}

export function usdt(v) {
  if (v === null || v === undefined || isNaN(Number(v))) return '–';
  const n = Number(v);
  const digits = Math.abs(n) >= 1000 ? 2 : Math.abs(n) >= 1 ? 4 : 6;
  return num(n, 2, digits) + ' USDT';
}

export function pct(v, digits = 2) {
  if (v === null || v === undefined || isNaN(Number(v))) return '–';
  const n = Number(v);
  return (n > 0 ? '+' : '') + n.toFixed(digits) + '%';
}

export function rate(v) {
  if (v === null || v === undefined || isNaN(Number(v))) return '–';
  return num(Number(v), 2, 2);
}

export function age(ms) {
  if (ms === null || ms === undefined || isNaN(ms)) return '–';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return s + 's';
  if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60) + 's';
  if (s < 86400) return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm';
  return Math.floor(s / 86400) + 'd ' + Math.floor((s % 86400) / 3600) + 'h';
}

/** A <time> element: local time shown, UTC in the title (hover). */
export function time(iso) {
  const el = document.createElement('time');
  if (!iso) { el.textContent = '–'; return el; }
  const d = new Date(iso);
  el.dateTime = d.toISOString();
  el.textContent = d.toLocaleString(loc(), { hour12: false });
  el.title = d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return el;
}

export function signClass(v) {
  return v > 0 ? 'pos' : v < 0 ? 'neg' : '';
}

/** A small SVG line of [t, value] points. */
export function sparkline(points, cls = 'spark', w = 120, h = 24) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', cls);
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  const path = document.createElementNS(ns, 'path');
  svg.appendChild(path);
  drawLine(path, points, w, h);
  return svg;
}

/**
 * Draws [t, value] points into an SVG path of a w × h box; returns the scale it used ({ t0, t1, min, max, y }: the
 * points' time span and value range, and the value → y mapping), or null when there is no line to draw.
 */
export function drawLine(path, points, w, h, pad = 2) {
  if (!points || points.length < 2) { path.setAttribute('d', ''); return null; }
  const t0 = points[0][0], t1 = points[points.length - 1][0];
  let lo = Infinity, hi = -Infinity;
  for (const p of points) { lo = Math.min(lo, p[1]); hi = Math.max(hi, p[1]); }
  const min = lo, max = hi;
  if (hi === lo) { hi += 1; lo -= 1; }
  const x = t => pad + ((t - t0) / Math.max(1, t1 - t0)) * (w - 2 * pad);
  const y = v => h - pad - ((v - lo) / (hi - lo)) * (h - 2 * pad);
  path.setAttribute('d', points.map((p, i) => (i ? 'L' : 'M') + x(p[0]).toFixed(1) + ' ' + y(p[1]).toFixed(1)).join(' '));
  return { t0, t1, min, max, y };
}
