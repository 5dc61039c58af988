package io.kimp.app.node;

import javax.sql.DataSource;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * What the management health checks probe, registered by {@link KimpNode} once it exists: the checks are created by Pekko
 * Management by reflection with only the actor system, before the node has opened its database pool.
 */
public final class NodeProbes implements Extension {
  private volatile DataSource journal;

  void journal(DataSource ds) {
    this.journal = ds;
  }

  /** The read-side pool of the journal's database, or null while the node is starting. */
  DataSource journal() {
    return journal;
  }

  public static final Id ID = new Id();

  public static final class Id extends AbstractExtensionId<NodeProbes> implements ExtensionIdProvider {
    @Override
    public NodeProbes createExtension(ExtendedActorSystem system) {
      return new NodeProbes();
    }

    @Override
    public Id lookup() {
      return ID;
    }
  }
}
