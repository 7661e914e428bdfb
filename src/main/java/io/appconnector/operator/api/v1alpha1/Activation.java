package io.appconnector.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.crd.generator.annotation.AdditionalSelectableField;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A tenant (the namespace) turning an integration on. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@ShortNames({"act"})
@Categories({ApiGroup.CATEGORY})
// Expires is a string column: kubectl renders a date column as an age, and a time in the future as <invalid>.
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Listing", jsonPath = ".spec.listing", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Expires", jsonPath = ".status.credential.expiresAt",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Client ID", jsonPath = ".status.credential.clientId", priority = 1,
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Delivered To", jsonPath = ".status.credential.deliveredTo", priority = 1,
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Message", jsonPath = ".status.message", priority = 1,
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalSelectableField(jsonPath = ".spec.listing")
@AdditionalSelectableField(jsonPath = ".status.phase")
@JsonClassDescription("A tenant (the Activation's namespace) turning on an AppListing: its consent to fee changes and data access, the scopes it grants, network security and suspension. The operator issues credentials, delivers them to the vendor, and expires, withdraws and revokes them.")
public class Activation extends CustomResource<ActivationSpec, ActivationStatus> implements Namespaced {
}
