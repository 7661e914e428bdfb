package io.appconnector.operator.values;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * A {@code namespace/name} reference, as annotations, status and messages write one: built and
 * parsed here only. A namespace (a DNS label) has no slash, so the first slash ends it.
 */
public record NamespacedName(String namespace, String name) {

  public static NamespacedName of(HasMetadata object) {
    return new NamespacedName(object.getMetadata().getNamespace(), object.getMetadata().getName());
  }

  /** The reference in {@code text}, or null when there is none (null, or no slash). */
  public static NamespacedName parse(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    return slash < 0 ? null : new NamespacedName(text.substring(0, slash), text.substring(slash + 1));
  }

  /** {@code namespace/name}. */
  @Override
  public String toString() {
    return namespace + "/" + name;
  }

  /** {@code namespace/name} of an object. */
  public static String ref(HasMetadata object) {
    return of(object).toString();
  }
}
