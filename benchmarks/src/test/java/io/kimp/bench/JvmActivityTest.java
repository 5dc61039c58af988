package io.kimp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The JVM's own record of its pauses and compilations, placed on {@link System#nanoTime}'s scale: a collection forced
 * between two marks is found between them, and code run hot between two marks is compiled between them.
 */
class JvmActivityTest {

  @Test
  void aForcedCollectionIsAPauseBetweenTheMarksAroundIt() throws Exception {
    try (JvmActivity jvm = JvmActivity.record()) {
      long before = System.nanoTime();
      System.gc(); // a full, stop-the-world collection with the default collector
      long after = System.nanoTime();
      jvm.catchUp();
      assertThat(jvm.within(JvmActivity.Kind.GC_PAUSE, before, after)).isNotEmpty()
          .allSatisfy(p -> assertThat(p.durationNanos()).isPositive());
      assertThat(jvm.busyNanos(JvmActivity.Kind.GC_PAUSE, before, after)).isLessThanOrEqualTo(after - before);
    }
  }

  @Test
  void codeRunHotIsCompiledWhileRecorded() throws Exception {
    try (JvmActivity jvm = JvmActivity.record()) {
      long before = System.nanoTime();
      long sum = 0;
      for (int i = 0; i < 200_000; i++) {
        sum += hot(i);
      }
      long after = System.nanoTime();
      assertThat(sum).isPositive();
      jvm.catchUp();
      assertThat(jvm.within(JvmActivity.Kind.COMPILATION, before, after)).isNotEmpty();
    }
  }

  private static long hot(int i) {
    return (i * 31L) ^ (i >>> 3) | 1;
  }
}
