package io.appconnector.operator.bench;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the Kubernetes API calls a Fabric8 client sends, measured from outside the code under test:
 * installed with {@code KubernetesClientBuilder.withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(...))}.
 * Writes are POST, PUT, PATCH and DELETE; reads are GETs that are not watches.
 */
public final class ApiCalls implements Interceptor {
  public static final String NAME = "bench-api-calls";

  private final Map<String, LongAdder> writes = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> reads = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
  private final LongAdder watches = new LongAdder();

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    String method = request.method();
    String query = request.uri().getRawQuery();
    if ("GET".equals(method)) {
      if (query != null && query.contains("watch=true")) {
        watches.increment();
      } else {
        reads.computeIfAbsent(method + " " + resourceOf(request.uri().getRawPath(), query), k -> new LongAdder())
            .increment();
      }
    } else {
      writes.computeIfAbsent(method + " " + resourceOf(request.uri().getRawPath(), query), k -> new LongAdder())
          .increment();
    }
  }

  @Override
  public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    if (!"GET".equals(request.method())) {
      answers.computeIfAbsent(Integer.toString(response.code()), k -> new LongAdder()).increment();
    }
  }

  /** "secrets", "activations/status", "events" ... from an API path; a list is "secrets (list)". */
  static String resourceOf(String path, String query) {
    String[] parts = path.replaceFirst("^/", "").split("/");
    int i;
    if (parts.length > 0 && "api".equals(parts[0])) {
      i = 2;
    } else if (parts.length > 0 && "apis".equals(parts[0])) {
      i = 3;
    } else {
      return path;
    }
    if (parts.length > i + 2 && "namespaces".equals(parts[i])) {
      i += 2;
    }
    if (parts.length <= i) {
      return path;
    }
    String resource = parts[i];
    if (parts.length == i + 1) {
      return resource + " (collection)";
    }
    return parts.length > i + 2 ? resource + "/" + parts[i + 2] : resource;
  }

  public Snapshot snapshot() {
    return new Snapshot(copy(writes), copy(reads), copy(answers), watches.sum());
  }

  private static Map<String, Long> copy(Map<String, LongAdder> counts) {
    Map<String, Long> result = new TreeMap<>();
    counts.forEach((k, v) -> result.put(k, v.sum()));
    return result;
  }

  /** Counts at one moment; {@link #minus} gives what happened between two. */
  public record Snapshot(Map<String, Long> writes, Map<String, Long> reads, Map<String, Long> answers, long watches) {
    public long totalWrites() {
      return writes.values().stream().mapToLong(Long::longValue).sum();
    }

    public long totalReads() {
      return reads.values().stream().mapToLong(Long::longValue).sum();
    }

    public Snapshot minus(Snapshot earlier) {
      return new Snapshot(diff(writes, earlier.writes), diff(reads, earlier.reads), diff(answers, earlier.answers),
          watches - earlier.watches);
    }

    private static Map<String, Long> diff(Map<String, Long> now, Map<String, Long> before) {
      Map<String, Long> result = new TreeMap<>();
      now.forEach((k, v) -> {
        long d = v - before.getOrDefault(k, 0L);
        if (d != 0) {
          result.put(k, d);
        }
      });
      return result;
    }
  }
}
