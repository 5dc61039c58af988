package io.kimp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterLogScanTest {
  private static final String DECISION = "11:59:59.601 WARN  o.a.p.c.sbr.SplitBrainResolver [ ] SBR took decision "
      + "DownUnreachable and is downing [pekko://kimp@127.0.0.1:36941], [1] unreachable of [3] members, all members in "
      + "DC [Member(pekko://kimp@127.0.0.1:35077, Up), Member(pekko://kimp@127.0.0.1:36941, Up)], full reachability "
      + "status: [...]\n";
  private static final String DOWN_ALL = "12:10:00.000 WARN  o.a.p.c.sbr.SplitBrainResolver [ ] SBR took decision "
      + "DownAll and is downing [pekko://kimp@127.0.0.1:35077, pekko://kimp@127.0.0.1:36635] including myself,, [1] "
      + "unreachable of [3] members\n";
  private static final String UNREACHABLE = "11:59:51.896 WARN  o.apache.pekko.cluster.Cluster [ ] Cluster Node "
      + "[pekko://kimp@127.0.0.1:36635] - Marking node as UNREACHABLE [Member(pekko://kimp@127.0.0.1:36941, Up)].\n";

  @Test
  void findsTheDownedMembersByPortAndCountsUnreachabilityMarks(@TempDir Path dir) throws Exception {
    Path a = Files.writeString(dir.resolve("node1.log"), "noise\n" + UNREACHABLE + DECISION);
    Path b = Files.writeString(dir.resolve("node2.log"), UNREACHABLE);
    ClusterLogScan.Findings f = new ClusterLogScan().scan(List.of(a, b));
    assertThat(f.downedPorts()).containsExactly(36941);
    assertThat(f.decisions()).hasSize(1).first().asString().contains("DownUnreachable");
    assertThat(f.unreachableMarks()).isEqualTo(2);
  }

  @Test
  void reportsOnlyWhatWasLoggedSinceTheLastScanAndWaitsForAWholeLine(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("node1.log"), DECISION);
    ClusterLogScan scan = new ClusterLogScan();
    assertThat(scan.scan(List.of(log)).downedPorts()).containsExactly(36941);
    assertThat(scan.scan(List.of(log)).downedPorts()).isEmpty();

    int half = DOWN_ALL.length() / 2;
    Files.writeString(log, DOWN_ALL.substring(0, half), StandardOpenOption.APPEND);
    assertThat(scan.scan(List.of(log)).downedPorts()).isEmpty(); // half a line: not yet
    Files.writeString(log, DOWN_ALL.substring(half), StandardOpenOption.APPEND);
    assertThat(scan.scan(List.of(log)).downedPorts()).containsExactly(35077, 36635);
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(FailoverBench.median(List.of(1.0, 2.0, 4.0, 9.0))).isEqualTo(3.0);
    assertThat(FailoverBench.median(List.of(1.0, 2.0, 4.0))).isEqualTo(2.0);
  }
}
