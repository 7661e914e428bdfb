package io.appconnector.operator.api.v1alpha1;

/** The API group and version of the custom resources, and the label and annotation keys they use. */
public final class ApiGroup {
  public static final String GROUP = "appconnector.io";
  public static final String VERSION = "v1alpha1";
  /** The CRD category: {@code kubectl get appconnector} lists every kind of the operator. */
  public static final String CATEGORY = "appconnector";

  private ApiGroup() {
  }
}
