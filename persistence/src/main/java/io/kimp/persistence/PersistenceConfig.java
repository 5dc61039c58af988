package io.kimp.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** The persistence plugins' settings for kimp ({@code kimp-persistence.conf}), to layer above the reference configs. */
public final class PersistenceConfig {
  public static final String RESOURCE = "kimp-persistence.conf";

  private PersistenceConfig() {}

  public static Config defaults() {
    return ConfigFactory.parseResources(PersistenceConfig.class.getClassLoader(), RESOURCE);
  }
}
