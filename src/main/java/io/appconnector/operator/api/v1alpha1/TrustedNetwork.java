package io.appconnector.operator.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A tenant's trusted source networks, used by TrustedOnly activations. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@ShortNames({"tn"})
public class TrustedNetwork extends CustomResource<TrustedNetworkSpec, TrustedNetworkStatus> implements Namespaced {
}
