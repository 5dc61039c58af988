package io.kimp.simulator.account;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The API keys the simulated venues accept: one Upbit access/secret pair, one Binance API key/secret pair. Given by the
 * caller (a node points its live gateways at the simulator with the keys it is configured with) or generated at start;
 * {@link #writeTo} puts them in a file only its owner reads, since they are the same kind of secret as real keys.
 */
public record SimKeys(String upbitAccessKey, String upbitSecretKey, String binanceApiKey, String binanceSecretKey) {

  public SimKeys {
    for (String k : new String[] {upbitAccessKey, upbitSecretKey, binanceApiKey, binanceSecretKey}) {
      if (k == null || k.isBlank()) {
        throw new IllegalArgumentException("the simulator's API keys must not be empty");
      }
    }
  }

  /** Fresh random keys (hex; Binance's 64 characters, Upbit's 40). */
  public static SimKeys generate() {
    SecureRandom r = new SecureRandom();
    return new SimKeys(hex(r, 20), hex(r, 20), hex(r, 32), hex(r, 32));
  }

  private static String hex(SecureRandom r, int bytes) {
    byte[] b = new byte[bytes];
    r.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /**
   * Writes the keys as HOCON settings a kimp node reads ({@code kimp.exchanges.*}), the file created 0600 (on POSIX file
   * systems) before anything is written into it.
   */
  public void writeTo(Path file) {
    try {
      Files.deleteIfExists(file);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(Set.of(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      String text = String.join("\n",
          "# API keys of the kimp exchange simulator (valid only there)",
          "kimp.exchanges.upbit.access-key = \"" + upbitAccessKey + "\"",
          "kimp.exchanges.upbit.secret-key = \"" + upbitSecretKey + "\"",
          "kimp.exchanges.binance.api-key = \"" + binanceApiKey + "\"",
          "kimp.exchanges.binance.secret-key = \"" + binanceSecretKey + "\"", "");
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the simulator's keys to " + file, e);
    }
  }

  @Override
  public String toString() {
    return "SimKeys[upbit=" + upbitAccessKey.substring(0, Math.min(6, upbitAccessKey.length())) + "…, binance="
        + binanceApiKey.substring(0, Math.min(6, binanceApiKey.length())) + "…]";
  }
}
