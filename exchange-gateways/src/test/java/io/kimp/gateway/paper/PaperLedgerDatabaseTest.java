package io.kimp.gateway.paper;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.kimp.core.market.Venue;
import io.kimp.core.venue.OrderSide;
import io.kimp.core.venue.OrderStatus;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.fixtures.time.ManualClock;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The paper ledger in the database: one ledger for a whole cluster, never overspent, the old JSON file imported once. */
class PaperLedgerDatabaseTest {
  private static final Map<Venue, Map<String, BigDecimal>> START =
      Map.of(Venue.BINANCE, Map.of("USDT", new BigDecimal("1000")), Venue.UPBIT, Map.of("KRW", new BigDecimal("1000000")));

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T01:00:00Z"));

  private static PaperLedger.Order buy(String clientId) {
    return new PaperLedger.Order(clientId, "o-" + clientId, "XRP", OrderSide.BUY, OrderStatus.FILLED,
        new BigDecimal("200"), new BigDecimal("100"), BigDecimal.ZERO, "XRP", 0);
  }

  /**
   * Two nodes (two ledgers, each on its own connection pool) on one database spend the same 1,000 USDT at once, 100 per
   * order, 40 orders: exactly 10 go through, the balance ends at 0 and never below, and each order is recorded once.
   */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void twoWritersOnOneDatabaseNeverOverspend(String kind) throws Exception {
    String url;
    if (kind.equals("postgresql")) {
      TestDatabases.assumePostgres();
      url = TestDatabases.freshPostgresSchema();
    } else {
      url = TestDatabases.h2File(dir);
    }
    String user = kind.equals("postgresql") ? TestDatabases.PG_USER : "";
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (HikariDataSource nodeA = LedgerDatabases.open(url, user);
        HikariDataSource nodeB = LedgerDatabases.open(url, user)) {
      PaperLedger a = PaperLedger.open(nodeA, START, clock, dir.resolve("a.json"));
      PaperLedger b = PaperLedger.open(nodeB, START, clock, dir.resolve("b.json"));
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        PaperLedger ledger = i % 2 == 0 ? a : b;
        String clientId = "spend-" + i;
        Callable<Boolean> spend = () -> {
          go.await();
          try {
            ledger.recordOrder(Venue.BINANCE, buy(clientId),
                Map.of("USDT", new BigDecimal("-100"), "XRP", new BigDecimal("200")));
            return true;
          } catch (PaperLedger.InsufficientBalance e) {
            return false;
          }
        };
        results.add(pool.submit(spend));
      }
      go.countDown();
      int spent = 0;
      for (Future<Boolean> f : results) {
        spent += f.get() ? 1 : 0;
      }
      assertThat(spent).as("orders that went through").isEqualTo(10);
      assertThat(a.free(Venue.BINANCE, "USDT")).isEqualByComparingTo("0");
      assertThat(b.free(Venue.BINANCE, "XRP")).isEqualByComparingTo("2000");
      try (Connection c = nodeA.getConnection()) {
        assertThat(PaperLedger.actionClientIds(c)).hasSize(10);
      }
    } finally {
      pool.shutdownNow();
      TestDatabases.dropPostgresSchema(url);
    }
  }

  /** Both nodes' ledgers are one: what one node withdraws the other sees, and its deposit is credited once. */
  @Test
  void oneLedgerForEveryNode() {
    String url = TestDatabases.h2File(dir);
    try (HikariDataSource nodeA = LedgerDatabases.open(url, ""); HikariDataSource nodeB = LedgerDatabases.open(url, "")) {
      PaperLedger a = PaperLedger.open(nodeA, START, clock, null);
      PaperLedger b = PaperLedger.open(nodeB, START, clock, null);
      a.recordOrder(Venue.BINANCE, buy("x-1"), Map.of("USDT", new BigDecimal("-100"), "XRP", new BigDecimal("200")));
      a.recordWithdrawal(new PaperLedger.Withdrawal("w-1", "w-1", Venue.BINANCE, Venue.UPBIT, "XRP",
          new BigDecimal("200"), BigDecimal.ONE, new BigDecimal("199"), "paper:UPBIT:XRP", null, "tx-1", clock.millis(),
          clock.millis() + 1000));
      assertThat(b.order(Venue.BINANCE, "x-1")).isPresent();
      assertThat(b.clientIdUsed(Venue.BINANCE, "w-1")).isTrue();
      assertThat(b.free(Venue.BINANCE, "USDT")).isEqualByComparingTo("900");
      clock.advance(java.time.Duration.ofSeconds(2));
      assertThat(b.free(Venue.UPBIT, "XRP")).isEqualByComparingTo("199");
      assertThat(a.free(Venue.UPBIT, "XRP")).isEqualByComparingTo("199");
      assertThat(a.arrived(b.withdrawal(Venue.BINANCE, "w-1").orElseThrow())).isTrue();
    }
  }

  private static final String LEGACY = """
      {
        "version" : 1,
        "sequence" : 7,
        "balances" : { "UPBIT" : { "KRW" : 1000100, "XRP" : 0 }, "BINANCE" : { "USDT" : 950, "XRP" : 1.5 } },
        "orders" : {
          "BINANCE" : { "c0ffee00000000000000000000000001IB01" : {
            "clientId" : "c0ffee00000000000000000000000001IB01", "orderId" : "paper-binance-order-1", "coin" : "XRP",
            "side" : "BUY", "status" : "FILLED", "filledQuantity" : 100, "quoteAmount" : 50, "fee" : 0.1,
            "feeAsset" : "XRP", "updatedAtMs" : 1 } },
          "UPBIT" : { "c0ffee00000000000000000000000001IS01" : {
            "clientId" : "c0ffee00000000000000000000000001IS01", "orderId" : "paper-upbit-order-5", "coin" : "XRP",
            "side" : "SELL", "status" : "FILLED", "filledQuantity" : 97.4, "quoteAmount" : 100150, "fee" : 50,
            "feeAsset" : "KRW", "updatedAtMs" : 3 } }
        },
        "usedClientIds" : { "BINANCE" : [ "c0ffee00000000000000000000000001IB01", "c0ffee00000000000000000000000001IW01" ],
                            "UPBIT" : [ "c0ffee00000000000000000000000001IS01" ] },
        "withdrawals" : { "BINANCE" : { "c0ffee00000000000000000000000001IW01" : {
            "clientId" : "c0ffee00000000000000000000000001IW01", "withdrawalId" : "paper-binance-withdrawal-2",
            "from" : "BINANCE", "to" : "UPBIT", "coin" : "XRP", "amount" : 98.4, "fee" : 1, "received" : 97.4,
            "address" : "paper:UPBIT:XRP", "tag" : "1001", "txId" : "paper-tx-3", "createdAtMs" : 2, "arrivesAtMs" : 2 } } },
        "deposits" : [ { "depositId" : "paper-deposit-4", "venue" : "UPBIT", "coin" : "XRP", "amount" : 97.4,
                         "txId" : "paper-tx-3", "createdAtMs" : 2, "arrivesAtMs" : 2, "credited" : true } ]
      }
      """;

  /** kimp 0.1's paper-ledger.json is imported once (nothing lost), renamed, and a second copy is not counted again. */
  @Test
  void aJsonLedgerIsImportedOnceAndRenamed() throws Exception {
    Path json = dir.resolve("paper-ledger.json");
    Files.writeString(json, LEGACY);
    try (HikariDataSource db = LedgerDatabases.h2(dir)) {
      PaperLedger ledger = PaperLedger.open(db, START, clock, json);
      assertThat(json).doesNotExist();
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString())).contains("paper-ledger.json.imported-20261203T010000Z");
      }
      assertThat(ledger.free(Venue.BINANCE, "USDT")).isEqualByComparingTo("950");
      assertThat(ledger.free(Venue.BINANCE, "XRP")).isEqualByComparingTo("1.5");
      assertThat(ledger.free(Venue.UPBIT, "KRW")).isEqualByComparingTo("1000100");
      assertThat(ledger.order(Venue.UPBIT, "c0ffee00000000000000000000000001IS01").orElseThrow().quoteAmount())
          .isEqualByComparingTo("100150");
      PaperLedger.Withdrawal w = ledger.withdrawal(Venue.BINANCE, "c0ffee00000000000000000000000001IW01").orElseThrow();
      assertThat(ledger.arrived(w)).isTrue();
      assertThat(ledger.clientIdUsed(Venue.BINANCE, "c0ffee00000000000000000000000001IW01")).isTrue();
      assertThat(ledger.nextId("paper-x")).isEqualTo("paper-x-8");

      // the same file again (a rename that failed, a copy restored by hand): recognised, not counted twice
      Files.writeString(json, LEGACY);
      clock.advance(java.time.Duration.ofSeconds(1));
      PaperLedger again = PaperLedger.open(db, START, clock, json);
      assertThat(again.free(Venue.BINANCE, "USDT")).isEqualByComparingTo("950");
      assertThat(again.free(Venue.UPBIT, "KRW")).isEqualByComparingTo("1000100");
      assertThat(json).doesNotExist();
    }
  }
}
