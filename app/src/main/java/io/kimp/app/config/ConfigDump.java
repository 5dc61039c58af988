package io.kimp.app.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.Map;
import java.util.regex.Pattern;

/** Renders configuration for humans with every secret masked. */
public final class ConfigDump {
  /** Keys whose values are secrets, wherever they appear. */
  private static final Pattern SECRET =
      Pattern.compile("(?i).*(password|secret|token|api-key|access-key|private-key|credentials).*");
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*|(//[^:/@]+:)[^@]*@");

  private ConfigDump() {}

  public static Config masked(Config config) {
    Config out = config;
    for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
      String key = e.getKey();
      Object raw = e.getValue().unwrapped();
      if (SECRET.matcher(key).matches() && raw != null && !String.valueOf(raw).isEmpty()) {
        out = out.withValue(key, ConfigValueFactory.fromAnyRef("***"));
      } else if (raw instanceof String s && URL_PASSWORD.matcher(s).find()) {
        out = out.withValue(key, ConfigValueFactory.fromAnyRef(maskUrl(s)));
      }
    }
    return out;
  }

  public static String maskUrl(String s) {
    return s.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("(//[^:/@]+:)[^@]*@", "$1***@");
  }

  /** The {@code path} subtree, masked, as HOCON with comments saying where each value came from. */
  public static String render(Config config, String path) {
    Config masked = masked(config);
    Config sub = path == null || path.isEmpty() ? masked : masked.getConfig(path).atPath(path);
    return sub.root().render(ConfigRenderOptions.defaults().setOriginComments(true).setJson(false));
  }
}
