package io.appconnector.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One marketplace entry, published by the platform team. Cluster-scoped. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@ShortNames({"al", "listing"})
@AdditionalPrinterColumn(name = "Category", jsonPath = ".spec.category", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "DevelopedBy", jsonPath = ".spec.developedBy", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Lifecycle", jsonPath = ".spec.lifecycle", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class AppListing extends CustomResource<AppListingSpec, AppListingStatus> {
}
