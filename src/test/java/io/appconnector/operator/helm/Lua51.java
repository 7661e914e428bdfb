package io.appconnector.operator.helm;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs an Argo CD Lua script under the reference Lua 5.1 interpreter (installed by .ci/lua.sh), with
 * the resource as the global {@code obj}, and returns what the script returned, flattened to
 * {@code path=value} ("status", "spec.suspended", "resume.disabled").
 */
final class Lua51 {
  private static final String DUMP = """
      local function dump(prefix, v)
        if type(v) == "table" then
          local keys = {}
          for k in pairs(v) do table.insert(keys, k) end
          table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
          for _, k in ipairs(keys) do
            dump(prefix == "" and tostring(k) or prefix .. "." .. tostring(k), v[k])
          end
        else
          io.write(prefix, "=", tostring(v), "\\n")
        end
      end
      dump("", result)
      """;

  private Lua51() {
  }

  static Path interpreter() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path lua = Path.of(dir, "lua5.1");
      if (Files.isExecutable(lua)) {
        return lua;
      }
    }
    String message = "lua5.1 not found; run .ci/lua.sh";
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(message + " (required under CI)");
    }
    Assumptions.abort(message);
    return null;
  }

  static Map<String, String> run(Path script, String json) throws IOException, InterruptedException {
    String chunk = "obj = " + literal(Serialization.unmarshal(json, JsonNode.class)) + "\n"
        + "local result = (function()\n" + Files.readString(script) + "\nend)()\n" + DUMP;
    Process lua = new ProcessBuilder(interpreter().toString(), "-").redirectErrorStream(true).start();
    try (var in = lua.getOutputStream()) {
      in.write(chunk.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(lua.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!lua.waitFor(30, TimeUnit.SECONDS) || lua.exitValue() != 0) {
      throw new IllegalStateException("lua5.1 failed on " + script + ":\n" + out);
    }
    Map<String, String> result = new LinkedHashMap<>();
    out.lines().forEach(l -> result.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
    return result;
  }

  /** A JSON value as a Lua table constructor, as Argo CD hands the resource to its scripts. */
  static String literal(JsonNode node) {
    if (node.isObject()) {
      StringBuilder out = new StringBuilder("{");
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (!field.getValue().isNull()) {
          out.append('[').append(string(field.getKey())).append("]=").append(literal(field.getValue())).append(',');
        }
      }
      return out.append('}').toString();
    }
    if (node.isArray()) {
      StringBuilder out = new StringBuilder("{");
      node.forEach(item -> out.append(literal(item)).append(','));
      return out.append('}').toString();
    }
    if (node.isNumber() || node.isBoolean()) {
      return node.asText();
    }
    return node.isNull() ? "nil" : string(node.asText());
  }

  private static String string(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? String.valueOf((char) c) : "\\" + c);
    }
    return out.append('"').toString();
  }
}
