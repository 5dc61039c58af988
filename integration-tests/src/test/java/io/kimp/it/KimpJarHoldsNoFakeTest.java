package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar the app module's package phase writes (what {@code ./kimp run} and the Docker image start) holds the
 * product only: no test fake ({@code src-test-fixtures}, package {@code io.kimp.fixtures}) and no benchmark harness
 * (the benchmarks module's {@code io.kimp.bench}, in {@code benchmarks/target/kimp-bench.jar}); the exchange simulator
 * that {@code --simulate} needs is inside. {@code mvn verify} packages app before this module's tests run.
 */
class KimpJarHoldsNoFakeTest {
  private static final Path JAR = Path.of("..", "app", "target", "kimp.jar");

  private static List<String> entries() throws IOException {
    assertThat(Files.isRegularFile(JAR)).as("the kimp jar (the app module's package phase makes it) at "
        + JAR.toAbsolutePath()).isTrue();
    try (JarFile jar = new JarFile(JAR.toFile())) {
      return jar.stream().map(ZipEntry::getName).toList();
    }
  }

  @Test
  void holdsTheProductAndTheSimulatorButNoFakeAndNoBenchmark() throws IOException {
    List<String> entries = entries();
    assertThat(entries).as("the product and what --simulate needs")
        .contains("io/kimp/app/Main.class", "io/kimp/simulator/ExchangeSimulator.class",
            "io/kimp/core/cycle/ArbitrageCycle.class");
    assertThat(entries).as("test fakes (src-test-fixtures) in kimp.jar")
        .noneMatch(e -> e.startsWith("io/kimp/fixtures/"));
    assertThat(entries).as("benchmark harness or JMH in kimp.jar")
        .noneMatch(e -> e.startsWith("io/kimp/bench/") || e.startsWith("io/kimp/app/bench/")
            || e.startsWith("org/openjdk/jmh/") || e.equals("META-INF/BenchmarkList"));
  }
}
