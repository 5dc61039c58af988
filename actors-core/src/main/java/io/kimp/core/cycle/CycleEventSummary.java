package io.kimp.core.cycle;

/** The one-line summary of a cycle event that the entity logs next to the event's name. */
final class CycleEventSummary {
  private CycleEventSummary() {}

  static String of(CycleEvent e) {
    if (e instanceof CycleEvent.StepRequested r) {
      return r.attempt().leg() + " " + r.attempt().step() + " #" + r.attempt().attempt() + " at "
          + r.attempt().venue() + " clientId=" + r.attempt().clientId();
    }
    if (e instanceof CycleEvent.StepCompleted c) {
      return c.record().leg() + " " + c.record().step() + " at " + c.record().venue();
    }
    if (e instanceof CycleEvent.StepFailed f) {
      return f.leg() + " " + f.step() + " " + f.failureClass() + ": " + f.reason();
    }
    if (e instanceof CycleEvent.RetryScheduled r) {
      return "retry " + r.retryCount() + " at " + r.nextRetryAt();
    }
    if (e instanceof CycleEvent.CycleDeadLettered d) {
      return d.failureClass() + ": " + d.reason();
    }
    if (e instanceof CycleEvent.CycleCompleted c) {
      return "net " + c.netProfitKrw().toPlainString() + " KRW (" + c.netProfitPercent().toPlainString() + " %)"
          + (c.hedgePnlUsdt() == null ? ""
              : ", hedge " + c.hedgePnlUsdt().toPlainString() + " USDT, futures fees " + c.hedgeFeesUsdt().toPlainString());
    }
    if (e instanceof CycleEvent.CycleStarted s) {
      return s.opportunity().direction() + " " + s.investmentKrw().toPlainString() + " KRW, premium "
          + String.format("%.3f", s.opportunity().premiumPercent()) + " %" + (s.hedgedLeg() ? ", hedged" : "");
    }
    if (e instanceof CycleEvent.CapitalRequested r) {
      return r.preparedKrw() != null
          ? "cycle " + r.cycleId() + " asks for " + r.preparedKrw().toPlainString() + " KRW, its first order prepared"
          : "cycle " + r.cycleId() + " asks for up to " + r.opportunity().maxSizeKrw() + " KRW";
    }
    if (e instanceof CycleEvent.CapitalRefused r) {
      return r.reason();
    }
    if (e instanceof CycleEvent.HedgeSkipped h) {
      return h.leg() + " leg unhedged: " + h.reason();
    }
    if (e instanceof CycleEvent.HedgeMismatch m) {
      return m.leg() + " " + m.coin() + " short expected " + m.expected().toPlainString() + ", venue shows "
          + m.seen().toPlainString();
    }
    if (e instanceof CycleEvent.DiscardStarted x) {
      return "closing the short before discarding: " + x.reason();
    }
    return "";
  }
}
