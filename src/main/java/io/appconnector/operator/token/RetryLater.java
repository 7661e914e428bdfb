package io.appconnector.operator.token;

/**
 * A request that cannot finish now but may in a moment (the signing keys cannot be read, a first use
 * met too many conflicting writes): answered 503 temporarily_unavailable. Anything else unexpected is
 * a fault of the operator and answered 500 server_error, so a bug never reads like an outage.
 */
public class RetryLater extends RuntimeException {
  public RetryLater(String message) {
    super(message);
  }
}
