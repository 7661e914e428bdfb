package io.appconnector.operator.dependent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.appconnector.operator.values.DeliveryNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the operator is writing itself, so the watch events of its own writes do not bring a
 * reconcile that would find nothing new.
 *
 * <p>A write is noted before it is sent, as the content it gives the object (everything but the
 * server-set metadata: resourceVersion, uid, timestamps, managedFields). Watch events of one object
 * arrive in the order of its writes, so an event that shows the content of a pending note is that
 * write's own event: it is dropped, with any earlier notes of the object. An event that matches no
 * note (someone else's change, a hand-edited status, a first use recorded by the token endpoint,
 * server-side defaulting) clears the object's notes and is reconciled as usual. Content, not
 * resourceVersion, because a watch event can arrive before the answer to the write that caused it.
 * A write that fails is forgotten; a delete is noted by kind, namespace and name.
 */
public final class OwnWrites {
  private static final JsonNode DELETED = TextNode.valueOf("deleted");
  private static final List<String> SERVER_SET = List.of("resourceVersion", "uid", "creationTimestamp", "generation",
      "managedFields", "selfLink");

  private final Map<String, List<JsonNode>> pending = new ConcurrentHashMap<>();

  /** Sends a create or update of {@code intended}, noting its content first; forgets the note if the write fails. */
  public <T extends HasMetadata> T write(HasMetadata intended, Supplier<T> send) {
    return noted(key(intended), content(intended), send);
  }

  /** Sends a delete of {@code target}, noting it first; forgets the note if the delete fails. */
  public <T> T delete(HasMetadata target, Supplier<T> send) {
    return noted(key(target), DELETED, send);
  }

  /** True when an add or update event shows the content of one of the operator's pending writes. */
  public boolean isOwnWrite(HasMetadata seen) {
    String key = key(seen);
    return pending.containsKey(key) && consume(key, content(seen));
  }

  /** True when a delete event is the one of the operator's own pending delete. */
  public boolean isOwnDelete(HasMetadata seen) {
    String key = key(seen);
    return pending.containsKey(key) && consume(key, DELETED);
  }

  private <T> T noted(String key, JsonNode note, Supplier<T> send) {
    pending.compute(key, (k, notes) -> {
      List<JsonNode> list = notes == null ? new ArrayList<>(2) : notes;
      list.add(note);
      return list;
    });
    try {
      return send.get();
    } catch (RuntimeException e) {
      pending.computeIfPresent(key, (k, notes) -> {
        notes.remove(note);
        return notes.isEmpty() ? null : notes;
      });
      throw e;
    }
  }

  private boolean consume(String key, JsonNode seen) {
    boolean[] own = {false};
    pending.computeIfPresent(key, (k, notes) -> {
      int at = notes.indexOf(seen);
      if (at < 0) {
        return null;
      }
      own[0] = true;
      notes.subList(0, at + 1).clear();
      return notes.isEmpty() ? null : notes;
    });
    return own[0];
  }

  private static String key(HasMetadata object) {
    return object.getKind() + "/" + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }

  private static JsonNode content(HasMetadata object) {
    ObjectNode tree = Serialization.jsonMapper().valueToTree(object);
    tree.remove("kind");
    tree.remove("apiVersion");
    JsonNode metadata = tree.get("metadata");
    if (metadata instanceof ObjectNode m) {
      m.remove(SERVER_SET);
      // Informer caches drop it (LeanStore), so an object written from the cache lacks it.
      if (m.get("annotations") instanceof ObjectNode annotations) {
        annotations.remove(DeliveryNames.LAST_APPLIED);
        if (annotations.isEmpty()) {
          m.remove("annotations");
        }
      }
    }
    return tree;
  }
}
