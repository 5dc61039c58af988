package io.kimp.backtest.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes large candle and rate files in the shared data's format for the benchmark: Binance BTC on a random walk, USD/KRW
 * drifting, and Upbit at a mean-reverting premium (so the replay trades), with a small share of Upbit candles missing
 * (so the alignment skips). Seeded: the same arguments give the same files.
 */
public final class SyntheticMarket {
  private static final long START_MS = 946_684_800_000L; // 2000-01-01T00:00:00Z

  private SyntheticMarket() {}

  /** The three files written. */
  public record Files3(Path upbit, Path binance, Path fx, long rowsPerVenue) {}

  public static Files3 write(Path dir, long rows, long intervalSeconds, long seed) throws IOException {
    Files.createDirectories(dir);
    Path upbit = dir.resolve("upbit.csv");
    Path binance = dir.resolve("binance.csv");
    Path fx = dir.resolve("fx.csv");
    SplittableRandom rnd = new SplittableRandom(seed);
    double btc = 30_000;
    double rate = 1_300;
    double premium = 0.3;
    long rateEvery = Math.max(1, 3600 / intervalSeconds);
    try (Line u = new Line(Files.newOutputStream(upbit));
        Line b = new Line(Files.newOutputStream(binance));
        Line f = new Line(Files.newOutputStream(fx))) {
      u.text("timestamp,open,high,low,close,volume\n");
      b.text("timestamp,open,high,low,close,volume\n");
      f.text("timestamp,rate\n");
      for (long i = 0; i < rows; i++) {
        long t = START_MS + i * intervalSeconds * 1000;
        if (i % rateEvery == 0) {
          rate = Math.max(900, rate * (1 + rnd.nextGaussian() * 0.0005));
          f.timestamp(t).comma().fixed(rate, 2).newline();
        }
        double open = btc;
        btc = Math.max(1_000, btc * (1 + rnd.nextGaussian() * 0.0008));
        premium += (0.3 - premium) * 0.002 + rnd.nextGaussian() * 0.03;
        double spread = Math.abs(rnd.nextGaussian()) * 0.0004;
        candle(b, t, open, btc, spread, 2 + rnd.nextDouble() * 20, 2);
        if (rnd.nextInt(1000) != 0) {
          double k = rate * (1 + premium / 100);
          candle(u, t, Math.round(open * k / 1000) * 1000.0, Math.round(btc * k / 1000) * 1000.0, spread,
              0.5 + rnd.nextDouble() * 5, 1);
        } else {
          u.timestamp(t).text(",broken-on-purpose\n"); // a bad row: read with --lenient, counted
        }
      }
    }
    return new Files3(upbit, binance, fx, rows);
  }

  private static void candle(Line w, long t, double open, double close, double spread, double volume, int decimals)
      throws IOException {
    double high = Math.max(open, close) * (1 + spread);
    double low = Math.min(open, close) * (1 - spread);
    w.timestamp(t).comma().fixed(open, decimals).comma().fixed(high, decimals).comma().fixed(low, decimals).comma()
        .fixed(close, decimals).comma().fixed(volume, 8).newline();
  }

  /** A line writer without String formatting (generating 10 M rows must not dominate the benchmark). */
  private static final class Line implements AutoCloseable {
    private final OutputStream out;
    private final byte[] buf = new byte[64];

    Line(OutputStream raw) {
      this.out = new BufferedOutputStream(raw, 1 << 20);
    }

    Line text(String s) throws IOException {
      for (int i = 0; i < s.length(); i++) {
        out.write(s.charAt(i));
      }
      return this;
    }

    Line comma() throws IOException {
      out.write(',');
      return this;
    }

    Line newline() throws IOException {
      out.write('\n');
      return this;
    }

    /** {@code yyyy-MM-dd HH:mm:ss} UTC. */
    Line timestamp(long ms) throws IOException {
      long secs = Math.floorDiv(ms, 1000);
      long days = Math.floorDiv(secs, 86_400);
      int sod = (int) (secs - days * 86_400);
      // civil_from_days (H. Hinnant)
      long z = days + 719_468;
      long era = Math.floorDiv(z, 146_097);
      long doe = z - era * 146_097;
      long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
      long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
      long mp = (5 * doy + 2) / 153;
      int d = (int) (doy - (153 * mp + 2) / 5 + 1);
      int m = (int) (mp < 10 ? mp + 3 : mp - 9);
      int y = (int) (yoe + era * 400 + (m <= 2 ? 1 : 0));
      digits(y, 4);
      out.write('-');
      digits(m, 2);
      out.write('-');
      digits(d, 2);
      out.write(' ');
      digits(sod / 3600, 2);
      out.write(':');
      digits(sod / 60 % 60, 2);
      out.write(':');
      digits(sod % 60, 2);
      return this;
    }

    Line fixed(double v, int decimals) throws IOException {
      long scale = 1;
      for (int i = 0; i < decimals; i++) {
        scale *= 10;
      }
      long units = Math.round(v * scale);
      long whole = units / scale;
      long frac = units % scale;
      int n = 0;
      do {
        buf[n++] = (byte) ('0' + whole % 10);
        whole /= 10;
      } while (whole > 0);
      while (n > 0) {
        out.write(buf[--n]);
      }
      if (decimals > 0) {
        out.write('.');
        digits(frac, decimals);
      }
      return this;
    }

    private void digits(long v, int width) throws IOException {
      for (int i = width - 1; i >= 0; i--) {
        buf[i] = (byte) ('0' + v % 10);
        v /= 10;
      }
      out.write(buf, 0, width);
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
