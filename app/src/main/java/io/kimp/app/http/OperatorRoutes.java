package io.kimp.app.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequestEntity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMultiMap;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.put;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kimp.app.operator.BackupTarget;
import io.kimp.app.operator.OperatorActions.CycleQuery;
import io.kimp.app.operator.OperatorService;
import io.kimp.core.dlq.DeadLetterQueue;
import io.kimp.core.portfolio.Portfolio;
import io.kimp.core.settings.RuntimeSettings;
import io.kimp.core.settings.StrategyThresholds;
import io.kimp.persistence.JournalReader;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1}: the operators' actions over HTTP, through the same {@link OperatorService} the Telegram bot uses.
 * Authentication happens before these routes; {@code by} is who acts ({@code api} or {@code api:<X-Kimp-Operator>}).
 */
final class OperatorRoutes {
  static final int MAX_LIMIT = 500;
  static final int MAX_OFFSET = 1_000_000;
  private static final int MAX_REASON = 500;
  private static final Duration BODY_TIMEOUT = Duration.ofSeconds(10);

  private final OperatorService operator;
  private final JournalReader journal;
  private final RuntimeSettings runtime;
  private final String node;
  private final Executor jdbc;
  private final long maxBody;
  private final ClusterView cluster;

  OperatorRoutes(
      OperatorService operator, JournalReader journal, RuntimeSettings runtime, String node, Executor jdbc,
      long maxBody, ClusterView cluster) {
    this.operator = operator;
    this.journal = journal;
    this.runtime = runtime;
    this.node = node;
    this.jdbc = jdbc;
    this.maxBody = maxBody;
    this.cluster = cluster;
  }

  Route v1(String by) {
    return concat(
        path("premiums", () -> get(() -> json(operator.premiums()))),
        path("cycles", () -> get(() -> query(Set.of("status", "symbol", "open", "limit", "offset"), this::cycles))),
        path(segment("cycles").slash(segment()), id -> get(() -> cycle(QueryParams.cycleId(id)))),
        path("dlq", () -> get(() -> query(Set.of("open"), q -> json(operator.deadLetters(q.bool("open", false)))))),
        path(segment("dlq").slash(segment()).slash("recover"),
            id -> post(() -> body(true, Set.of(), b -> outcome(operator.recover(QueryParams.cycleId(id), by))))),
        path(segment("dlq").slash(segment()).slash("discard"),
            id -> post(() -> body(false, Set.of("reason"), b -> discard(QueryParams.cycleId(id), b, by)))),
        path("trading", () -> get(this::trading)),
        path(segment("trading").slash("pause"), () -> post(() -> body(true, Set.of("reason"), b -> pause(b, by)))),
        path(segment("trading").slash("resume"), () -> post(() -> body(true, Set.of(), b -> json(operator.resume(by))))),
        path("settings", () -> concat(
            get(() -> completeWithFuture(operator.portfolio().thenApply(s -> ApiJson.ok(settingsView(s))))),
            put(() -> body(false, SettingsRequest.FIELDS, b -> putSettings(b, by))))),
        path("portfolio", () -> get(() -> json(operator.portfolio()))),
        path("preflight", () -> get(this::preflight)),
        path("hedge", () -> get(this::hedge)),
        path("cluster", () -> get(() -> completeWithFuture(cluster.view().thenApply(ApiJson::ok)))),
        path("backup", () -> post(() -> body(false, Set.of("to"), this::backup))));
  }

  // ---- request parts

  private Route query(Set<String> known, Function<QueryParams, Route> inner) {
    return parameterMultiMap(params -> inner.apply(QueryParams.of(params, known)));
  }

  /**
   * The body as a JSON object with only {@code allowed} fields (empty allowed or not); a body of another content type
   * than {@code application/json} is a 415.
   */
  private Route body(boolean emptyAllowed, Set<String> allowed, Function<ObjectNode, Route> inner) {
    // toStrict with a limit fails with EntityStreamSizeException (a 413) on a body over it, however it arrives
    return extractMaterializer(mat -> extractRequestEntity(entity ->
        onSuccess(entity.toStrict(BODY_TIMEOUT.toMillis(), maxBody, mat), strict -> {
          byte[] data = strict.getData().toArray();
          MediaType type = strict.getContentType().mediaType();
          if (data.length > 0 && !type.equals(MediaTypes.APPLICATION_JSON)) {
            throw ApiError.unsupportedMediaType(
                "the body must be JSON (Content-Type: application/json), not " + type.mainType() + "/" + type.subType());
          }
          return inner.apply(ApiJson.object(data, emptyAllowed, allowed));
        })));
  }

  private static Route json(CompletionStage<?> result) {
    return completeWithFuture(result.thenApply(ApiJson::ok));
  }

  // ---- endpoints

  /** The live pre-flight's latest report; 404 in paper mode (nothing to check), 503 before its first run. */
  private Route preflight() {
    return operator.preflight()
        .map(p -> p.report()
            .map(r -> complete(ApiJson.ok(r)))
            .orElseGet(() -> complete(ApiJson.error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable",
                "the pre-flight has not finished its first run yet"))))
        .orElseGet(() -> complete(ApiJson.error(StatusCodes.NOT_FOUND, "not_found",
            "no pre-flight: this node trades in paper mode (kimp.trading.mode = paper)")));
  }

  /** The transfer hedge's position watch: per coin the short the journals expect and the venue's; 404 when off. */
  private Route hedge() {
    return operator.hedge()
        .map(OperatorRoutes::json)
        .orElseGet(() -> complete(ApiJson.error(StatusCodes.NOT_FOUND, "not_found",
            "the transfer hedge is off on this node (kimp.hedge.enabled = false)")));
  }

  private Route cycles(QueryParams q) {
    CycleQuery query =
        new CycleQuery(q.status("status"), q.symbol("symbol"), q.bool("open", false),
            q.integer("limit", 1, MAX_LIMIT, 50), q.integer("offset", 0, MAX_OFFSET, 0));
    return json(operator.cycles(query));
  }

  /** The read-table row, its step attempts and its events from the journal. */
  private Route cycle(UUID id) {
    CompletionStage<HttpResponse> r =
        operator.cycle(id).thenCompose(row -> {
          if (row.isEmpty()) {
            throw ApiError.notFound("no cycle " + id + " in the read tables");
          }
          // the journal reader looks the symbol up in the read tables first: a blocking call
          CompletionStage<?> events = CompletableFuture.supplyAsync(() -> journal.cycle(id), jdbc).thenCompose(e -> e);
          return operator.trades(id).thenCombine(events, (trades, evs) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("cycle", row.get());
            body.put("trades", trades);
            body.put("events", evs);
            return ApiJson.ok(body);
          });
        });
    return completeWithFuture(r);
  }

  /**
   * An online backup of the embedded H2 database to a new file in an existing directory on the node's host: a bad
   * target is a 422 (409 when a file is there), a database failure a 503 whose message does not quote the database.
   */
  private Route backup(ObjectNode b) {
    BackupTarget to;
    try {
      to = BackupTarget.of(b.path("to").isTextual() ? b.get("to").asText() : null);
    } catch (BackupTarget.Refused e) {
      throw refused(e);
    }
    return completeWithFuture(operator.backup(to).handle((r, e) -> {
      if (e == null) {
        return ApiJson.ok(r);
      }
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof UnsupportedOperationException) {
        return ApiJson.error(StatusCodes.CONFLICT, "conflict", cause.getMessage());
      }
      if (cause instanceof BackupTarget.Refused refused) {
        return ApiErrors.render(refused(refused));
      }
      if (cause instanceof BackupTarget.Failed) {
        return ApiJson.error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", cause.getMessage());
      }
      return ApiErrors.render(cause);
    }));
  }

  private static ApiError refused(BackupTarget.Refused e) {
    return e.exists() ? ApiError.conflict(e.getMessage()) : ApiError.unprocessable("to", e.getMessage());
  }

  /** A dead-letter queue answer: OK 200, NOT_FOUND 404, CONFLICT 409, FAILED (the cycle did not answer) 503. */
  private static Route outcome(CompletionStage<DeadLetterQueue.Outcome> outcome) {
    return completeWithFuture(outcome.thenApply(o -> switch (o.code()) {
      case "OK" -> ApiJson.ok(o);
      case "NOT_FOUND" -> ApiJson.error(StatusCodes.NOT_FOUND, "not_found", o.message());
      case "CONFLICT" -> ApiJson.error(StatusCodes.CONFLICT, "conflict", o.message());
      default -> ApiJson.error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", o.message());
    }));
  }

  private Route discard(UUID id, ObjectNode body, String by) {
    String reason = ApiJson.text(body, "reason", MAX_REASON);
    if (reason == null) {
      throw ApiError.unprocessable("reason is required: why the cycle is closed without completing");
    }
    return outcome(operator.discard(id, reason, by));
  }

  private Route pause(ObjectNode body, String by) {
    String reason = ApiJson.text(body, "reason", MAX_REASON);
    return json(operator.pause(by, reason != null ? reason : "paused through the admin API"));
  }

  private Route trading() {
    return json(operator.portfolio().thenCombine(operator.whyIdle(), (s, idle) -> {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("paused", s.paused());
      t.put("by", s.pausedBy());
      t.put("reason", s.pauseReason());
      t.put("pauseKind", s.pauseKind()); // OPERATOR, LOSS_LIMIT, KEY_REJECTED (null while trading)
      t.put("todayRealizedPnlKrw", s.todayRealizedPnlKrw());
      t.put("dailyLossLimitKrw", s.settings().dailyLossLimitKrw());
      t.put("openReservations", s.reservations().size());
      t.put("idle", idle); // why no new cycle opens now (the dashboard's banner, `kimp trading status`)
      return t;
    }));
  }

  private Route putSettings(ObjectNode body, String by) {
    return completeWithFuture(
        operator.portfolio()
            .thenCompose(current -> operator.updateSettings(
                SettingsRequest.apply(body, current.settings()), fieldNames(body), by))
            .thenApply(s -> ApiJson.ok(settingsView(s))));
  }

  private static Set<String> fieldNames(ObjectNode body) {
    Set<String> names = new java.util.HashSet<>();
    body.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** The cluster's settings (the portfolio singleton's) and the thresholds this node holds. */
  private Map<String, Object> settingsView(Portfolio.Snapshot s) {
    StrategyThresholds t = runtime.current();
    Map<String, Object> here = new LinkedHashMap<>();
    here.put("node", node);
    here.put("minSpreadPercent", t.minSpreadPercent());
    here.put("finalizerMinProfitPercent", t.finalizerMinProfitPercent());
    here.put("revision", t.revision());
    here.put("heardAt", runtime.heardAt().orElse(null));
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("settings", s.settings());
    view.put("thisNode", here);
    return view;
  }
}
