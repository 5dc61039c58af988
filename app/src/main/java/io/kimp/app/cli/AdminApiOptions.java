package io.kimp.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.app.http.AdminSettings;
import io.kimp.app.http.AdminToken;
import io.kimp.app.http.ApiJson;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every command that talks to a running node takes: the API's URL (default: {@code kimp.admin.host}:{@code
 * kimp.admin.port} of the configuration) and the token ({@code KIMP_ADMIN_TOKEN} / {@code kimp.admin.token}, else the
 * token file the node wrote). Runs the command's call and turns API failures into messages and exit codes: 0 done, 1 the
 * API refused (4xx/5xx) or no token, 3 the API could not be reached.
 */
final class AdminApiOptions {
  static final int REFUSED = 1;
  static final int UNREACHABLE = 3;

  @Mixin ConfigOptions config;

  @Option(names = "--url", paramLabel = "URL", description = "Admin API of a node (default: from kimp.admin.host/port).")
  URI url;

  @Option(names = "--as", paramLabel = "NAME",
      description = "Who acts, recorded with the action (default: your user name).")
  String operator = System.getProperty("user.name");

  @Option(names = "--json", description = "Print the API's JSON answer as it is.")
  boolean json;

  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  /** One call of the API. */
  interface Call {
    JsonNode run(AdminApiClient api) throws AdminApiClient.ApiFailure, AdminApiClient.Unreachable;
  }

  /** Runs {@code call} and prints its answer through {@code render} (or as JSON with {@code --json}). */
  Callable<Integer> call(Call call, Function<JsonNode, String> render) {
    return () -> {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      AdminSettings settings = config.loaded().settings().admin().api();
      Optional<String> token = AdminToken.forClient(settings);
      if (token.isEmpty()) {
        err.println("no admin token: set KIMP_ADMIN_TOKEN, or run where the node's token file is ("
            + settings.tokenFile().toAbsolutePath() + ")");
        err.flush();
        return REFUSED;
      }
      URI base = url != null ? url : URI.create(settings.url());
      String name = operator != null && operator.matches("[A-Za-z0-9._@-]{1,64}") ? operator : null;
      try {
        JsonNode answer = call.run(new AdminApiClient(base, token.get(), name));
        out.println(json ? ApiJson.MAPPER.writeValueAsString(answer) : render.apply(answer));
        out.flush();
        return 0;
      } catch (AdminApiClient.ApiFailure e) {
        err.println("refused (" + e.status + "): " + e.getMessage()
            + (e.status == 401 ? " (check KIMP_ADMIN_TOKEN or the token file)" : ""));
        err.flush();
        return REFUSED;
      } catch (AdminApiClient.Unreachable e) {
        err.println(e.getMessage());
        err.flush();
        return UNREACHABLE;
      }
    };
  }
}
