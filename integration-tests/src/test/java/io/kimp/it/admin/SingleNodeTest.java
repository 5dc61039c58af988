package io.kimp.it.admin;

import io.kimp.core.cycle.CycleDirectory;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.venue.Venues;
import io.kimp.fixtures.scripted.FixedMarketView;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.it.TestNodes;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/** A test with one node on a fresh H2 journal and its admin API, stopped and dropped after each test. */
abstract class SingleNodeTest {
  protected String db;
  protected AdminNodes admin;

  protected AdminNodes startNode(String extra, Venues venues, FixedMarketView market, RecordingAlertSink alerts) {
    db = TestNodes.database("h2");
    admin = AdminNodes.start(db, extra, venues, market, alerts);
    return admin;
  }

  @AfterEach
  void stopNode() {
    if (admin != null) {
      admin.close();
    }
    TestNodes.dropDatabase(db);
  }

  /** Sends {@code symbol}'s entity an opportunity through {@code cycles} and waits for its answer. */
  protected static CycleReply start(CycleDirectory cycles, String symbol) throws Exception {
    return cycles.ask(symbol, new CycleInput.Start(TestNodes.opportunity(symbol))).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }
}
