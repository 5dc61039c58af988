package io.kimp.core.cycle;

import java.util.concurrent.CompletionStage;

/** Reaches a symbol's cycle entity wherever it runs in the cluster. */
public interface CycleDirectory {
  CompletionStage<CycleReply> ask(String symbol, CycleInput input);
}
