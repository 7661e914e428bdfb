package io.appconnector.operator.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jwt.JWTClaimsSet;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules of both client-assertion methods, one row per case, at a fixed time: what a vendor's own
 * JWT must claim, and what a TokenReview must report for a ServiceAccount token.
 */
class ClientAssertionRulesTest {
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  static final String CLIENT = "ac-0123456789abcdef01234567";
  static final String ENDPOINT = "https://tokens.example.com/oauth2/token";
  static final String ISSUER = "https://tokens.example.com";

  static JWTClaimsSet.Builder valid() {
    return new JWTClaimsSet.Builder().issuer(CLIENT).subject(CLIENT).audience(ENDPOINT).jwtID("jti-1")
        .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(60)));
  }

  static Arguments row(String name, UnaryOperator<JWTClaimsSet.Builder> change, String refusal) {
    return Arguments.of(name, change, refusal);
  }

  static Stream<Arguments> assertions() {
    return Stream.of(
        row("a valid assertion for the token endpoint", b -> b, null),
        row("the issuer as audience", b -> b.audience(ISSUER), null),
        row("one of several audiences", b -> b.audience(List.of("https://elsewhere", ENDPOINT)), null),
        row("no iat and no nbf", b -> b.issueTime(null).notBeforeTime(null), null),
        row("exp five minutes away, the longest allowed", b -> b.expirationTime(Date.from(NOW.plus(
            AssertionRules.LONGEST_LIFETIME))), null),
        row("iat a little ahead (clock skew)", b -> b.issueTime(Date.from(NOW.plusSeconds(30))), null),
        row("iss another client", b -> b.issuer("ac-other"), "assertion_issuer_not_client"),
        row("no iss", b -> b.issuer(null), "assertion_issuer_not_client"),
        row("sub another client", b -> b.subject("ac-other"), "assertion_subject_not_client"),
        row("aud another server", b -> b.audience("https://elsewhere/oauth2/token"), "assertion_wrong_audience"),
        row("no aud", b -> b.audience((String) null), "assertion_wrong_audience"),
        row("no exp", b -> b.expirationTime(null), "assertion_without_exp"),
        row("exp now", b -> b.expirationTime(Date.from(NOW)), "assertion_expired"),
        row("exp a second ago", b -> b.expirationTime(Date.from(NOW.minusSeconds(1))), "assertion_expired"),
        row("exp beyond five minutes", b -> b.expirationTime(Date.from(NOW.plus(AssertionRules.LONGEST_LIFETIME)
            .plusSeconds(1))), "assertion_lifetime_too_long"),
        row("exp a day away", b -> b.expirationTime(Date.from(NOW.plus(Duration.ofDays(1)))),
            "assertion_lifetime_too_long"),
        row("iat two minutes ahead", b -> b.issueTime(Date.from(NOW.plusSeconds(120))), "assertion_not_yet_valid"),
        row("nbf two minutes ahead", b -> b.notBeforeTime(Date.from(NOW.plusSeconds(120))), "assertion_not_yet_valid"),
        row("no jti", b -> b.jwtID(null), "assertion_without_jti"),
        row("an empty jti", b -> b.jwtID(""), "assertion_without_jti"),
        row("a jti over 256 characters", b -> b.jwtID("j".repeat(257)), "assertion_without_jti"));
  }

  @ParameterizedTest(name = "private_key_jwt: {0} -> {2}")
  @MethodSource("assertions")
  void privateKeyAssertionClaims(String name, UnaryOperator<JWTClaimsSet.Builder> change, String refusal) {
    assertEquals(refusal, AssertionRules.refusal(change.apply(valid()).build(), CLIENT, List.of(ENDPOINT, ISSUER), NOW));
  }

  static TokenReviewStatusBuilder reviewed(String user) {
    return new TokenReviewStatusBuilder().withAuthenticated(true).withAudiences(ENDPOINT).withNewUser()
        .withUsername(user).withExtra(Map.of(ServiceAccountRules.POD_NAME, List.of("connector-7d9f"),
            "authentication.kubernetes.io/pod-uid", List.of("5f0c"))).endUser();
  }

  static Arguments review(String name, TokenReviewStatus status, String refusal) {
    return Arguments.of(name, status, refusal);
  }

  static Stream<Arguments> reviews() {
    String named = "system:serviceaccount:vendor-ledgerly:connector";
    return Stream.of(
        review("the named ServiceAccount, bound to a pod", reviewed(named).build(), null),
        review("not authenticated (expired, other audience, pod gone)", new TokenReviewStatusBuilder()
            .withAuthenticated(false).withError("token has expired").build(), "service_account_token_not_authenticated"),
        review("no status at all", null, "service_account_token_not_authenticated"),
        review("authenticated for another audience", reviewed(named).withAudiences("https://kubernetes.default.svc")
            .build(), "service_account_token_wrong_audience"),
        review("a user, not a ServiceAccount", reviewed("alice@example.com").build(), "not_a_service_account"),
        review("the same name in another namespace", reviewed("system:serviceaccount:vendor-other:connector").build(),
            "service_account_of_another_namespace"),
        review("another ServiceAccount of the vendor namespace", reviewed("system:serviceaccount:vendor-ledgerly:default")
            .build(), "another_service_account"),
        review("bound to no pod (kubectl create token)", reviewed(named).editUser().withExtra(Map.of()).endUser().build(),
            "service_account_token_not_bound_to_a_pod"),
        review("no extra at all", reviewed(named).editUser().withExtra(null).endUser().build(),
            "service_account_token_not_bound_to_a_pod"));
  }

  @ParameterizedTest(name = "ServiceAccount token: {0} -> {2}")
  @MethodSource("reviews")
  void serviceAccountTokenReviews(String name, TokenReviewStatus status, String refusal) {
    assertEquals(refusal, ServiceAccountRules.refusal(status, ENDPOINT, "vendor-ledgerly", "connector"));
  }

  @org.junit.jupiter.api.Test
  void aJtiIsRefusedWithinItsLifetimeAcceptedAfterAndTheCacheIsBoundedPerClientAndInTotal() {
    AssertionReplays replays = new AssertionReplays(2, 3);
    Instant exp = NOW.plusSeconds(60);
    assertEquals(AssertionReplays.Outcome.FIRST_SEEN, replays.record("a", "1", exp, NOW));
    assertEquals(AssertionReplays.Outcome.REPLAYED, replays.record("a", "1", exp, NOW.plusSeconds(59)));
    assertEquals(AssertionReplays.Outcome.FIRST_SEEN, replays.record("b", "1", exp, NOW), "jtis are per client");
    assertEquals(AssertionReplays.Outcome.FIRST_SEEN, replays.record("a", "2", exp, NOW));
    assertEquals(AssertionReplays.Outcome.FULL, replays.record("a", "3", exp, NOW), "a's own bound, not b's");
    assertEquals(AssertionReplays.Outcome.FULL, replays.record("c", "1", exp, NOW), "the total bound");
    assertEquals(3, replays.size());
    // Once they expire, room is made by dropping them, never by forgetting a live one.
    assertEquals(AssertionReplays.Outcome.FIRST_SEEN, replays.record("a", "3", NOW.plusSeconds(120), exp));
    assertEquals(1, replays.size());
    assertEquals(AssertionReplays.Outcome.FIRST_SEEN, replays.record("a", "1", NOW.plusSeconds(120), exp),
        "an expired assertion's jti may appear again: the assertion itself is refused by exp");
  }
}
