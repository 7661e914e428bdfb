package io.appconnector.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Reserved for the network's observed state; the operator does not write it yet. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrustedNetworkStatus {
  public Long observedGeneration;
}
