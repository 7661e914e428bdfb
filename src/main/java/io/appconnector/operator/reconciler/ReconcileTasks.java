package io.appconnector.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which resource a reconcile task JOSDK hands its executor is for. JOSDK 5.2.3 has no API for this
 * (nor for ordering its queue: operator-framework/java-operator-sdk#2754 is open), so the resource is
 * read from the task's private fields: {@code EventProcessor$ReconcilerExecutor.executionScope},
 * then {@code ExecutionScope.resource}, the resource as cached when the task was submitted. Anything
 * unexpected (another JOSDK version, another kind of task) gives null, and the task simply waits in
 * arrival order; a warning says so once. See docs/decisions.md.
 */
final class ReconcileTasks {
  private static final Logger log = LoggerFactory.getLogger(ReconcileTasks.class);
  static final String TASK_CLASS = "io.javaoperatorsdk.operator.processing.event.EventProcessor$ReconcilerExecutor";

  private static final Field SCOPE;
  private static final Field RESOURCE;
  private static volatile boolean warned;

  static {
    Field scope = null;
    Field resource = null;
    try {
      scope = Class.forName(TASK_CLASS).getDeclaredField("executionScope");
      resource = scope.getType().getDeclaredField("resource");
      scope.setAccessible(true);
      resource.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      warn("JOSDK's reconcile tasks cannot be read (" + e + ")");
      scope = null;
      resource = null;
    }
    SCOPE = scope;
    RESOURCE = resource;
  }

  private ReconcileTasks() {
  }

  /** The resource {@code task} reconciles, or null when it is not a JOSDK reconcile task that can be read. */
  static HasMetadata resourceOf(Runnable task) {
    if (SCOPE == null || task == null || !task.getClass().getName().equals(TASK_CLASS)) {
      return null;
    }
    try {
      Object scope = SCOPE.get(task);
      Object resource = scope == null ? null : RESOURCE.get(scope);
      return resource instanceof HasMetadata r ? r : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      warn("a reconcile task cannot be read (" + e + ")");
      return null;
    }
  }

  /** Whether resources can be read from JOSDK's tasks at all (false: every reconcile waits in arrival order). */
  static boolean readable() {
    return SCOPE != null;
  }

  private static void warn(String why) {
    if (!warned) {
      warned = true;
      log.warn("{}; reconciles with a due deadline wait in arrival order like all others", why);
    }
  }
}
