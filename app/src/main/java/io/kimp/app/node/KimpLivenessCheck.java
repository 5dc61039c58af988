package io.kimp.app.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/**
 * Management liveness ({@code GET /alive}): the actor system has not terminated. Deliberately nothing more: a node whose
 * database is down is alive and backing off (restarting it would not help), it is only not ready.
 */
public final class KimpLivenessCheck implements Supplier<CompletionStage<Boolean>> {
  private final ActorSystem system;

  public KimpLivenessCheck(ActorSystem system) {
    this.system = system;
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(!system.whenTerminated().isCompleted());
  }
}
