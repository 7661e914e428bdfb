package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.http.HttpAnswer;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.http.HttpCall;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An unknown client ID and a known one with a wrong secret are indistinguishable: the same answer,
 * the same log, and the same time. The times of the two cases are measured interleaved in random
 * order in the same run and compared with a Mann-Whitney U test; the test fails when the two
 * distributions differ significantly (p < 0.001) by a median of 5 µs or more: the tell this
 * replaced was 20 µs, and what remains (about 1 µs in-process) drowns in any network's jitter at the
 * rate the guessing bound allows.
 */
class RefusalTimingMockServerTest extends TokenMockServerScenarios {
  static final int WARM_UP = 3_000;
  static final int SAMPLES = 3_000;
  static final double LIMIT_MICROS = 5.0;

  @Test
  void anUnknownClientAndAWrongSecretTakeTheSameTimeAndWriteTheSameLog() {
    AppListing l = listing(vendorListing("ledger", vendorNs, "invoices.read"));
    Vendor.Mounted known = mounted(create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read")));
    awaitPhase(tenant, "ledger", Phase.Active);
    String unknownId = scramble(known.clientId());
    String wrongSecret = scramble(known.clientSecret());

    List<String> lines = new ArrayList<>();
    ClientDirectory directory = new ClientDirectory(client(), Set.of());
    directory.start();
    try {
      // This directory's cache fills on its own; a known client it has not seen yet would read as unknown.
      Await.until("the directory knows client " + known.clientId(), () -> directory.byClientId(known.clientId()),
          java.util.Objects::nonNull);
      // Bounds far above the samples: what is measured is authentication, not the guessing bound.
      GuessingLimits unbounded = new GuessingLimits(new GuessingLimits.Limits(1_000_000, 1_000_000,
          Duration.ofMinutes(1)), id -> directory.byClientId(id) != null, clock,
          new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
      RefusalLog refusals = new RefusalLog(lines::add);
      List<String> outcomes = new ArrayList<>();
      TokenEndpoint endpoint = new TokenEndpoint(client(), directory, () -> {
        throw new AssertionError("no token is signed for a refused request");
      }, new AccessTokens("http://127.0.0.1", "api"), unbounded, refusals, clock, Duration.ofHours(1),
          outcomes::add, new ClientAuthenticators(), new UsageLedger(client(), UsageLedger.DEFAULT_INTERVAL, listing -> {
          }), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
      HttpCall knownWrong = call(known.clientId(), wrongSecret);
      HttpCall unknown = call(unknownId, wrongSecret);

      HttpAnswer a = endpoint.handle(knownWrong);
      HttpAnswer b = endpoint.handle(unknown);
      assertEquals(401, a.status());
      assertEquals(a.status(), b.status());
      assertEquals(a.headers(), b.headers());
      assertArrayEquals(a.body(), b.body());
      assertEquals(outcomes.get(0), outcomes.get(1));
      refusals.flush();
      assertEquals(1, lines.size());
      assertEquals("refused 2 token requests since the last report: " + entry(known.clientId()) + ", "
          + entry(unknownId), lines.get(0).replace(entry(unknownId) + ", " + entry(known.clientId()),
          entry(known.clientId()) + ", " + entry(unknownId)), "one line, the same reason for both");

      long[] knownNanos = new long[SAMPLES];
      long[] unknownNanos = new long[SAMPLES];
      Random order = new Random(15);
      for (int i = 0; i < WARM_UP + SAMPLES; i++) {
        boolean knownFirst = order.nextBoolean();
        long first = time(endpoint, knownFirst ? knownWrong : unknown);
        long second = time(endpoint, knownFirst ? unknown : knownWrong);
        if (i >= WARM_UP) {
          knownNanos[i - WARM_UP] = knownFirst ? first : second;
          unknownNanos[i - WARM_UP] = knownFirst ? second : first;
        }
      }
      double p = mannWhitneyP(knownNanos, unknownNanos);
      double knownMedian = median(knownNanos) / 1000.0;
      double unknownMedian = median(unknownNanos) / 1000.0;
      System.out.printf("RELIABILITY refusal-timing: n=%d each, median known+wrong secret %.1f us, unknown %.1f us, "
          + "Mann-Whitney p=%.3f%n", SAMPLES, knownMedian, unknownMedian, p);
      assertFalse(p < 0.001 && Math.abs(knownMedian - unknownMedian) >= LIMIT_MICROS, String.format(
          "the time tells a known client ID: %.1f us vs %.1f us, p=%.5f", knownMedian, unknownMedian, p));
    } finally {
      directory.close();
    }
  }

  private static String entry(String clientId) {
    return clientId + " unknown_client_or_wrong_secret x1";
  }

  private static long time(TokenEndpoint endpoint, HttpCall call) {
    long start = System.nanoTime();
    HttpAnswer answer = endpoint.handle(call);
    long took = System.nanoTime() - start;
    if (answer.status() != 401) {
      throw new AssertionError("expected a refusal, got " + answer.status());
    }
    return took;
  }

  private static HttpCall call(String clientId, String secret) {
    try {
      return new HttpCall("POST", TokenSettings.TOKEN_PATH, Map.of("content-type", List.of(FormBody.MEDIA_TYPE),
          "authorization", List.of(Vendor.basicHeader(clientId, secret))),
          "grant_type=client_credentials".getBytes(StandardCharsets.UTF_8), false,
          InetAddress.getByAddress(new byte[] {10, 0, 0, 7}));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The same length and alphabet, other characters. */
  private static String scramble(String text) {
    char[] chars = text.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      char c = chars[i];
      chars[i] = Character.isDigit(c) ? (char) ('0' + (c - '0' + 3) % 10)
          : Character.isLowerCase(c) ? (char) ('a' + (c - 'a' + 7) % 26)
          : Character.isUpperCase(c) ? (char) ('A' + (c - 'A' + 7) % 26) : c;
    }
    return new String(chars);
  }

  static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
  }

  /** Two-sided p-value of the Mann-Whitney U test (normal approximation, ties given their mean rank). */
  static double mannWhitneyP(long[] x, long[] y) {
    int n1 = x.length;
    int n2 = y.length;
    long[][] all = new long[n1 + n2][];
    for (int i = 0; i < n1; i++) {
      all[i] = new long[] {x[i], 0};
    }
    for (int i = 0; i < n2; i++) {
      all[n1 + i] = new long[] {y[i], 1};
    }
    Arrays.sort(all, (a, b) -> Long.compare(a[0], b[0]));
    double rankSumX = 0;
    for (int i = 0; i < all.length;) {
      int j = i;
      while (j < all.length && all[j][0] == all[i][0]) {
        j++;
      }
      double rank = (i + 1 + j) / 2.0;
      for (int k = i; k < j; k++) {
        if (all[k][1] == 0) {
          rankSumX += rank;
        }
      }
      i = j;
    }
    double u = rankSumX - n1 * (n1 + 1) / 2.0;
    double mean = n1 * (double) n2 / 2.0;
    double sd = Math.sqrt(n1 * (double) n2 * (n1 + n2 + 1) / 12.0);
    double z = Math.abs(u - mean) / sd;
    return erfc(z / Math.sqrt(2));
  }

  /** Complementary error function (Numerical Recipes' erfcc, fractional error below 1.2e-7). */
  static double erfc(double z) {
    double t = 1.0 / (1.0 + 0.5 * Math.abs(z));
    double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223
        + t * 0.17087277)))))))));
    return z >= 0 ? ans : 2.0 - ans;
  }
}
