package io.kimp.feeds.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A remembered name is taken only when the frame holds exactly its bytes: the ids read through {@link MemberNames} equal
 * the long way's ({@link FieldNames#id}) whatever the previous frames were, and whatever is not a valid name still
 * declines. {@link FastPathDifferentialTest} checks the same over whole venue frames; these are the edges.
 */
class MemberNamesTest {
  private static final FieldNames FIELDS =
      new FieldNames(
          "ty", 0, "type", 0, "cd", 1, "trade_price", 2, "acc_trade_price_24h_long_name", 3, "acc_trade_volume_24h", 4);

  /** Ids of the top-level members of {@code json}, read with {@code names}; values skipped. */
  private static List<Integer> ids(FrameScanner in, MemberNames names, String json) {
    assertThat(in.load(RawFrame.binary(FeedVenue.UPBIT, json.getBytes(StandardCharsets.ISO_8859_1), 0, 0))).isTrue();
    List<Integer> out = new ArrayList<>();
    in.beginObject();
    for (int f = in.firstMember(names); f != FrameScanner.END; f = in.nextMember(names)) {
      assertThat(f).isEqualTo(FIELDS.id(in)); // the token is the name, as read the long way
      out.add(f);
      in.skipValue();
    }
    in.endOfFrame();
    return out;
  }

  @Test
  void namesAreRememberedByPositionAndTakenOnlyOnAnExactMatch() {
    FrameScanner in = new FrameScanner();
    MemberNames names = new MemberNames(FIELDS);
    assertThat(ids(in, names, "{\"ty\":1,\"cd\":2,\"x\":3}")).containsExactly(0, 1, -1);
    assertThat(ids(in, names, "{\"ty\":1,\"cd\":2,\"x\":3}")).containsExactly(0, 1, -1);
    // a name the remembered one is a prefix of, and the other way round; whitespace before a name; reordered
    assertThat(ids(in, names, "{\"type\":1,\"c\":2,\"xy\":3}")).containsExactly(0, -1, -1);
    assertThat(ids(in, names, "{\"ty\":1, \"cd\":2,\"cd2\":3}")).containsExactly(0, 1, -1);
    assertThat(ids(in, names, "{\"cd\":1,\"ty\":2}")).containsExactly(1, 0);
    // names longer than a word, and longer than what is remembered
    String longNames = "{\"trade_price\":1,\"acc_trade_price_24h_long_name\":2,\"trade_price_\":3}";
    assertThat(ids(in, names, longNames)).containsExactly(2, 3, -1);
    assertThat(ids(in, names, longNames)).containsExactly(2, 3, -1);
    assertThat(ids(in, names, "{\"trade_pricf\":1}")).containsExactly(-1);
    // three words: a difference in the first, second and last
    assertThat(ids(in, names, "{\"acc_trade_volume_24h\":1}")).containsExactly(4);
    assertThat(ids(in, names, "{\"acc_trade_volume_24h\":1}")).containsExactly(4);
    for (String other : List.of("bcc_trade_volume_24h", "acc_trade_volumf_24h", "acc_trade_volume_24g", "acc_trade_volume_24")) {
      assertThat(ids(in, names, "{\"" + other + "\":1}")).as(other).containsExactly(-1);
      assertThat(ids(in, names, "{\"acc_trade_volume_24h\":1}")).containsExactly(4);
    }
  }

  @Test
  void aNameCutByTheFrameEndIsNoMatch() {
    FrameScanner in = new FrameScanner();
    MemberNames names = new MemberNames(FIELDS);
    in.load(RawFrame.text(FeedVenue.BINANCE, "{\"ty\":1,\"trade_price\":2}", 0, 0));
    in.beginObject();
    in.firstMember(names);
    in.skipValue();
    assertThat(in.nextMember(names)).isEqualTo(2);
    in.load(RawFrame.text(FeedVenue.BINANCE, "{\"ty\":1,\"trade_pr", 0, 0));
    in.beginObject();
    assertThat(in.firstMember(names)).isEqualTo(0);
    in.skipValue();
    assertThatThrownBy(() -> in.nextMember(names)).isSameAs(FrameScanner.DECLINE);
  }

  @Test
  void anInvalidNameStillDeclinesAfterAValidOneWasRemembered() {
    FrameScanner in = new FrameScanner();
    MemberNames names = new MemberNames(FIELDS);
    assertThat(ids(in, names, "{\"ty\":1}")).containsExactly(0);
    for (String bad : List.of("{\"t\\y\":1}", "{\"t\ty\":1}", "{\"ty:1}", "{ty:1}", "{\"ty\"1}")) {
      assertThatThrownBy(() -> ids(in, names, bad)).as(bad).isSameAs(FrameScanner.DECLINE);
    }
  }
}
