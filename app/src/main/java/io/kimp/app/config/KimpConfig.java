package io.kimp.app.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.kimp.persistence.DatabaseSettings;
import io.kimp.persistence.PersistenceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads kimp's configuration, highest precedence first: {@code -Dkey=value} given to the command, JVM system properties,
 * the operator's file ({@code --config FILE}, default {@code ./application.conf} when present), kimp's overrides of
 * Pekko's defaults ({@code kimp-node.conf}, {@code kimp-persistence.conf}), environment variables named in the modules'
 * {@code reference.conf} (e.g. {@code DATABASE_URL}), then those defaults. Everything is validated
 * at load: a bad value fails here, naming its key.
 */
public final class KimpConfig {
  public static final Path DEFAULT_OPERATOR_FILE = Path.of("application.conf");
  /** Pekko settings of a node; above the reference configs because they override Pekko's own defaults. */
  static final String NODE_DEFAULTS = "kimp-node.conf";

  private KimpConfig() {}

  /**
   * @param operatorFile the operator's file, or null for {@code ./application.conf} if it exists
   * @param overrides the command's {@code -D} settings
   */
  public static Config load(Path operatorFile, Map<String, String> overrides) {
    return load(operatorFile, overrides, ConfigFactory.empty());
  }

  /**
   * @param profile settings of a mode (e.g. {@code --simulate}): above the defaults, below the operator's file
   */
  public static Config load(Path operatorFile, Map<String, String> overrides, Config profile) {
    return loaded(operatorFile, overrides, profile).config();
  }

  /** As {@link #load(Path, Map, Config)}, with kimp's settings as they were read (once) to validate the tree. */
  public static Loaded loaded(Path operatorFile, Map<String, String> overrides, Config profile) {
    Config file = ConfigFactory.empty();
    if (operatorFile != null) {
      if (!Files.isRegularFile(operatorFile)) {
        throw new ConfigException.Generic("configuration file " + operatorFile + " does not exist");
      }
      // absolute, so that an include in it is found next to it (a bare file name has no parent to resolve it against)
      file = ConfigFactory.parseFile(operatorFile.toAbsolutePath().toFile(),
          ConfigParseOptions.defaults().setAllowMissing(false));
    } else if (Files.isRegularFile(DEFAULT_OPERATOR_FILE)) {
      file = ConfigFactory.parseFile(DEFAULT_OPERATOR_FILE.toAbsolutePath().toFile());
    }
    return loaded(ConfigFactory.parseMap(overrides == null ? Map.of() : overrides, "command line -D"),
        file.withFallback(profile));
  }

  /** A profile shipped as a classpath resource (e.g. {@code kimp-simulate.conf}). */
  public static Config profile(String resource) {
    return ConfigFactory.parseResources(KimpConfig.class.getClassLoader(), resource,
        ConfigParseOptions.defaults().setAllowMissing(false));
  }

  /** Layers {@code overrides} over system properties over {@code operator} over the defaults; resolves, validates. */
  public static Config load(Config overrides, Config operator) {
    return loaded(overrides, operator).config();
  }

  /**
   * As {@link #load(Config, Config)}, with kimp's settings: the {@code kimp.*} tree is read into {@link KimpSettings}
   * exactly once, here, so that a bad value fails at start-up with its key and the node is handed the typed records.
   */
  public static Loaded loaded(Config overrides, Config operator) {
    Config loaded =
        overrides
            .withFallback(ConfigFactory.systemProperties())
            .withFallback(operator)
            .withFallback(ConfigFactory.parseResources(KimpConfig.class.getClassLoader(), NODE_DEFAULTS))
            .withFallback(PersistenceConfig.defaults())
            .withFallback(ConfigFactory.defaultReferenceUnresolved())
            .resolve();
    DatabaseSettings db = DatabaseSettings.fromConfig(loaded);
    Config withDb = db.overlay().withFallback(loaded);
    return new Loaded(withDb, KimpSettings.from(withDb, db));
  }

  /**
   * A loaded configuration: the whole resolved tree (Pekko's settings, and the source of {@code kimp config}'s dump)
   * and kimp's settings read from it.
   */
  public record Loaded(Config config, KimpSettings settings) {}
}
