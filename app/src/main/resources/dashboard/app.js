// The operator's console: one shell, one live event stream, a page per path. Plain ES modules, nothing fetched
// from anywhere but this node. The admin token never reaches this code: the session is an HttpOnly cookie.
import { t, has, code, applyLabels, switchLang, lang } from './i18n.js';
import { krw, usdt, pct, rate, age, time, signClass, sparkline, drawLine } from './fmt.js';
import * as hedge from './hedge.js';

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k);
  return e;
};

let csrf = null;
const listeners = { board: [], status: [], snapshot: [] };
export const state = { status: null };

/** The admin API through the session: JSON in and out; a state change carries the CSRF token. */
async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch('/ui/api/v1/' + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin',
  });
  if (res.status === 401) { location.href = '/ui/login'; throw new Error('signed out'); }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = { message: text }; }
  return { ok: res.ok, status: res.status, json };
}

async function data(path) {
  const res = await fetch('/ui/data/' + path, { credentials: 'same-origin' });
  if (res.status === 401) { location.href = '/ui/login'; throw new Error('signed out'); }
  return res.json();
}

function connect() {
  const es = new EventSource('/ui/events');
  es.onopen = () => $('#live').classList.add('on');
  es.onerror = () => $('#live').classList.remove('on');
  for (const type of Object.keys(listeners)) {
    es.addEventListener(type, ev => {
      const payload = JSON.parse(ev.data);
      for (const fn of listeners[type]) fn(payload);
    });
  }
}

function on(type, fn) { listeners[type].push(fn); }

// ---- header and "why is it not trading?"

function renderStatus(s) {
  state.status = s;
  if (s.error) return;
  $('#fx').textContent = s.usdtKrw ? rate(s.usdtKrw) : '–';
  const feeds = $('#feeds');
  feeds.textContent = s.feeds ? s.feeds + (s.staleCoins ? ` (${t('hdr.stale', { n: s.staleCoins })})` : '')
    : `${s.coins} ${t('board.count')}`;
  feeds.title = s.feedsDetail || '';
  const why = $('#why');
  const idle = s.idle;
  why.className = 'why ' + (idle.idle ? (idle.market ? 'market' : 'idle') : 'trading');
  why.dataset.code = idle.code;
  why.textContent = (idle.idle ? t('why.notTrading') : '') + whyText(idle);
}

/** Why it is (not) trading in the language shown: the node's English message, or the same said from its figures. */
function whyText(idle) {
  const d = idle.detail || {};
  if (!has('why.' + idle.code)) return idle.message;
  const p2 = v => Number(v).toFixed(2);
  const dlq = Number(d.heldByDeadLetters || 0);
  switch (idle.code) {
    case 'PAUSED': return t('why.PAUSED', { by: d.by ?? '', reason: d.reason ? ': ' + d.reason : '' });
    case 'SLOTS_HELD': return t(dlq > 0 ? 'why.SLOTS_HELD.dlq' : 'why.SLOTS_HELD', { slots: d.slots, n: dlq });
    case 'EXPOSURE_HELD': return t('why.EXPOSURE_HELD', { reserved: krw(d.reservedKrw), max: krw(d.maxExposureKrw),
      dlq: dlq > 0 ? t('why.EXPOSURE_HELD.dlq', { n: dlq }) : '' });
    case 'STALE_FEEDS': return Number(d.coins) ? t('why.STALE_FEEDS', { coins: d.coins }) : t('why.STALE_FEEDS.none');
    case 'NO_OPPORTUNITY': return t('why.NO_OPPORTUNITY', { min: p2(d.minSpreadPercent),
      best: d.bestCoin ? t('why.best', { coin: d.bestCoin, edge: p2(d.bestNetEdgePercent) }) : '' });
    case 'TRADING': return t('why.TRADING', { coin: d.bestCoin, edge: p2(d.bestNetEdgePercent), min: p2(d.minSpreadPercent) });
    default: return t('why.' + idle.code, { reason: d.reason ?? '' });
  }
}

// ---- pages

const pages = {};

pages.board = main => {
  // coin -> {data, tr, cells, text (what each cell shows), bg, edge, stale, title, history, spark, visible, sparkDirty}
  const rows = new Map();
  const byTr = new Map();
  let staleAfter = 10000, sortKey = 'premium', sortDir = -1, filter = '';
  const cols = [
    ['coin', 'board.coin'], ['upbit', 'board.upbit'], ['binance', 'board.binance'], ['rate', 'board.rate'],
    ['premium', 'board.premium'], ['edge', 'board.edge'], ['at', 'board.age'], ['spark', 'board.spark'],
  ];
  const count = el('span', { id: 'board-count' });
  const input = el('input', { id: 'board-filter', type: 'search', 'data-i18n-placeholder': 'board.filter',
    'data-i18n-label': 'board.filter', oninput: e => { filter = e.target.value.trim().toUpperCase(); layout(); } });
  const head = el('tr', { role: 'row' });
  for (const [key, label] of cols) {
    const th = el('th', { scope: 'col', role: 'columnheader', 'aria-sort': 'none' });
    if (key === 'spark') th.append(el('span', { 'data-i18n': label }));
    else th.append(el('button', { type: 'button', 'data-i18n': label, 'data-sort': key, onclick: () => {
      sortDir = sortKey === key ? -sortDir : (key === 'coin' ? 1 : -1); sortKey = key; sorted(); layout();
    } }));
    head.append(th);
  }
  const body = el('tbody', { role: 'rowgroup' });
  main.append(el('h1', { 'data-i18n': 'board.title' }),
    el('div', { class: 'toolbar' }, input, count),
    el('table', { id: 'board', role: 'table' }, el('thead', { role: 'rowgroup' }, head), body));

  function sorted() {
    for (const th of head.children) {
      const key = th.firstChild.dataset.sort;
      th.setAttribute('aria-sort', key === sortKey ? (sortDir > 0 ? 'ascending' : 'descending') : 'none');
    }
  }
  sorted();

  // Which rows are on screen. Only they are painted (the stylesheet skips rows off screen), only their sparklines are
  // drawn, and only their updates count as painted in the latency measure.
  const seen = new IntersectionObserver(entries => {
    for (const e of entries) {
      const row = byTr.get(e.target);
      if (!row) continue;
      row.visible = e.isIntersecting;
      if (row.visible && row.sparkDirty) spark(row);
    }
  });

  // A sparkline is the coin's history (a point every 30 s, the node's from the snapshot, then this page's) and, at its
  // right end, the premium now: a line as soon as there is one point of history and a newer price, moving with the
  // premium column. The live end is redrawn at most every SPARK_MS (and caught up by the 1 s ticker), not on every tick.
  const HISTORY_MS = 30000, SPARK_MS = 2000;
  function spark(row) {
    row.sparkDirty = false;
    row.sparkAt = performance.now();
    const h = row.history, live = row.live;
    const points = live && (!h.length || live[0] > h[h.length - 1][0]) ? h.concat([live]) : h;
    drawLine(row.spark.firstChild, points, 120, 24);
    const label = points.length < 2 ? '' : `${t('board.spark')}: ${pct(points[0][1])} → ${pct(points[points.length - 1][1])}`;
    if (row.sparkLabel !== label) { row.sparkLabel = label; row.spark.setAttribute('aria-label', label); }
  }
  function sparkSoon(row, force) {
    if (!force && performance.now() - row.sparkAt < SPARK_MS) { row.sparkDirty = true; return; }
    if (row.visible) spark(row); else row.sparkDirty = true;
  }

  /** A cell's text, written only when it changed: one text node's data, nothing parsed, nothing else touched. */
  function put(row, i, text) {
    if (row.text[i] !== text) {
      row.text[i] = text;
      row.cells[i].firstChild.data = text;
    }
  }

  function create(coin) {
    const tr = el('tr', { 'data-coin': coin, role: 'row' });
    const cells = [];
    for (let i = 0; i < 7; i++) {
      const td = el('td', { role: 'cell' });
      td.append(document.createTextNode(''));
      cells.push(td);
      tr.append(td);
    }
    cells[6].className = 'age';
    const sparkCell = el('td', { role: 'cell' });
    tr.append(sparkCell);
    const row = { tr, cells, text: ['', '', '', '', '', '', ''], bg: '', edge: '', stale: null, title: '',
      history: [], live: null, data: null, spark: sparkline([]), visible: false, sparkDirty: false, sparkAt: -Infinity,
      sparkLabel: '' };
    sparkCell.append(row.spark);
    rows.set(coin, row);
    byTr.set(tr, row);
    seen.observe(tr);
    return row;
  }

  /** Shows {@code r} in its row unless the row already shows a newer tick; true if it was applied. */
  function upsert(r, now) {
    const row = rows.get(r.coin) || create(r.coin);
    if (row.data && r.at < row.data.at) return false; // an older tick than the one shown
    row.data = r;
    put(row, 0, r.coin);
    put(row, 1, krw(r.upbit));
    put(row, 2, usdt(r.binance));
    put(row, 3, rate(r.rate));
    put(row, 4, pct(r.premium));
    const v = r.premium;
    const bg = v === null || v === undefined ? ''
      : `rgba(${v >= 0 ? '26,127,55' : '207,34,46'},${Math.min(1, Math.abs(v) / 3) * 0.45})`;
    if (row.bg !== bg) { row.bg = bg; row.cells[4].style.backgroundColor = bg; }
    put(row, 5, pct(r.edge));
    const edge = signClass(r.edge);
    if (row.edge !== edge) { row.edge = edge; row.cells[5].className = edge; }
    const h = row.history;
    if (r.premium !== null && r.premium !== undefined) {
      row.live = [r.sent, r.premium];
      const step = !h.length || r.sent - h[h.length - 1][0] >= HISTORY_MS;
      if (step) {
        h.push(row.live);
        while (h.length > 120) h.shift();
      }
      sparkSoon(row, step);
    }
    tick(row, now);
    return true;
  }

  // a row's age is that of its oldest input (a fresh Binance tick does not make a silent Upbit price young)
  function tick(row, now) {
    const r = row.data;
    const since = r.inputsAt || r.at;
    const a = now - since;
    const stale = !!(r.stale || a > staleAfter);
    if (row.stale !== stale) {
      row.stale = stale;
      row.tr.classList.toggle('stale', stale);
      row.tr.dataset.stale = stale;
    }
    put(row, 6, age(a));
    if (row.title !== since) { row.title = since; row.cells[6].title = new Date(since).toISOString(); }
  }

  /**
   * Puts the rows in order, moving as few as possible: those outside the longest run already in order (a row that
   * moved down one place is one move, not one per row it passed). No layout is read. Called at once when the operator
   * sorts or filters and when a coin appears; as prices move, at most once a second (ORDER_MS): the values are shown as
   * they come, but rows do not jump places every frame, which no one can read and which repaints every row between.
   */
  const ORDER_MS = 1000;
  let ordered = 0;
  function layout() {
    ordered = performance.now();
    const list = [];
    for (const r of rows.values()) if (r.data && (!filter || r.data.coin.includes(filter))) list.push(r);
    list.sort((a, b) => {
      const x = a.data[sortKey], y = b.data[sortKey];
      if (typeof x === 'string') return sortDir * x.localeCompare(y);
      return sortDir * ((x ?? -Infinity) - (y ?? -Infinity));
    });
    const pos = new Map();
    let i = 0;
    for (const tr of body.children) pos.set(tr, i++);
    if (list.length !== pos.size || list.some(r => !pos.has(r.tr))) {
      const shown = new Set(list.map(r => r.tr));
      for (const tr of [...body.children]) if (!shown.has(tr)) { tr.remove(); pos.delete(tr); }
    }
    const keep = stay(list.map(r => pos.get(r.tr) ?? -1));
    let next = null;
    for (let j = list.length - 1; j >= 0; j--) {
      const tr = list[j].tr;
      if (!keep[j]) body.insertBefore(tr, next);
      next = tr;
    }
    const text = `${list.length} / ${rows.size} ${t('board.count')}`;
    if (count.textContent !== text) count.textContent = text;
  }

  /** Marks the longest increasing subsequence of {@code p} (current positions; -1: not shown yet): the rows that stay. */
  function stay(p) {
    const tails = [], prev = new Array(p.length).fill(-1), keep = new Array(p.length).fill(false);
    for (let j = 0; j < p.length; j++) {
      if (p[j] < 0) continue;
      let lo = 0, hi = tails.length;
      while (lo < hi) { const m = (lo + hi) >> 1; if (p[tails[m]] < p[j]) lo = m + 1; else hi = m; }
      prev[j] = lo > 0 ? tails[lo - 1] : -1;
      tails[lo] = j;
    }
    for (let j = tails.length ? tails[tails.length - 1] : -1; j >= 0; j = prev[j]) keep[j] = true;
    return keep;
  }

  on('snapshot', s => {
    staleAfter = s.staleAfterMs;
    const now = Date.now();
    for (const [coin, points] of Object.entries(s.history || {})) {
      const row = rows.get(coin) || create(coin);
      row.history = points.slice();
      row.sparkDirty = true;
    }
    for (const r of s.rows) upsert(r, now);
    for (const row of rows.values()) {
      if (!row.data) upsert({ coin: row.tr.dataset.coin, at: 0, sent: 0, premium: null, stale: true }, now);
      if (row.visible && row.sparkDirty) spark(row);
    }
    layout();
  });

  // Tick arrival → paint, for the rows painted: a task queued from the frame callback runs once that frame has been
  // rendered; each update is measured from its tick's arrival at the node (an update overtaken in the same frame by a
  // newer one of its coin counts too, painted when the newer one is). Rows off screen are applied but not painted:
  // they are counted apart (__kimpOffscreen), not as painted.
  const latency = (window.__kimpLatency = window.__kimpLatency || []);
  const offscreen = (window.__kimpOffscreen = window.__kimpOffscreen || []);
  // Updates arriving between two frames are applied together, once per frame, each coin's newest only: however many
  // events come, the page writes each changed cell once, lays out only the rows that changed (each row is contained)
  // and never falls behind the stream.
  let pending = [];
  let scheduled = false;
  let reorder = 0;
  function frame() {
    scheduled = false;
    const arrived = pending;
    pending = [];
    const newest = new Map();
    for (const r of arrived) {
      const n = newest.get(r.coin);
      if (!n || r.at >= n.at) newest.set(r.coin, r);
    }
    const now = Date.now();
    const applied = new Set();
    const known = rows.size;
    for (const r of newest.values()) if (upsert(r, now)) applied.add(r.coin);
    if (rows.size !== known || performance.now() - ordered >= ORDER_MS) layout();
    else if (applied.size && !reorder) {
      // the order catches up with these values within ORDER_MS, even if they are the last to come for a while
      reorder = setTimeout(() => { reorder = 0; layout(); }, ORDER_MS - (performance.now() - ordered));
    }
    window.__kimpFrames = (window.__kimpFrames || 0) + 1;
    setTimeout(() => {
      const painted = performance.timeOrigin + performance.now();
      for (const r of arrived) {
        if (!applied.has(r.coin)) continue;
        (rows.get(r.coin).visible ? latency : offscreen).push(painted - r.at);
      }
      if (latency.length > 100000) latency.splice(0, latency.length - 100000);
      if (offscreen.length > 100000) offscreen.splice(0, offscreen.length - 100000);
    }, 0);
  }
  on('board', list => {
    for (const r of list) pending.push(r);
    if (!scheduled) { scheduled = true; requestAnimationFrame(frame); }
  });
  setInterval(() => {
    const now = Date.now();
    for (const r of rows.values()) {
      if (r.data) tick(r, now);
      if (r.sparkDirty && r.visible) sparkSoon(r, false); // the live end catches up once the ticks stop
    }
  }, 1000);
};

/** A table with a head of labels; a label ending in {@code :text} heads a column of prose (left-aligned, wrapped). */
function table(headers, id) {
  const tr = el('tr');
  for (const h of headers) {
    const [key, kind] = h.split(':');
    tr.append(el('th', kind ? { scope: 'col', 'data-i18n': key, class: kind } : { scope: 'col', 'data-i18n': key }));
  }
  const body = el('tbody');
  return { table: el('table', { id }, el('thead', {}, tr), body), body };
}

pages.cycles = main => {
  const openOnly = el('input', { type: 'checkbox', id: 'open-only' });
  const { table: tbl, body } = table(['cycles.id', 'cycles.symbol', 'cycles.status', 'cycles.leg', 'cycles.step',
    'cycles.age', 'cycles.investment', 'cycles.pnl'], 'cycles');
  main.append(el('h1', { 'data-i18n': 'cycles.title' }),
    el('div', { class: 'toolbar' }, el('label', {}, openOnly, ' ', el('span', { 'data-i18n': 'cycles.open' }))), tbl);
  async function load() {
    const r = await api('GET', 'cycles?limit=200' + (openOnly.checked ? '&open=true' : ''));
    body.replaceChildren();
    for (const c of r.json || []) {
      const since = c.statusSince || c.startedAt;
      body.append(el('tr', { 'data-cycle': c.cycleId },
        el('td', {}, el('a', { href: '/ui/cycles/' + c.cycleId, text: c.cycleId.slice(0, 8) })),
        el('td', {}, c.symbol, c.hedged ? el('span', { class: 'tag hedged', 'data-hedged': 'true',
          title: t('hedge.hedgedTitle'), text: t('hedge.hedgedTag') }) : null),
        el('td', { text: code('status', c.status) }), el('td', { text: code('leg', c.leg) || '' }),
        el('td', { text: hedge.stepName(c.step || '') }), el('td', { title: c.startedAt, text: age(Date.now() - Date.parse(c.startedAt)) }),
        el('td', { text: krw(c.investmentKrw) }),
        el('td', { class: signClass(c.netProfitKrw), text: c.netProfitKrw === null ? '–' : krw(c.netProfitKrw) })));
      void since;
    }
  }
  openOnly.addEventListener('change', load);
  let version = null;
  on('status', s => { if (s.cyclesVersion !== version) { version = s.cyclesVersion; load(); } });
  load();
};

/** Recover or discard behind a confirmation; the answer is shown in {@code out} and {@code after} runs. */
function deadLetterActions(cycleId, out, after) {
  const ask = (textKey, withReason) => new Promise(resolve => {
    const d = $('#confirm');
    $('#confirm-text').textContent = t(textKey, { id: cycleId });
    $('#confirm-reason').value = '';
    $('#confirm-reason').hidden = !withReason;
    $('#confirm-reason-label').hidden = !withReason;
    d.onclose = () => resolve(d.returnValue === 'ok' ? $('#confirm-reason').value.trim() : null);
    d.returnValue = '';
    d.showModal();
  });
  const report = r => {
    out.className = 'result' + (r.ok ? '' : ' error');
    out.textContent = r.ok ? `${r.json.code}: ${r.json.message}` : `${r.status}: ${r.json?.message || ''}`;
    after();
  };
  return el('span', { class: 'actions' },
    el('button', { type: 'button', class: 'primary', 'data-action': 'recover', 'data-i18n': 'dlq.recover', onclick: async () => {
      if ((await ask('dlq.confirmRecover', false)) === null) return;
      report(await api('POST', `dlq/${cycleId}/recover`));
    } }),
    ' ',
    el('button', { type: 'button', class: 'danger', 'data-action': 'discard', 'data-i18n': 'dlq.discard', onclick: async () => {
      const reason = await ask('dlq.confirmDiscard', true);
      if (reason === null) return;
      report(await api('POST', `dlq/${cycleId}/discard`, { reason }));
    } }));
}

pages.cycle = (main, id) => {
  const out = el('p', { class: 'result', id: 'action-result', role: 'status' });
  const head = el('div', { class: 'cards', id: 'cycle-summary' });
  const actions = el('div', { id: 'cycle-actions' });
  const timeline = el('ol', { class: 'timeline', id: 'timeline' });
  const { table: trades, body } = table(['cycles.step', 'cycles.status:text', 'board.coin', 'trade.quantity', 'trade.price',
    'trade.fee', 'cycles.investment', 'cycles.pnl'], 'trades');
  main.append(el('h1', {}, el('span', { 'data-i18n': 'cycle.title' }), ' ' + id), head, actions, out,
    el('h2', { 'data-i18n': 'cycle.timeline' }), timeline, el('h2', { 'data-i18n': 'cycle.trades' }), trades);
  async function load() {
    const [r, dlq] = await Promise.all([api('GET', 'cycles/' + id), api('GET', 'dlq?open=true')]);
    if (!r.ok) { out.className = 'result error'; out.textContent = r.json?.message || r.status; return; }
    const c = r.json.cycle;
    const card = (label, value) => el('div', { class: 'card' }, el('div', { class: 'label', text: label }),
      el('div', { class: 'value' }, value));
    const h = hedge.summary(r.json.events);
    const hedgeCards = !h.hedged ? [] : [
      card(t('hedge.card'), el('span', { id: 'cycle-hedge', text: hedge.state(h) })),
      // the hedge's own result, already inside the cycle's PnL above (converted at the cycle's USDT/KRW)
      card(t('hedge.pnl'), el('span', { id: 'cycle-hedge-pnl', class: signClass(h.pnl), text: h.pnl === null ? '–' : usdt(h.pnl) })),
      card(t('hedge.fees'), el('span', { id: 'cycle-hedge-fees', text: h.fees === null ? '–' : usdt(h.fees) }))];
    head.replaceChildren(card(t('cycles.status'), el('span', { id: 'cycle-status', text: code('status', c.status) })), card(t('board.coin'), c.symbol),
      card(t('cycle.direction'), code('dir', c.direction)), card(t('cycles.investment'), krw(c.initialInvestmentKrw)),
      card(t('cycles.pnl'), el('span', { class: signClass(Number(c.totalNetProfitKrw)),
        text: c.totalNetProfitKrw === null ? '–' : krw(c.totalNetProfitKrw) })), ...hedgeCards,
      card(t('cycle.started'), time(c.startTime)), card(t('dlq.retries'), String(c.retryCount)));
    timeline.replaceChildren();
    for (const e of r.json.events) {
      const { type, timestamp, sequenceNr, persistenceId, ...rest } = e;
      const what = hedge.describe(e);
      timeline.append(el('li', e.step ? { 'data-type': type, 'data-step': e.step } : { 'data-type': type }, time(timestamp), ' ',
        el('span', { class: 'type', text: type }), what ? el('p', { class: 'what', text: what }) : null,
        el('pre', { text: JSON.stringify(rest, null, 1).replace(/^\{\n|\n\}$/g, '') })));
    }
    body.replaceChildren();
    for (const tr of r.json.trades) {
      const perp = hedge.isHedgeStep(tr.side);
      const price = tr.price === null || tr.price === undefined ? '–' : perp || tr.exchange === 'BINANCE' ? usdt(tr.price) : krw(tr.price);
      const fee = tr.fee === null || tr.fee === undefined ? '–'
        : tr.feeAsset === 'USDT' ? usdt(tr.fee) : tr.feeAsset === 'KRW' ? krw(tr.fee) : hedge.qty(tr.fee, tr.feeAsset);
      body.append(el('tr', { 'data-side': tr.side, 'data-status': tr.status },
        el('td', { text: `${code('leg', tr.tradeType)} ${hedge.stepName(tr.side)} #${tr.attempt}` }),
        el('td', { class: 'text', text: tr.status + (tr.errorMessage ? ' — ' + tr.errorMessage : '') }),
        el('td', { text: `${tr.symbol} @ ${tr.exchange}${perp ? ' ' + t('hedge.futures') : ''}` }),
        el('td', { text: hedge.qty(tr.quantity, tr.symbol) }), el('td', { text: price }), el('td', { text: fee }),
        // the KRW a trade moved; a Binance trade without it moved USDT (its quote amount), not won
        el('td', { text: perp ? '' : tr.investmentKrw !== null && tr.investmentKrw !== undefined ? krw(tr.investmentKrw)
          : tr.exchange === 'BINANCE' ? usdt(tr.quoteAmount) : krw(tr.quoteAmount) }),
        el('td', { text: tr.netProfitKrw === null ? '–' : krw(tr.netProfitKrw) })));
    }
    const open = (dlq.json || []).some(d => d.deadLetter.cycleId === id);
    if (actions.dataset.open !== String(open)) { // keep the buttons an operator may be about to press
      actions.dataset.open = String(open);
      actions.replaceChildren(...(open ? [deadLetterActions(id, out, load)] : []));
    }
    applyLabels(main);
  }
  let version = null;
  on('status', s => { if (s.cyclesVersion !== version) { version = s.cyclesVersion; load(); } });
  load();
};

pages.dlq = main => {
  const out = el('p', { class: 'result', id: 'action-result', role: 'status' });
  const { table: tbl, body } = table(['cycles.id', 'cycles.symbol', 'dlq.reason:text', 'dlq.retries', 'dlq.age',
    'dlq.status', 'dlq.actions'], 'dlq');
  main.append(el('h1', { 'data-i18n': 'dlq.title' }), out, tbl);
  async function load() {
    const r = await api('GET', 'dlq');
    body.replaceChildren();
    const list = r.json || [];
    if (!list.length) body.append(el('tr', {}, el('td', { colspan: 7, 'data-i18n': 'dlq.none' })));
    for (const e of list) {
      const d = e.deadLetter;
      body.append(el('tr', { 'data-cycle': d.cycleId },
        el('td', {}, el('a', { href: '/ui/cycles/' + d.cycleId, text: d.cycleId.slice(0, 8) })), el('td', { text: d.symbol }),
        el('td', { class: 'text', text: d.reason }), el('td', { text: `${d.retryCount} (×${e.timesDeadLettered})` }),
        el('td', { title: d.at, text: age(Date.now() - Date.parse(d.at)) }), el('td', { text: e.status }),
        el('td', {}, e.status === 'OPEN' ? deadLetterActions(d.cycleId, out, load) : (e.resolvedBy || ''))));
    }
    applyLabels(main);
  }
  let n = null;
  on('status', s => { if (s.openDeadLetters !== n) { n = s.openDeadLetters; load(); } });
  load();
};

const SETTINGS = ['capitalKrw', 'sizing', 'fixedAmountKrw', 'percentage', 'minOrderKrw', 'maxConcurrentCycles',
  'maxExposureKrw', 'dailyLossLimitKrw', 'minSpreadPercent', 'finalizerMinProfitPercent'];

/** The field a 422 is about: the API's {@code field}, else the setting its message names first. */
export function fieldOf(json) {
  if (json && json.field) return json.field;
  const msg = (json && json.message) || '';
  let best = null, at = Infinity;
  for (const f of SETTINGS) {
    const i = msg.search(new RegExp('\\b' + f + '\\b'));
    if (i >= 0 && i < at) { best = f; at = i; }
  }
  return best;
}

const switchText = p => (p.paused ? t('money.paused', { by: p.pausedBy ?? p.by ?? '' }) : t('money.running'));

pages.money = main => {
  const cards = el('div', { class: 'cards', id: 'money' });
  const chart = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  chart.setAttribute('class', 'chart'); chart.setAttribute('viewBox', '0 0 800 220'); chart.setAttribute('preserveAspectRatio', 'none');
  chart.setAttribute('role', 'img'); chart.setAttribute('aria-label', t('money.curve'));
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  const zero = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  zero.setAttribute('class', 'zero');
  chart.append(zero, line);
  // the axes: the curve's highest and lowest value (KRW) beside it, its first and last time under it
  const axis = id => el('span', { id });
  const yAxis = el('div', { class: 'y-axis', 'aria-hidden': 'true' }, axis('equity-ymax'), axis('equity-ymin'));
  const xAxis = el('div', { class: 'x-axis' }, axis('equity-x0'), axis('equity-x1'));
  const curveBox = el('figure', { class: 'chart-box', id: 'equity' }, yAxis, chart, xAxis);
  const switchOut = el('p', { class: 'result', id: 'switch-result', role: 'status' });
  const reason = el('input', { id: 'pause-reason', type: 'text', maxlength: 500 });
  const pause = el('button', { type: 'button', id: 'pause', class: 'danger', 'data-i18n': 'money.pause', onclick: async () => {
    const r = await api('POST', 'trading/pause', reason.value.trim() ? { reason: reason.value.trim() } : {});
    switchOut.textContent = r.ok ? switchText(r.json) : r.json?.message; loadMoney();
  } });
  const resume = el('button', { type: 'button', id: 'resume', class: 'primary', 'data-i18n': 'money.resume', onclick: async () => {
    const r = await api('POST', 'trading/resume', {});
    switchOut.textContent = r.ok ? switchText(r.json) : r.json?.message; loadMoney();
  } });
  const form = el('form', { class: 'settings', id: 'settings', novalidate: '' });
  const saved = el('p', { class: 'result', id: 'settings-result', role: 'status' });
  main.append(el('h1', { 'data-i18n': 'money.title' }), cards, el('h2', { 'data-i18n': 'money.curve' }), curveBox,
    el('h2', { 'data-i18n': 'money.switch' }),
    el('div', { class: 'toolbar' }, el('label', { for: 'pause-reason', 'data-i18n': 'money.pauseReason' }), reason, pause, resume),
    switchOut, el('h2', { 'data-i18n': 'money.settings' }), form, saved);
  let current = {};
  for (const f of SETTINGS) {
    const input = f === 'sizing'
      ? el('select', { id: 's-' + f, name: f }, ...['FIXED_AMOUNT', 'PERCENTAGE', 'FULL_CAPITAL'].map(o =>
        el('option', { value: o, 'data-i18n': 'set.sizing.' + o })))
      : el('input', { id: 's-' + f, name: f, type: 'text', inputmode: 'decimal' });
    form.append(el('label', { for: 's-' + f, 'data-i18n': 'set.' + f, title: f }), input,
      el('span', { class: 'field-error', id: 'err-' + f, 'aria-live': 'polite' }));
    input.setAttribute('aria-describedby', 'err-' + f);
  }
  form.append(el('span'), el('button', { type: 'submit', class: 'primary', id: 'save', 'data-i18n': 'money.save' }));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
    for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
    const body = {};
    for (const f of SETTINGS) {
      const v = form.elements[f].value.trim();
      if (v === String(current[f] ?? '')) continue;
      body[f] = f === 'sizing' ? v : (v === '' ? null : (isNaN(Number(v)) ? v : Number(v)));
    }
    const r = await api('PUT', 'settings', body);
    if (r.ok) { saved.className = 'result'; saved.textContent = t('money.saved'); fill(r.json.settings); return; }
    const f = fieldOf(r.json);
    saved.className = 'result error';
    if (f && $('#err-' + f)) {
      $('#err-' + f).textContent = r.json.message;
      form.elements[f].setAttribute('aria-invalid', 'true');
      form.elements[f].focus();
      saved.textContent = '';
    } else {
      saved.textContent = `${r.status}: ${r.json?.message || ''}`;
    }
  });
  function fill(s) {
    current = s;
    for (const f of SETTINGS) form.elements[f].value = s[f] ?? '';
  }
  let loads = 0;
  async function loadMoney() {
    const mine = ++loads;
    main.setAttribute('aria-busy', 'true'); // the figures and the curve change the page's layout until it is done
    const p = (await api('GET', 'portfolio')).json;
    if (mine !== loads) return; // a later load (e.g. after a pause) answers for the page, not this older one
    const card = (k, v, id, cls = '') => el('div', { class: 'card' }, el('div', { class: 'label', 'data-i18n': k }),
      el('div', { class: 'value ' + cls, id, text: v }));
    const total = Number(p.realizedPnlKrw);
    cards.replaceChildren(card('money.capital', krw(p.capitalKrw), 'm-capital'), card('money.equity', krw(p.equityKrw), 'm-equity'),
      card('money.reserved', krw(p.reservedKrw), 'm-reserved'), card('money.free', krw(p.freeKrw), 'm-free'),
      card('money.today', krw(p.todayRealizedPnlKrw), 'm-today', signClass(Number(p.todayRealizedPnlKrw))),
      card('money.total', krw(p.realizedPnlKrw), 'm-total', signClass(total)),
      card('money.switch', switchText(p), 'm-switch'));
    pause.disabled = p.paused; resume.disabled = !p.paused;
    const curve = await data('equity');
    const scale = drawLine(line, curve.map(c => [c.at, Number(c.pnlKrw)]), 800, 220, 8);
    const set = (id, node) => $('#' + id).replaceChildren(...(node ? [node] : []));
    set('equity-ymax', scale && document.createTextNode(krw(scale.max)));
    set('equity-ymin', scale && document.createTextNode(krw(scale.min)));
    set('equity-x0', scale && time(new Date(scale.t0).toISOString()));
    set('equity-x1', scale && time(new Date(scale.t1).toISOString()));
    zero.setAttribute('d', scale && scale.min < 0 && scale.max > 0 ? `M0 ${scale.y(0).toFixed(1)} H800` : '');
    applyLabels(main);
    if (mine === loads) main.setAttribute('aria-busy', 'false');
  }
  api('GET', 'settings').then(r => fill(r.json.settings));
  let version = null;
  on('status', s => { if (s.cyclesVersion !== version || s.idle.code !== (state.lastCode || '')) {
    version = s.cyclesVersion; state.lastCode = s.idle.code; loadMoney(); } });
  loadMoney();
};

pages.system = main => {
  const cards = el('div', { class: 'cards', id: 'sys' });
  const comps = table(['sys.components', 'dlq.status', 'dlq.reason:text'], 'components');
  const feeds = table(['sys.feeds', 'dlq.status', 'sys.msgs', 'sys.lastFrame'], 'connections');
  const cluster = el('pre', { id: 'cluster' });
  const alerts = table(['sys.alerts', 'cycles.step'], 'telegram');
  const hedgeCards = el('div', { class: 'cards', id: 'hedge-cards' });
  const hedgeOut = el('p', { class: 'result', id: 'hedge-result', role: 'status' });
  const positions = table(['board.coin', 'hedge.expected', 'hedge.seen', 'hedge.mismatch', 'hedge.action:text'], 'hedge-positions');
  const futures = table(['hedge.futuresFeeds', 'dlq.status', 'sys.msgs', 'sys.lastFrame'], 'hedge-feeds');
  const hedgeSection = el('section', { id: 'hedge', 'aria-labelledby': 'hedge-title' },
    el('h2', { id: 'hedge-title', 'data-i18n': 'hedge.title' }), hedgeCards, hedgeOut, positions.table, futures.table);
  main.append(el('h1', { 'data-i18n': 'sys.title' }), cards, comps.table, el('h2', { 'data-i18n': 'sys.feeds' }), feeds.table,
    hedgeSection, el('h2', { 'data-i18n': 'sys.cluster' }), cluster, el('h2', { 'data-i18n': 'sys.alerts' }), alerts.table);
  const connRow = c => el('tr', { 'data-connection': c.name }, el('td', { text: c.name }),
    el('td', { class: c.connected ? 'pos' : 'neg', text: t(c.connected ? 'sys.up' : 'sys.down') }),
    el('td', { text: Number(c.framesPerSecond).toFixed(1) }), el('td', { text: age(c.lastFrameAgeMs) }));
  /** On/off and its settings, the watch's last check per coin, and the futures feed's connections. */
  async function loadHedge(s) {
    const conf = s.hedge || {};
    const w = conf.enabled ? await api('GET', 'hedge') : { ok: false, status: 404 };
    const card = (k, v, id) => el('div', { class: 'card' }, el('div', { class: 'label', 'data-i18n': k }),
      el('div', { class: 'value', id, text: v }));
    const on = conf.enabled && w.status !== 404;
    hedgeSection.dataset.enabled = String(on);
    const list = [card('hedge.state', t(on ? 'hedge.on' : 'hedge.off'), 'hedge-state')];
    if (on) {
      list.push(card('hedge.leverage', conf.leverage + '×', 'hedge-leverage'),
        card('hedge.unlisted', t('hedge.unlisted.' + conf.unlisted), 'hedge-unlisted'),
        card('hedge.checked', w.ok ? hedge.checkedAgo(w.json.at) : '–', 'hedge-checked'),
        card('hedge.every', conf.watchInterval, 'hedge-every'),
        card('hedge.orphans', t(conf.closeOrphans ? 'hedge.orphans.close' : 'hedge.orphans.alert'), 'hedge-orphans'));
    }
    hedgeCards.replaceChildren(...list);
    hedgeOut.className = 'result' + (w.ok && w.json.error ? ' error' : '');
    hedgeOut.textContent = !on ? t('hedge.offText') : !w.ok ? `${w.status}: ${w.json?.message || ''}`
      : w.json.error ? t('hedge.checkFailed', { error: w.json.error }) : '';
    positions.table.hidden = !on;
    futures.table.hidden = !on;
    if (!on) return;
    const coins = w.ok ? w.json.coins : [];
    positions.body.replaceChildren(...(coins.length ? coins.map(c => el('tr', { 'data-coin': c.coin, 'data-mismatch': String(c.mismatch) },
      el('td', { text: c.coin }), el('td', { text: hedge.qty(c.expectedShort) }), el('td', { text: hedge.qty(c.seenShort) }),
      el('td', { class: hedge.difference(c).cls, text: hedge.difference(c).text }),
      el('td', { class: 'text', text: hedge.action(c, conf.closeOrphans) })))
      : [el('tr', {}, el('td', { colspan: 5, 'data-i18n': 'hedge.flatAll' }))]));
    futures.body.replaceChildren(...s.connections.filter(c => c.name.startsWith('binance-futures')).map(connRow));
  }
  async function load() {
    const s = await data('system');
    const card = (k, v) => el('div', { class: 'card' }, el('div', { class: 'label', 'data-i18n': k }), el('div', { class: 'value', text: v }));
    cards.replaceChildren(card('sys.version', s.version), card('sys.uptime', age(s.uptimeSeconds * 1000)), card('sys.node', s.node));
    comps.body.replaceChildren(...s.components.map(c => el('tr', {}, el('td', { text: c.name }), el('td', { text: c.health }),
      el('td', { class: 'text', text: c.detail }))));
    feeds.body.replaceChildren(...s.connections.map(connRow));
    await loadHedge(s);
    alerts.body.replaceChildren(...Object.entries(s.telegram).map(([k, v]) => el('tr', {}, el('td', { text: k }), el('td', { text: String(v) }))));
    const c = await api('GET', 'cluster');
    cluster.textContent = JSON.stringify(c.json, null, 2);
    applyLabels(main);
  }
  load();
  setInterval(load, 5000);
};

pages.backtests = main => {
  const FIELDS = [['upbit', 'bt.upbit'], ['binance', 'bt.binance'], ['fx', 'bt.fx']];
  const form = el('form', { class: 'backtest', id: 'backtest', novalidate: '' });
  const out = el('p', { class: 'result', id: 'bt-result', role: 'alert' });
  const bar = el('progress', { id: 'bt-progress', max: '100', value: '0', 'aria-labelledby': 'bt-progress-label' });
  const barText = el('span', { id: 'bt-progress-text' });
  const { table: reports, body } = table(['bt.report', 'bt.written', 'bt.cycles', 'bt.pnl'], 'bt-reports');
  const upForm = el('form', { class: 'backtest', id: 'bt-upload', novalidate: '' });
  const upOut = el('p', { class: 'result', id: 'bt-upload-result', role: 'alert' });
  main.append(el('h1', { 'data-i18n': 'bt.title' }), el('h2', { 'data-i18n': 'bt.uploadTitle' }), upForm, upOut,
    el('h2', { 'data-i18n': 'bt.run' }), form, out,
    el('div', { class: 'bt-progress' }, el('span', { id: 'bt-progress-label', 'data-i18n': 'bt.progress' }), bar, barText),
    el('h2', { 'data-i18n': 'bt.reports' }), reports);
  const field = (name, label, input) => {
    input.id = 'bt-' + name; input.name = name; input.setAttribute('aria-describedby', 'bt-err-' + name);
    form.append(el('label', { for: input.id, 'data-i18n': label }), input,
      el('span', { class: 'field-error', id: 'bt-err-' + name, 'aria-live': 'polite' }));
  };
  for (const [name, label] of FIELDS) field(name, label, el('select'));
  field('symbol', 'bt.symbol', el('input', { type: 'text', value: 'BTC', autocomplete: 'off' }));
  field('from', 'bt.from', el('input', { type: 'text', placeholder: '2025-06-01' }));
  field('to', 'bt.to', el('input', { type: 'text', placeholder: '2025-07-01' }));
  field('lenient', 'bt.lenient', el('input', { type: 'checkbox' }));
  const start = el('button', { type: 'submit', class: 'primary', id: 'bt-start', 'data-i18n': 'bt.start' });
  form.append(el('span'), start);

  // upload: the server streams each file to disk, checks it with the backtest's reader, and answers with its name
  for (const [name, label] of FIELDS) {
    const input = el('input', { type: 'file', id: 'bt-up-' + name, name, accept: '.csv,text/csv',
      'aria-describedby': 'bt-uperr-' + name });
    upForm.append(el('label', { for: input.id, 'data-i18n': label }), input,
      el('span', { class: 'field-error', id: 'bt-uperr-' + name, 'aria-live': 'polite' }));
  }
  const upStart = el('button', { type: 'submit', id: 'bt-upload-start', 'data-i18n': 'bt.upload' });
  upForm.append(el('span'), upStart);
  upForm.addEventListener('submit', async ev => {
    ev.preventDefault();
    for (const e of upForm.querySelectorAll('.field-error')) e.textContent = '';
    for (const e of upForm.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
    const body = new FormData();
    for (const [name] of FIELDS) { const f = upForm.elements[name].files[0]; if (f) body.append(name, f, f.name); }
    upOut.className = 'result'; upOut.textContent = t('bt.uploading');
    upStart.disabled = true;
    let res, json = {};
    try {
      res = await fetch('/ui/data/backtests/upload', { method: 'POST', credentials: 'same-origin', body,
        headers: { Accept: 'application/json', 'X-CSRF-Token': csrf } });
      try { json = await res.json(); } catch (e) { json = { message: String(res.status) }; }
    } catch (e) {
      res = { ok: false, status: 0 }; json = { message: String(e) };
    } finally { upStart.disabled = false; }
    if (res.status === 401) { location.href = '/ui/login'; return; }
    if (res.ok) {
      upForm.reset();
      upOut.textContent = t('bt.uploaded', { files: Object.values(json.files).join(', ') });
      await load(json.files);
      return;
    }
    upOut.className = 'result error';
    upOut.textContent = `${res.status}: ${json.message || ''}`;
    if (json.field && $('#bt-uperr-' + json.field)) {
      $('#bt-uperr-' + json.field).textContent = json.message;
      upForm.elements[json.field].setAttribute('aria-invalid', 'true');
    }
  });

  function guess(files, name) { // a sensible default per select: the file whose name says which market it holds
    const n = files.map(f => f.name.toLowerCase());
    const i = n.findIndex(f => name === 'fx' ? /usd|krw|fx/.test(f) && !/upbit|binance/.test(f) : f.includes(name));
    return i >= 0 ? files[i].name : (files[0] && files[0].name);
  }
  async function load(chosen = {}) {
    const o = await data('backtests');
    for (const [name] of FIELDS) {
      const sel = form.elements[name];
      const keep = chosen[name] || sel.value;
      sel.replaceChildren(...o.files.map(f => el('option', { value: f.name, text: f.name })));
      sel.value = keep && o.files.some(f => f.name === keep) ? keep : guess(o.files, name);
    }
    if (!o.files.length) { out.className = 'result'; out.textContent = t('bt.noFiles', { dir: o.dataDir }); }
    body.replaceChildren();
    if (!o.reports.length) body.append(el('tr', {}, el('td', { colspan: 4, 'data-i18n': 'bt.none' })));
    for (const r of o.reports) {
      const k = r.kpis || {};
      body.append(el('tr', { 'data-report': r.name },
        el('td', {}, el('a', { href: r.href, text: r.name })),
        el('td', {}, r.writtenAt ? time(r.writtenAt) : ''),
        el('td', { text: k.cycles ?? '' }),
        el('td', { class: signClass(Number(k.totalPnlKrw)), text: k.totalPnlKrw === undefined ? '' : krw(k.totalPnlKrw) })));
    }
    if (o.run) show(o.run);
    applyLabels(main);
  }
  let shownDone = null;
  function show(run) {
    bar.value = run.percent ?? 0;
    bar.dataset.state = run.state;
    barText.textContent = run.state === 'idle' ? t('bt.idle')
      : `${run.name} — ${t('bt.' + run.state)} ${run.state === 'failed' ? '' : (run.percent ?? 0).toFixed(1) + ' %'}`;
    start.disabled = ['reading', 'running', 'writing'].includes(run.state);
    if (run.state === 'failed' && run.error) { out.className = 'result error'; out.textContent = run.error; }
    if (run.state === 'done' && shownDone !== run.name) { shownDone = run.name; load(); }
  }
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
    for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
    out.className = 'result'; out.textContent = '';
    const req = { lenient: form.elements.lenient.checked };
    for (const f of ['upbit', 'binance', 'fx', 'symbol', 'from', 'to']) req[f] = form.elements[f].value.trim();
    const res = await fetch('/ui/data/backtests', { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(req) });
    if (res.status === 401) { location.href = '/ui/login'; return; }
    let json = {};
    try { json = await res.json(); } catch (e) { json = { message: String(res.status) }; }
    if (res.ok) { shownDone = null; return; }
    out.className = 'result error';
    out.textContent = `${res.status}: ${json.message || ''}`;
    if (json.field && $('#bt-err-' + json.field)) {
      $('#bt-err-' + json.field).textContent = json.message;
      form.elements[json.field].setAttribute('aria-invalid', 'true');
    }
  });
  const es = new EventSource('/ui/data/backtests/events');
  es.addEventListener('backtest', ev => show(JSON.parse(ev.data)));
  load();
};

// ---- boot

function route() {
  const p = location.pathname.replace(/^\/ui\/?/, '').split('/').filter(Boolean);
  if (p.length === 0) return ['board'];
  if (p[0] === 'cycles' && p[1]) return ['cycle', p[1]];
  return [p[0]];
}

function applyTheme() {
  const dark = localStorage.getItem('kimp.theme') === 'dark';
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  $('#theme').dataset.i18n = dark ? 'btn.themeLight' : 'btn.theme';
}

async function boot() {
  const s = await fetch('/ui/session', { credentials: 'same-origin' });
  if (!s.ok) { location.href = '/ui/login'; return; }
  csrf = (await s.json()).csrf;
  applyTheme();
  $('#theme').addEventListener('click', () => {
    localStorage.setItem('kimp.theme', document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark');
    applyTheme(); applyLabels();
  });
  $('#lang').addEventListener('click', () => { switchLang(); location.reload(); });
  // short labels: a browser without Korean fonts still shows them; the full name is in the tooltip
  $('#lang').textContent = lang === 'en' ? 'KO' : 'EN';
  $('#lang').title = lang === 'en' ? '한국어' : 'English';
  $('#logout').addEventListener('click', async () => {
    await fetch('/ui/logout', { method: 'POST', headers: { 'X-CSRF-Token': csrf }, credentials: 'same-origin' });
    location.href = '/ui/login';
  });
  const [page, arg] = route();
  for (const a of document.querySelectorAll('nav a')) {
    if (a.dataset.page === (page === 'cycle' ? 'cycles' : page)) a.setAttribute('aria-current', 'page');
  }
  on('status', renderStatus);
  const main = $('#main');
  main.dataset.page = page;
  (pages[page] || pages.board)(main, arg);
  applyLabels();
  connect();
}

boot();
