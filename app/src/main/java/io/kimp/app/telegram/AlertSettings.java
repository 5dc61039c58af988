package io.kimp.app.telegram;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.kimp.core.config.CoreSettings;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * How alerts are rationed and summarised, from {@code kimp.alerts.*}.
 *
 * @param dedupeWindow the same alert (same {@code Alert.dedupeKey()}) is sent at most once per window
 * @param zone the zone of times shown in messages and of the daily summary's schedule
 * @param dailySummaryAt local time in {@code zone} at which the previous day's summary is sent
 */
public record AlertSettings(Duration dedupeWindow, ZoneId zone, boolean dailySummaryEnabled, LocalTime dailySummaryAt) {

  public static AlertSettings fromConfig(Config c) {
    ZoneId zone;
    try {
      zone = ZoneId.of(c.getString("kimp.alerts.zone"));
    } catch (DateTimeException e) {
      throw new ConfigException.BadValue("kimp.alerts.zone", e.getMessage());
    }
    LocalTime at;
    try {
      at = LocalTime.parse(c.getString("kimp.alerts.daily-summary.at"));
    } catch (DateTimeParseException e) {
      throw new ConfigException.BadValue("kimp.alerts.daily-summary.at", "must be a local time like 09:00");
    }
    return new AlertSettings(
        CoreSettings.positive(c, "kimp.alerts.dedupe-window"), zone, c.getBoolean("kimp.alerts.daily-summary.enabled"),
        at);
  }
}
