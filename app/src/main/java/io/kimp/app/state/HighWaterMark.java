package io.kimp.app.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * The journal's high-water mark: the highest {@code event_journal.ordering} this node has seen committed, with the
 * database it belongs to, in {@code <data-dir>/journal.hwm} (mode 0600, written to a temporary file, fsynced and
 * renamed). A database that opens below it has lost committed events (rolled back, truncated, restored) and is refused
 * at start ({@link StateGuard}).
 */
public record HighWaterMark(String database, long ordering, Instant at) {
  public static final String FILE = "journal.hwm";

  public static Path file(Path dataDir) {
    return dataDir.resolve(FILE);
  }

  /** The mark in {@code dataDir}, if there is one that can be read. */
  public static Optional<HighWaterMark> read(Path dataDir) {
    Path f = file(dataDir);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      p.load(in);
      return Optional.of(new HighWaterMark(p.getProperty("database", ""), Long.parseLong(p.getProperty("ordering", "0")),
          Instant.parse(p.getProperty("at", Instant.EPOCH.toString()))));
    } catch (IOException | RuntimeException e) {
      throw new UncheckedIOException(new IOException(f.toAbsolutePath() + " cannot be read: " + e.getMessage()));
    }
  }

  /** Writes the mark durably (fsync of the file and of its directory). */
  public void write(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      Path tmp = Files.createTempFile(dataDir, FILE, ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      String text = "# the highest journal ordering this node saw committed (kimp refuses a database behind it)\n"
          + "database=" + database.replace("\\", "\\\\") + "\nordering=" + ordering + "\nat=" + at + "\n";
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      try {
        Files.move(tmp, file(dataDir), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file(dataDir), StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel dir = FileChannel.open(dataDir, StandardOpenOption.READ)) {
        dir.force(true);
      } catch (IOException ignored) {
        // some file systems cannot fsync a directory; the file itself is on disk
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the journal high-water mark in " + dataDir, e);
    }
  }
}
