package io.appconnector.operator.token;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.ClientAuthentication;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vendors' public keys for private_key_jwt: a listing's inline JWKS, parsed once, or its JWKS
 * URL, fetched by Nimbus with short timeouts, a size limit, a cache and a rate limit on refetching
 * (so an unknown {@code kid} cannot make every request fetch again). Both caches are keyed by what
 * the listing says, bounded by the listings there are; a changed listing simply gets a new entry.
 */
final class VendorKeySets {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
  static final int SIZE_LIMIT = 64 * 1024;
  static final Duration CACHE = Duration.ofMinutes(5);
  static final Duration REFETCH_AT_MOST_EVERY = Duration.ofSeconds(30);
  /** Far more distinct key sets than listings; beyond it the caches start over. */
  private static final int MOST_ENTRIES = 1_024;

  private final Map<String, JWKSource<SecurityContext>> inline = new ConcurrentHashMap<>();
  private final Map<String, JWKSource<SecurityContext>> remote = new ConcurrentHashMap<>();

  /** The listing's key source, or null when its inline JWKS does not parse or its URL is not one. */
  JWKSource<SecurityContext> of(ClientAuthentication authentication) {
    if (authentication.jwks != null) {
      bound(inline);
      return inline.computeIfAbsent(authentication.jwks, VendorKeySets::parsed);
    }
    if (authentication.jwksUrl != null) {
      bound(remote);
      return remote.computeIfAbsent(authentication.jwksUrl, VendorKeySets::fetched);
    }
    return null;
  }

  private static JWKSource<SecurityContext> parsed(String json) {
    try {
      JWKSet set = JWKSet.parse(json);
      // A listing that publishes a private key is refused whole, as its Ready condition says.
      return set.getKeys().stream().anyMatch(com.nimbusds.jose.jwk.JWK::isPrivate) ? null : new ImmutableJWKSet<>(set);
    } catch (ParseException e) {
      return null;
    }
  }

  private static JWKSource<SecurityContext> fetched(String url) {
    try {
      return JWKSourceBuilder.<SecurityContext>create(URI.create(url).toURL(), new DefaultResourceRetriever(
              (int) CONNECT_TIMEOUT.toMillis(), (int) READ_TIMEOUT.toMillis(), SIZE_LIMIT))
          .cache(CACHE.toMillis(), READ_TIMEOUT.plus(CONNECT_TIMEOUT).toMillis())
          .rateLimited(REFETCH_AT_MOST_EVERY.toMillis())
          .retrying(false)
          .refreshAheadCache(false)
          .build();
    } catch (MalformedURLException | IllegalArgumentException e) {
      return null;
    }
  }

  private static void bound(Map<String, ?> cache) {
    if (cache.size() >= MOST_ENTRIES) {
      cache.clear();
    }
  }
}
