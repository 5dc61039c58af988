package io.kimp.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what the nodes' logs say about membership since the last scan: which members the split-brain resolver downed
 * ({@code SBR took decision ... and is downing [addresses]}, or {@code member gone: downing [address]} from a
 * node's GoneMemberDowning) and how often a node marked another unreachable. The
 * harness compares the downed members with the ones it killed: any other is a false downing.
 */
final class ClusterLogScan {
  private static final Pattern DOWNING = Pattern.compile(
      "(?:SBR took decision (\\S+) and is downing|member gone: (downing)) \\[([^\\]]*)\\]");
  private static final Pattern PORT = Pattern.compile(":(\\d+)$");
  private static final String UNREACHABLE = "Marking node as UNREACHABLE";

  /** What the logs said since the previous scan: remoting ports of downed members, unreachability marks. */
  record Findings(TreeSet<Integer> downedPorts, List<String> decisions, int unreachableMarks) {}

  private final Map<Path, Long> offsets = new HashMap<>();

  Findings scan(List<Path> logs) throws IOException {
    TreeSet<Integer> downed = new TreeSet<>();
    List<String> decisions = new java.util.ArrayList<>();
    int unreachable = 0;
    for (Path log : logs) {
      String text = readNew(log);
      Matcher m = DOWNING.matcher(text);
      while (m.find()) {
        String decision = m.group(1) != null ? m.group(1) : "ProcessGone";
        decisions.add(log.getFileName() + ": " + decision + " downing [" + m.group(3) + "]");
        for (String address : m.group(3).split(",")) {
          Matcher p = PORT.matcher(address.trim());
          if (p.find()) {
            downed.add(Integer.parseInt(p.group(1)));
          }
        }
      }
      for (int i = text.indexOf(UNREACHABLE); i >= 0; i = text.indexOf(UNREACHABLE, i + 1)) {
        unreachable++;
      }
    }
    return new Findings(downed, decisions, unreachable);
  }

  /** The complete lines appended to {@code log} since the last read (a partial last line waits for the next). */
  private String readNew(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "";
    }
    long from = offsets.getOrDefault(log, 0L);
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long length = f.length();
      if (length < from) {
        from = 0; // truncated: read it again from the start
      }
      byte[] bytes = new byte[(int) Math.min(length - from, 64L * 1024 * 1024)];
      f.seek(from);
      f.readFully(bytes);
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] != '\n') {
        end--;
      }
      offsets.put(log, from + end);
      return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
  }
}
