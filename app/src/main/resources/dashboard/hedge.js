// The transfer hedge as the console shows it: a Binance USDT-M perpetual short that covers a leg's coin while it is in
// transit (HEDGE_OPEN after the buy, a reduce-only HEDGE_CLOSE after the sell). These helpers turn the journal's hedge
// events, the trades' hedge rows and the hedge watch's snapshot into plain words; the pages in app.js place them.
import { t, has, code } from './i18n.js';
import { usdt, age } from './fmt.js';

const HEDGE_STEPS = ['HEDGE_OPEN', 'HEDGE_CLOSE'];

export const isHedgeStep = step => HEDGE_STEPS.includes(step);

/** A coin quantity as the venue wrote it (no rounding: the short must match the long to the last step). */
export function qty(v, coin) {
  if (v === null || v === undefined || v === '') return '–';
  return String(Number(v)) + (coin ? ' ' + coin : '');
}

/** "short opened" / "short closed" for a hedge step, the step's own name otherwise. */
export function stepName(step) {
  return isHedgeStep(step) ? t('hedge.step.' + step) : code('step', step);
}

const fee = (amount, asset) => amount === null || amount === undefined ? ''
  : ', ' + t('hedge.fee') + ' ' + (asset && asset !== 'USDT' ? `${Number(amount)} ${asset}` : usdt(amount));

/**
 * One journal event in words, for the events of the hedge and those that carry its figures; null for the others
 * (their fields speak for themselves in the timeline).
 */
export function describe(e) {
  switch (e.type) {
    case 'CycleStarted':
      return e.hedged ? t('hedge.ev.startedHedged') : null;
    case 'RebalanceStarted':
      return e.hedged ? t('hedge.ev.rebalanceHedged', { coin: e.plan?.coin ?? '' }) : null;
    case 'StepRequested':
      if (!isHedgeStep(e.step) || !e.perp) return null;
      return t(e.step === 'HEDGE_OPEN' ? 'hedge.ev.opening' : 'hedge.ev.closing', {
        leg: code('leg', e.leg), qty: qty(e.perp.quantity, e.perp.coin), attempt: e.attemptNumber,
      });
    case 'StepCompleted': {
      if (!isHedgeStep(e.step) || !e.order) return null;
      const o = e.order;
      return t(e.step === 'HEDGE_OPEN' ? 'hedge.ev.opened' : 'hedge.ev.closed', {
        leg: code('leg', e.leg), qty: qty(o.filledQuantity, e.coin), price: usdt(o.averagePrice),
      }) + fee(o.fee, o.feeAsset);
    }
    case 'StepFailed':
      return isHedgeStep(e.step) ? t('hedge.ev.failed.' + e.step, { leg: code('leg', e.leg), reason: e.reason }) : null;
    case 'HedgeSkipped':
      return t('hedge.ev.skipped', { leg: code('leg', e.leg), reason: e.reason });
    case 'HedgeMismatch': {
      const naked = Number(e.expected) - Number(e.seen);
      return t('hedge.ev.mismatch', {
        leg: code('leg', e.leg), expected: qty(e.expected, e.coin), seen: qty(e.seen, e.coin), naked: qty(naked, e.coin),
      });
    }
    case 'DiscardStarted':
      return t('hedge.ev.discardStarted', { reason: e.reason });
    case 'CycleCompleted':
      if (e.hedgePnlUsdt === null || e.hedgePnlUsdt === undefined) return null;
      return t('hedge.ev.settled', { pnl: usdt(e.hedgePnlUsdt), fees: usdt(e.hedgeFeesUsdt) });
    default:
      return null;
  }
}

/**
 * What a cycle's journal says about its hedge: whether a leg was hedged, skipped, and the hedge's result once settled
 * ({@code pnl}/{@code fees} in USDT, null before the cycle completes or when no leg was hedged).
 */
export function summary(events) {
  const s = { hedged: false, skipped: false, opened: 0, closed: 0, pnl: null, fees: null };
  for (const e of events) {
    if ((e.type === 'CycleStarted' || e.type === 'RebalanceStarted') && e.hedged) s.hedged = true;
    if (e.type === 'HedgeSkipped') s.skipped = true;
    if (e.type === 'StepCompleted' && e.step === 'HEDGE_OPEN') s.opened++;
    if (e.type === 'StepCompleted' && e.step === 'HEDGE_CLOSE') s.closed++;
    if (e.type === 'CycleCompleted' && e.hedgePnlUsdt !== null && e.hedgePnlUsdt !== undefined) {
      s.pnl = Number(e.hedgePnlUsdt);
      s.fees = Number(e.hedgeFeesUsdt ?? 0);
    }
  }
  return s;
}

/** The "hedge" card's text for a cycle: no / on (shorts open) / flat / skipped. */
export function state(s) {
  if (!s.hedged) return t('hedge.no');
  if (s.opened > s.closed) return t('hedge.shortOpen');
  if (s.opened > 0) return t('hedge.flat');
  return s.skipped ? t('hedge.skippedShort') : t('hedge.pending');
}

/** {@code a - b} as the venue would write it (no binary-fraction tail: 0.3 - 0.1 is 0.2, not 0.19999999999999998). */
const minus = (a, b) => Number((Number(a) - Number(b)).toPrecision(12));

/**
 * The watch's difference column: the venue's short less the expected one whenever they differ, "none" when they agree.
 * A difference seen once (the watch checks again before it calls it a mismatch) is shown, not yet in red.
 */
export function difference(c) {
  const d = minus(c.seenShort, c.expectedShort);
  if (d === 0) return { text: t('hedge.none'), cls: 'pos' };
  return { text: qty(d), cls: c.mismatch ? 'neg' : 'warn' };
}

/**
 * The hedge watch's action column: what it did or asks for; "in step" when the venue agrees. In English the watch's
 * own words; in another language the same said from the row's figures ({@code closeOrphans}: whether it closes them).
 */
export function action(c, closeOrphans) {
  if (!c.action) return c.settling ? t('hedge.settling') : c.mismatch ? '' : t('hedge.ok');
  if (!has('hedge.act.seenOnce')) return c.action;
  if (!c.mismatch) return t('hedge.act.seenOnce');
  const expected = Number(c.expectedShort), seen = Number(c.seenShort);
  if (expected === 0 && seen > 0) return t(closeOrphans ? 'hedge.act.closing' : 'hedge.act.orphan', { qty: qty(seen, c.coin) });
  return t(seen < expected ? 'hedge.act.less' : 'hedge.act.more', { qty: qty(Math.abs(minus(seen, expected)), c.coin) });
}

/** When the watch last checked, as an age ("12s ago"), or that it has not checked yet. */
export function checkedAgo(at) {
  return at ? t('hedge.ago', { age: age(Date.now() - Date.parse(at)) }) : t('hedge.notYet');
}
