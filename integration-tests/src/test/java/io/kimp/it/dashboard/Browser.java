package io.kimp.it.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver (Selenium Manager cannot download anything here, so both
 * paths are given). Missing either skips the test with how to install them; {@code KIMP_REQUIRE_BROWSER=1} (CI) turns
 * the skip into a failure, as for the backtest report's browser test.
 */
public final class Browser implements AutoCloseable {
  private static final List<String> CHROMIUM =
      List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
  private static final List<String> DRIVER = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
  /** Where the screenshots of every page go. */
  public static final Path SHOTS = Paths.get("target", "dashboard-screenshots");

  private final ChromeDriver driver;
  private final Path profile;
  private final String base;

  private Browser(ChromeDriver driver, Path profile, String base) {
    this.driver = driver;
    this.profile = profile;
    this.base = base;
  }

  /** A fresh browser (its own profile) for the console at {@code base} (e.g. {@code http://127.0.0.1:1234}). */
  public static Browser open(String base) {
    Path chromium = find("KIMP_CHROMIUM", CHROMIUM, "chromium");
    Path driverBinary = find("KIMP_CHROMEDRIVER", DRIVER, "chromium-driver");
    try {
      Path profile = Files.createTempDirectory("kimp-chromium-");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(chromium.toFile());
      options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
          "--window-size=1400,1000", "--user-data-dir=" + profile);
      ChromeDriverService service =
          new ChromeDriverService.Builder().usingDriverExecutable(driverBinary.toFile()).usingAnyFreePort().build();
      return new Browser(new ChromeDriver(service, options), profile, base);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path find(String env, List<String> candidates, String pkg) {
    String configured = System.getenv(env);
    List<String> all = configured != null && !configured.isBlank() ? List.of(configured) : candidates;
    for (String c : all) {
      if (Files.isExecutable(Paths.get(c))) {
        return Paths.get(c);
      }
    }
    String message = "no " + pkg + " at " + all + ": install it with `apt-get install -y chromium chromium-driver` (or set "
        + env + "); KIMP_REQUIRE_BROWSER=1 turns this skip into a failure";
    if ("1".equals(System.getenv("KIMP_REQUIRE_BROWSER"))) {
      Assertions.fail(message);
    }
    System.err.println("SKIPPED: " + message);
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  public ChromeDriver driver() {
    return driver;
  }

  public void go(String path) {
    driver.get(base + path);
  }

  /** Waits (up to two minutes: the machine may be busy) until {@code condition} holds, a non-null/true value. */
  public <T> T await(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(120)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition::apply);
  }

  /** Clicks {@code what} once it is there, again if the page re-rendered it in between. */
  public void click(By what) {
    await(d -> {
      d.findElement(what).click();
      return true;
    });
  }

  /** Signs in through the login page with {@code token}. */
  public void signIn(String token) {
    go("/ui/login");
    driver.findElement(By.id("token")).sendKeys(token);
    driver.findElement(By.id("sign-in")).click();
  }

  /**
   * A screenshot of what is on screen, as {@code target/dashboard-screenshots/<name>.png}; on a console page once its
   * first status has come (the header's rate and feeds and the banner, not their placeholders).
   */
  public Path screenshot(String name) {
    await(d -> d.findElements(By.id("why")).isEmpty() || d.findElement(By.id("why")).getAttribute("data-code") != null);
    try {
      Files.createDirectories(SHOTS);
      Path to = SHOTS.resolve(name + ".png");
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, to, StandardCopyOption.REPLACE_EXISTING);
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp directory
      }
    }
  }

  // ---- plain HTTP, as a script or another site would call

  public record Reply(int status, String body, java.net.http.HttpHeaders headers) {}

  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  public static Reply http(String method, String url, String body, String... headers) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      if (headers.length > 0) {
        b.headers(headers);
      }
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Signs in over plain HTTP (as the login form posts) and returns the session cookie's value. */
  public static String session(String base, String token) {
    Reply r = http("POST", base + "/ui/login", "token=" + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8),
        "Content-Type", "application/x-www-form-urlencoded", "Origin", base);
    Assertions.assertEquals(303, r.status(), r.body());
    String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    return cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
  }
}
