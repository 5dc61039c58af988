package io.kimp.app.operator;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an online backup of the H2 database goes: a new {@code .zip} file, named by an absolute path, in a directory
 * that exists already. kimp creates no directory and replaces no file; the backup (journal, read tables, the paper
 * ledger) is money state, so the file is owner-only (0600) from its first byte.
 */
public final class BackupTarget {
  private static final Logger log = LoggerFactory.getLogger(BackupTarget.class);

  /** The target cannot be used; nothing was written. {@link #exists()}: a file is in the way (never overwritten). */
  public static final class Refused extends RuntimeException {
    private final boolean exists;

    Refused(String message, boolean exists) {
      super(message, null, false, false);
      this.exists = exists;
    }

    public boolean exists() {
      return exists;
    }
  }

  /** The database could not write the backup; the message is for a person (the details are in the debug log). */
  public static final class Failed extends RuntimeException {
    Failed(String message) {
      super(message, null, false, false);
    }
  }

  private final Path path;

  private BackupTarget(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  /** {@code raw} checked as a target (absolute, {@code .zip}, its directory exists, no file there yet) or {@link Refused}. */
  public static BackupTarget of(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new Refused("\"to\" (an absolute path on the node's host) is required", false);
    }
    Path to;
    try {
      to = Path.of(raw.trim()).normalize();
    } catch (InvalidPathException e) {
      throw new Refused("\"to\" is not a path: " + e.getReason(), false);
    }
    // H2 reads a backslash as a directory separator (and would create the directories it names)
    if (!to.isAbsolute() || !to.toString().endsWith(".zip") || raw.contains("\\")) {
      throw new Refused("\"to\" must be an absolute path ending in .zip (without backslashes)", false);
    }
    Path dir = to.getParent();
    if (dir == null || !Files.exists(dir)) {
      throw new Refused("the directory " + dir + " does not exist: kimp does not create directories for backups", false);
    }
    if (!Files.isDirectory(dir)) {
      throw new Refused(dir + " is not a directory", false);
    }
    if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
      throw new Refused(to + " exists: kimp does not overwrite backups", true);
    }
    return new BackupTarget(to);
  }

  /**
   * Creates the file (0600, failing if anything is there by now), has H2 write the backup into it ({@code BACKUP TO})
   * and returns its size. On a failure the file is removed again.
   */
  long write(DataSource db) {
    try {
      Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      throw new Refused(path + " exists: kimp does not overwrite backups", true);
    } catch (IOException | UnsupportedOperationException e) {
      throw new Refused("cannot create " + path + ": " + reason(e), false);
    }
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("BACKUP TO ?")) {
      ps.setString(1, path.toString());
      ps.execute();
      return Files.size(path);
    } catch (SQLException e) {
      log.debug("backup to {} failed", path, e);
      removeQuietly();
      throw new Failed("backup to " + path + " failed: " + SqlErrors.describe(e));
    } catch (IOException e) {
      removeQuietly();
      throw new Failed("backup to " + path + " failed: " + reason(e));
    }
  }

  private void removeQuietly() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("could not remove the incomplete backup {}: {}", path, reason(e));
    }
  }

  private static String reason(Exception e) {
    return e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : e.toString();
  }
}
