package io.kimp.app.telegram;

import java.util.function.UnaryOperator;
import org.apache.pekko.event.LoggingAdapter;

/**
 * A Pekko log that masks a secret in every message before it is written. The Bot API puts the token in the request path,
 * and Pekko HTTP's connection pool logs request lines (e.g. requests dropped at shutdown); the Telegram client's pool logs
 * through this so that the token never reaches a log.
 */
final class MaskingLog implements LoggingAdapter {

  private final LoggingAdapter delegate;
  private final UnaryOperator<String> mask;

  MaskingLog(LoggingAdapter delegate, UnaryOperator<String> mask) {
    this.delegate = delegate;
    this.mask = mask;
  }

  @Override
  public boolean isErrorEnabled() {
    return delegate.isErrorEnabled();
  }

  @Override
  public boolean isWarningEnabled() {
    return delegate.isWarningEnabled();
  }

  @Override
  public boolean isInfoEnabled() {
    return delegate.isInfoEnabled();
  }

  @Override
  public boolean isDebugEnabled() {
    return delegate.isDebugEnabled();
  }

  @Override
  public void notifyError(String message) {
    delegate.error(mask.apply(message));
  }

  @Override
  public void notifyError(Throwable cause, String message) {
    // the cause's own message may carry the URI too: log its type and masked text instead of the raw throwable
    delegate.error(mask.apply(message + " (" + cause.getClass().getName() + ": " + cause.getMessage() + ")"));
  }

  @Override
  public void notifyWarning(String message) {
    delegate.warning(mask.apply(message));
  }

  @Override
  public void notifyInfo(String message) {
    delegate.info(mask.apply(message));
  }

  @Override
  public void notifyDebug(String message) {
    delegate.debug(mask.apply(message));
  }
}
