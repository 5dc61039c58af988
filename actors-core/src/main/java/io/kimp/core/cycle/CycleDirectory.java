package io.kimp.core.cycle;

import java.util.concurrent.CompletionStage;

/**
 * Reaches a symbol's cycle entity wherever it runs in the cluster, with an operator's input only (a venue's answer, a
 * timer or the portfolio's grant cannot be sent from outside). A refusal is a reply that is not accepted.
 */
public interface CycleDirectory {
  CompletionStage<CycleReply> ask(String symbol, CycleInput.Operator input);
}
