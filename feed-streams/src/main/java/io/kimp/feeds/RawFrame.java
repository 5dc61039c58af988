package io.kimp.feeds;

import io.kimp.core.market.MarketEvent;
import java.nio.charset.StandardCharsets;

/**
 * One frame as received, with what the connection's parser made of it. Upbit frames arrive binary (UTF-8 JSON) and are
 * kept as bytes; Binance and FX frames arrive as text, kept as text, or as their UTF-8 bytes when the WebSocket client
 * hands them over undecoded (Netty). {@code event} is null when the frame was a control message (a
 * subscription answer, Upbit's keep-alive status) or was rejected (then counted in the venue's {@code FrameStats}).
 *
 * @param receivedAt wall clock at arrival, epoch ms (the recorded time in replay)
 * @param receivedNanos {@link System#nanoTime()} at arrival, for tick-to-decision latency (0 in replay)
 */
public record RawFrame(
    FeedVenue venue, String text, byte[] bytes, long receivedAt, long receivedNanos, MarketEvent event) {

  public static RawFrame text(FeedVenue venue, String text, long receivedAt, long receivedNanos) {
    return new RawFrame(venue, text, null, receivedAt, receivedNanos, null);
  }

  public static RawFrame binary(FeedVenue venue, byte[] bytes, long receivedAt, long receivedNanos) {
    return new RawFrame(venue, null, bytes, receivedAt, receivedNanos, null);
  }

  /** The frame's text (decoded from UTF-8 if it arrived binary). */
  public String asText() {
    return text != null ? text : new String(bytes, StandardCharsets.UTF_8);
  }

  public RawFrame withEvent(MarketEvent e) {
    return new RawFrame(venue, text, bytes, receivedAt, receivedNanos, e);
  }
}
