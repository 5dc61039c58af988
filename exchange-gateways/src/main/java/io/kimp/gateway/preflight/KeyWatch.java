package io.kimp.gateway.preflight;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Where the live gateways report a {@link KeyRejection} that any request met (a key revoked or rotated while running,
 * not only at the pre-flight): the app listens and stops trading cluster-wide. Listeners must not block.
 */
public final class KeyWatch {
  private final List<Consumer<KeyRejection>> listeners = new CopyOnWriteArrayList<>();

  public void listen(Consumer<KeyRejection> listener) {
    listeners.add(listener);
  }

  /** Called by a gateway when a reply rejected the key. */
  public void rejected(KeyRejection rejection) {
    for (Consumer<KeyRejection> l : listeners) {
      l.accept(rejection);
    }
  }
}
