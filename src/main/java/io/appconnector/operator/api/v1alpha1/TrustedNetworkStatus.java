package io.appconnector.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed of a TrustedNetwork. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("What the operator observed of the networks: a Ready condition and how many networks it trusts.")
public class TrustedNetworkStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("How many CIDRs of spec.cidrs the operator trusts (exceptions aside).")
  public Integer networks;

  @JsonPropertyDescription("Kubernetes-convention conditions; Ready is True once the operator accepted the networks.")
  public List<Condition> conditions = new ArrayList<>();
}
