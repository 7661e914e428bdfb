package io.appconnector.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.exceptions) || self.exceptions.all(e, !isCIDR(e) || self.cidrs.exists(c, isCIDR(c) && cidr(c).containsCIDR(e)))",
    message = "each exception must lie inside one of cidrs (an exception carves a range out of a trusted network)",
    reason = "FieldValueInvalid", fieldPath = ".exceptions")
@JsonClassDescription("The trusted networks and the ranges inside them that are not trusted.")
public class TrustedNetworkSpec {

  @Required
  @Size(min = 1, max = 64)
  @ValidationRule(value = "self.all(c, isCIDR(c))",
      message = "each entry in cidrs must be a CIDR such as 203.0.113.0/24 or 2001:db8::/32")
  @ValidationRule(value = "self.all(c, !isCIDR(c) || cidr(c) == cidr(c).masked())",
      message = "a CIDR in cidrs has host bits set (for example 10.1.2.3/16); write the network address (10.1.0.0/16)")
  @JsonPropertyDescription("Trusted source networks, IPv4 or IPv6 CIDRs.")
  public List<@Size(min = 1, max = 43) String> cidrs;

  @Size(max = 64)
  @ValidationRule(value = "self.all(c, isCIDR(c))",
      message = "each entry in exceptions must be a CIDR such as 203.0.113.128/25 or 2001:db8::/48")
  @JsonPropertyDescription("Ranges inside cidrs that are not trusted.")
  public List<@Size(min = 1, max = 43) String> exceptions;

  @Size(max = 500)
  @JsonPropertyDescription("What these networks are, for people reading the object.")
  public String description;
}
