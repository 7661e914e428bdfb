package io.appconnector.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Reserved for the listing's observed state; the operator does not write it yet. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AppListingStatus {
  public Long observedGeneration;
}
