package io.appconnector.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed of a listing, for the platform team. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("What the operator observed of the listing.")
public class AppListingStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready: the listing can serve its activations (Approved, vendor namespace present, "
      + "no activation blocked); its reason and message say what stands in the way.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Activations of this listing that are Active.")
  public Integer activeActivations;

  @JsonPropertyDescription("Activations of this listing the operator cannot serve (delivery failed or conflicting); "
      + "the Ready message names them.")
  public Integer blockedActivations;
}
