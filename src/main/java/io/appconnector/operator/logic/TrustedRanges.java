package io.appconnector.operator.logic;

import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.values.Cidr;
import java.util.ArrayList;
import java.util.List;

/**
 * A TrustedNetwork as the operator reads it, for the NetworkPolicy fence and the token endpoint
 * alike: a source is trusted inside one of its cidrs and outside its exceptions, as a NetworkPolicy
 * ipBlock with except reads. Whatever cannot be read narrows access: an invalid cidr is skipped, and
 * an invalid exception leaves the whole network out (ignoring the exception would widen it).
 *
 * @param problems what could not be read, in order; each one is reported by the caller
 */
public record TrustedRanges(List<Cidr> cidrs, List<Cidr> exceptions, boolean leftOut, List<Problem> problems) {

  /** An entry that does not parse: {@code kind} is "cidr" or "exception". */
  public record Problem(String kind, String message) {
  }

  public static TrustedRanges of(TrustedNetwork network) {
    List<Problem> problems = new ArrayList<>();
    List<Cidr> exceptions = new ArrayList<>();
    for (String text : network.getSpec().exceptions == null ? List.<String>of() : network.getSpec().exceptions) {
      try {
        exceptions.add(Cidr.parse(text));
      } catch (IllegalArgumentException e) {
        problems.add(new Problem("exception", e.getMessage()));
        return new TrustedRanges(List.of(), List.of(), true, problems);
      }
    }
    List<Cidr> cidrs = new ArrayList<>();
    for (String text : network.getSpec().cidrs == null ? List.<String>of() : network.getSpec().cidrs) {
      try {
        cidrs.add(Cidr.parse(text));
      } catch (IllegalArgumentException e) {
        problems.add(new Problem("cidr", e.getMessage()));
      }
    }
    return new TrustedRanges(cidrs, exceptions, false, problems);
  }

  /** Whether the address lies in one of the cidrs and in none of the exceptions. */
  public boolean contains(byte[] address) {
    return exceptions.stream().noneMatch(e -> e.contains(address)) && cidrs.stream().anyMatch(c -> c.contains(address));
  }
}
