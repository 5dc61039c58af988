package io.kimp.backtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's headless Chromium, run as a person's browser would open a report: a screenshot, the page's console (logged
 * to stderr with {@code --enable-logging=stderr --v=0}, where console messages and uncaught errors appear as
 * {@code CONSOLE} lines), and the DOM after the load event.
 */
final class HeadlessChromium {
  private static final List<String> CANDIDATES =
      List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");

  private final Path binary;
  private final Path work;

  private HeadlessChromium(Path binary, Path work) {
    this.binary = binary;
    this.work = work;
  }

  /**
   * The browser, or the test is skipped with a message saying how to get one; with {@code KIMP_REQUIRE_BROWSER=1} (as
   * CI sets it) a missing browser fails the test instead.
   */
  static HeadlessChromium require(Path work) {
    String configured = System.getenv("KIMP_CHROMIUM");
    List<String> candidates =
        configured != null && !configured.isBlank() ? List.of(configured) : CANDIDATES; // a chosen one only
    for (String c : candidates) {
      Path p = Paths.get(c);
      if (Files.isExecutable(p)) {
        return new HeadlessChromium(p, work);
      }
    }
    String message = "no headless Chromium at " + candidates + ": install it with `apt-get install -y chromium` "
        + "(or set KIMP_CHROMIUM); KIMP_REQUIRE_BROWSER=1 turns this skip into a failure";
    if ("1".equals(System.getenv("KIMP_REQUIRE_BROWSER"))) {
      Assertions.fail(message);
    }
    System.err.println("SKIPPED: " + message);
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  /** What one page load showed. */
  record Page(BufferedImage screenshot, List<String> console, String log) {}

  Page screenshot(Path html, int width, int height) throws IOException, InterruptedException {
    Path png = work.resolve("shot-" + System.nanoTime() + ".png");
    String log = run(html, "--screenshot=" + png, "--window-size=" + width + "," + height, "--enable-logging=stderr",
        "--v=0");
    assertThat(png).as("screenshot; chromium said:\n%s", log).isNotEmptyFile();
    BufferedImage image = ImageIO.read(png.toFile());
    List<String> console = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.contains(":CONSOLE") || line.contains("Uncaught")) {
        console.add(line);
      }
    }
    return new Page(image, console, log);
  }

  /** The DOM after the page's load handlers ran. */
  String dumpDom(Path html) throws IOException, InterruptedException {
    return run(html, "--dump-dom");
  }

  private String run(Path html, String... extra) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(work, "chromium-profile");
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile));
    cmd.addAll(List.of(extra));
    cmd.add(html.toUri().toString());
    Path output = work.resolve("chromium-" + System.nanoTime() + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      Assertions.fail("chromium did not finish within 120 s: " + cmd);
    }
    String text = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("chromium exit code; output:\n%s", text).isZero();
    return text;
  }

  /** Standard deviation of the luminance (0–255) of the image's pixels: 0 for a blank page. */
  static double luminanceSpread(BufferedImage img) {
    double sum = 0;
    double sq = 0;
    long n = 0;
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        int rgb = img.getRGB(x, y);
        double l = 0.2126 * ((rgb >> 16) & 0xff) + 0.7152 * ((rgb >> 8) & 0xff) + 0.0722 * (rgb & 0xff);
        sum += l;
        sq += l * l;
        n++;
      }
    }
    double mean = sum / n;
    return Math.sqrt(Math.max(0, sq / n - mean * mean));
  }

  /** Share of pixels that are not near-white. */
  static double inkedShare(BufferedImage img) {
    long inked = 0;
    long n = 0;
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        int rgb = img.getRGB(x, y);
        int min = Math.min((rgb >> 16) & 0xff, Math.min((rgb >> 8) & 0xff, rgb & 0xff));
        if (min < 235) {
          inked++;
        }
        n++;
      }
    }
    return (double) inked / n;
  }
}
