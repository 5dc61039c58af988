package io.kimp.app.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's bearer token: configured ({@code kimp.admin.token} / {@code KIMP_ADMIN_TOKEN}) or, when none is, read
 * from the token file, which is created with a random token (owner-only) at first start. Presented tokens are compared
 * in constant time. {@link #toString()} never shows the token.
 */
public final class AdminToken {
  private static final Logger log = LoggerFactory.getLogger(AdminToken.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] digest;

  private AdminToken(String token) {
    this.digest = sha256(token);
  }

  /** The configured token, else the token file's, else a new one written to the token file. */
  public static AdminToken resolve(AdminSettings settings) {
    if (!settings.token().isEmpty()) {
      log.info("admin API token: from configuration (kimp.admin.token / KIMP_ADMIN_TOKEN)");
      return new AdminToken(settings.token());
    }
    Path file = settings.tokenFile().toAbsolutePath();
    Optional<String> existing = read(file);
    if (existing.isPresent()) {
      log.info("admin API token: {} (reused)", file);
      return new AdminToken(existing.get());
    }
    String token = generate();
    try {
      write(file, token);
    } catch (FileAlreadyExistsException raced) {
      // another node sharing the data directory wrote it first: use theirs
      log.info("admin API token: {} (reused)", file);
      return new AdminToken(read(file).orElseThrow());
    }
    log.info("admin API token: {} (generated; owner-only)", file);
    return new AdminToken(token);
  }

  /** The token as the CLI finds it: the configured one ({@code KIMP_ADMIN_TOKEN}), else the token file's. */
  public static Optional<String> forClient(AdminSettings settings) {
    return settings.token().isEmpty() ? read(settings.tokenFile()) : Optional.of(settings.token());
  }

  /** True when {@code presented} is the token; the time taken does not depend on where they differ. */
  public boolean matches(String presented) {
    return presented != null && MessageDigest.isEqual(digest, sha256(presented));
  }

  @Override
  public String toString() {
    return "AdminToken(***)";
  }

  static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static Optional<String> read(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      String token = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (token.length() < AdminSettings.MIN_TOKEN_LENGTH) {
        throw new IllegalStateException(
            "admin token file " + file + " holds no valid token (at least " + AdminSettings.MIN_TOKEN_LENGTH
                + " characters): delete it to have a new one generated, or set kimp.admin.token");
      }
      warnIfReadableByOthers(file);
      return Optional.of(token);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the admin token file " + file, e);
    }
  }

  /**
   * Writes the token to a new owner-only file: the file never exists with other permissions or half a token, and an
   * existing one is never replaced.
   */
  private static void write(Path file, String token) throws FileAlreadyExistsException {
    try {
      Path dir = file.getParent();
      Files.createDirectories(dir);
      boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
      Path tmp =
          posix
              ? Files.createTempFile(dir, ".admin-token", ".tmp",
                  PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
              : Files.createTempFile(dir, ".admin-token", ".tmp");
      try {
        Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
        try {
          Files.createLink(file, tmp); // atomic and exclusive: fails if another process created the file first
        } catch (UnsupportedOperationException e) {
          Files.move(tmp, file); // no hard links here: fails if the file exists
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      if (!posix) {
        log.warn("admin token file {} is on a file system without POSIX permissions: restrict access to it", file);
      }
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the admin token file " + file, e);
    }
  }

  private static void warnIfReadableByOthers(Path file) throws IOException {
    if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
    p.remove(PosixFilePermission.OWNER_READ);
    p.remove(PosixFilePermission.OWNER_WRITE);
    if (!p.isEmpty()) {
      log.warn("admin token file {} is accessible beyond its owner ({}): chmod 600 it", file,
          PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
