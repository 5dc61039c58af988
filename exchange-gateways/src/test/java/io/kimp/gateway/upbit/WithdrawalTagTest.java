package io.kimp.gateway.upbit;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class WithdrawalTagTest {

  @Test
  void asManyDigitsAsOneBasisPointAllows() {
    // 1 bp of 593 XLM is 0.0593 = 59,300 units at 6 decimals: two steps of 10^4 units fit
    assertThat(new WithdrawalTag(new BigDecimal("593.0589184"), 6, "a").digits()).isEqualTo(4);
    // 1 bp of 0.004 BTC is 40 units at 8 decimals: two steps of 10 fit, of 100 not
    assertThat(new WithdrawalTag(new BigDecimal("0.004"), 8, "a").digits()).isEqualTo(1);
    // whole units only: no room for a tag
    assertThat(new WithdrawalTag(new BigDecimal("120"), 0, "a").digits()).isZero();
  }

  @Test
  void theTaggedAmountIsNeverMoreAndAtMostOneBasisPointLessAndCarriesTheTag() {
    BigDecimal requested = new BigDecimal("593.0589184");
    for (int i = 0; i < 500; i++) {
      String clientId = "cycle" + i + "RW01";
      WithdrawalTag tag = new WithdrawalTag(requested, 6, clientId);
      BigDecimal amount = requested.subtract(new BigDecimal("0.25")); // less Upbit's fee
      BigDecimal sent = tag.apply(amount);
      assertThat(sent).isLessThanOrEqualTo(amount);
      assertThat(amount.subtract(sent)).isLessThanOrEqualTo(requested.multiply(new BigDecimal("0.0001")));
      assertThat(sent.scale()).isLessThanOrEqualTo(6);
      assertThat(tag.carriedBy(sent)).as(clientId).isTrue();
      assertThat(tag.carriedBy(sent.add(new BigDecimal("0.000001")))).isFalse();
    }
  }

  @Test
  void equalRequestsOfDifferentIntentsSendDifferentAmounts() {
    BigDecimal requested = new BigDecimal("88.8");
    WithdrawalTag a = new WithdrawalTag(requested, 6, "0f3c9e1b2d7a4c5e8f9a0b1c2d3e4f5aRW01");
    WithdrawalTag b = new WithdrawalTag(requested, 6, "0f3c9e1b2d7a4c5e8f9a0b1c2d3e4f5aRW02");
    BigDecimal sentA = a.apply(new BigDecimal("87.8"));
    BigDecimal sentB = b.apply(new BigDecimal("87.8"));
    assertThat(sentA).isNotEqualByComparingTo(sentB);
    assertThat(a.carriedBy(sentB)).isFalse();
    assertThat(b.carriedBy(sentA)).isFalse();
  }

  @Test
  void withoutATagEveryAmountMatchesAndAnAmountFinerThanTheCoinNever() {
    WithdrawalTag none = new WithdrawalTag(new BigDecimal("120"), 0, "x");
    assertThat(none.apply(new BigDecimal("119.7"))).isEqualByComparingTo("119");
    assertThat(none.carriedBy(new BigDecimal("119"))).isTrue();
    WithdrawalTag six = new WithdrawalTag(new BigDecimal("593"), 6, "x");
    assertThat(six.carriedBy(new BigDecimal("593.0000001"))).isFalse();
  }
}
