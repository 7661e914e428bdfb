package io.appconnector.operator.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.appconnector.operator.support.Crds;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/** The Argo CD health check in docs/, run as Argo CD runs it: a Lua script given the resource as `obj`. */
class ArgoCdHealthTest {
  static final Path SCRIPT = Crds.PROJECT.resolve("docs/argocd-health.lua");
  static final Path DOC = Crds.PROJECT.resolve("docs/argocd-health.md");

  /** An Activation as the API server returns it, with the given generation and status (JSON, or empty). */
  static String activation(long generation, String status) {
    return "{\"apiVersion\":\"appconnector.io/v1alpha1\",\"kind\":\"Activation\",\"metadata\":{\"name\":\"ledgerly\","
        + "\"namespace\":\"tenant-acme\",\"generation\":" + generation + "}"
        + (status.isEmpty() ? "" : ",\"status\":" + status) + "}";
  }

  static String status(long observed, String phase, String ready, String message) {
    return "{\"phase\":\"" + phase + "\",\"message\":\"phase message\",\"observedGeneration\":" + observed
        + ",\"conditions\":[{\"type\":\"ListingAvailable\",\"status\":\"True\",\"message\":\"listed\"},"
        + "{\"type\":\"Ready\",\"status\":\"" + ready + "\",\"reason\":\"R\",\"message\":\"" + message + "\"}]}";
  }

  /** The script's verdict: status and message. */
  static List<String> health(String json) throws IOException {
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", lua(Serialization.unmarshal(json, JsonNode.class)));
    LuaValue hs = globals.load(Files.readString(SCRIPT), "argocd-health.lua").call();
    return List.of(hs.get("status").tojstring(), hs.get("message").tojstring());
  }

  static LuaValue lua(JsonNode node) {
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        table.set(field.getKey(), lua(field.getValue()));
      }
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < node.size(); i++) {
        table.set(i + 1, lua(node.get(i)));
      }
      return table;
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.asDouble());
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.asBoolean());
    }
    return node.isNull() ? LuaValue.NIL : LuaValue.valueOf(node.asText());
  }

  @Test
  void noStatusYetIsProgressing() throws IOException {
    assertEquals("Progressing", health(activation(1, "")).get(0));
  }

  @Test
  void aChangeTheOperatorHasNotActedOnIsProgressingEvenIfTheOldStatusWasReady() throws IOException {
    assertEquals("Progressing", health(activation(3, status(2, "Active", "True", "ok"))).get(0));
  }

  @ParameterizedTest(name = "{0} with Ready={1}: {2}")
  @CsvSource({
      "Active, True, Healthy",
      "Pending, False, Progressing",
      "Suspended, False, Suspended",
      "AwaitingConsent, False, Degraded",
      "AwaitingVendorCredentials, False, Degraded",
      "Rejected, False, Degraded",
      "Expired, False, Degraded",
      "Active, False, Degraded"})
  void eachPhaseMapsToAnArgoCdHealth(String phase, String ready, String expected) throws IOException {
    List<String> health = health(activation(2, status(2, phase, ready, "what to do: raise spec.revision")));
    assertEquals(expected, health.get(0));
    assertEquals("what to do: raise spec.revision", health.get(1), "the Ready condition's message is shown");
  }

  @Test
  void theDocumentCarriesTheTestedScriptVerbatim() throws IOException {
    String script = Files.readString(SCRIPT);
    String doc = Files.readString(DOC);
    assertTrue(doc.contains("```lua\n" + script + "```"), "docs/argocd-health.md shows docs/argocd-health.lua");
    String indented = script.lines().map(l -> l.isEmpty() ? l : "    " + l).reduce("", (a, l) -> a + l + "\n");
    assertTrue(doc.contains("resource.customizations.health.appconnector.io_Activation: |\n" + indented),
        "the argocd-cm example holds the same script");
  }
}
