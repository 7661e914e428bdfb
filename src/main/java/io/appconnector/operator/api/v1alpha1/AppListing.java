package io.appconnector.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.crd.generator.annotation.AdditionalSelectableField;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One marketplace entry, published by the platform team. Cluster-scoped. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@ShortNames({"al", "listing"})
@Categories({ApiGroup.CATEGORY})
@AdditionalPrinterColumn(name = "Display Name", jsonPath = ".spec.displayName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Vendor", jsonPath = ".spec.vendor.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Category", jsonPath = ".spec.category", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Lifecycle", jsonPath = ".spec.lifecycle", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Supported By", jsonPath = ".spec.supportedBy", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Developed By", jsonPath = ".spec.developedBy", priority = 1,
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Visibility", jsonPath = ".spec.visibility", priority = 1,
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Vendor Namespace", jsonPath = ".spec.vendor.namespace", priority = 1,
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalSelectableField(jsonPath = ".spec.category")
@AdditionalSelectableField(jsonPath = ".spec.lifecycle")
@AdditionalSelectableField(jsonPath = ".spec.developedBy")
@AdditionalSelectableField(jsonPath = ".spec.supportedBy")
@AdditionalSelectableField(jsonPath = ".spec.visibility")
@JsonClassDescription("One marketplace entry, published by the platform team (cluster-scoped): the vendor, who built and supports the app, its lifecycle, visibility, pricing, the data it requests and its credential policy.")
public class AppListing extends CustomResource<AppListingSpec, AppListingStatus> {
}
